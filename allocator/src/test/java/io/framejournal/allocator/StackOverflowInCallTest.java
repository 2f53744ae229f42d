package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulator that recurses deeply can call the allocator with little stack left, and a {@code StackOverflowError} can
 * then come out of any method of the call. Whatever point it comes from, the call must leave nothing of itself behind
 * on the thread or the region: the thread can call again, the region closes, and its journal and table agree. The
 * test calls at every stack depth in turn (a recursion that calls on its way back up after overflowing), so the error
 * comes from one point of the call's path after another, each the deepest the call has reached so far.
 */
class StackOverflowInCallTest {
    @TempDir
    Path tmp;

    /**
     * Recurses until the stack overflows, then calls {@code op} at every depth on the way back up (each frame given
     * back leaves it a few more bytes), keeping what each call threw. Down there the catch may call nothing (it would
     * overflow again): it only stores into arrays made beforehand.
     */
    static final class Depths {
        final Throwable[] thrown = new Throwable[1 << 16];
        int calls;
        int completed;

        void atEveryDepth(Runnable op) {
            try {
                atEveryDepth(op);
            } catch (StackOverflowError deepest) {
                // the way back up starts here
            }
            int i = calls++;
            try {
                op.run();
                completed++;
            } catch (RuntimeException | Error e) {
                thrown[i & (thrown.length - 1)] = e;
            }
        }

        /**
         * What the calls threw, by kind: the overflow itself, or (once an overflow inside an append that had taken its
         * sequence number failed the region) the failed region's refusal; anything else as itself.
         */
        Map<String, Integer> seen() {
            Map<String, Integer> seen = new TreeMap<>();
            if (completed > 0) {
                seen.put("completed", completed);
            }
            for (Throwable e : thrown) {
                if (e == null) {
                    continue;
                }
                String kind = e.toString();
                if (e instanceof StackOverflowError) {
                    kind = "StackOverflowError";
                } else if (e instanceof IllegalStateException
                        && (e.getMessage().contains("journal append failed")
                                || e.getMessage().contains("the region failed and takes no more calls"))) {
                    kind = "refused: the region failed";
                }
                seen.merge(kind, 1, Integer::sum);
            }
            return seen;
        }
    }

    @Test
    void a_stack_overflow_at_any_point_of_a_call_leaves_no_call_in_progress() throws Exception {
        Path dir = tmp.resolve("region");
        MetaRegion[] region = new MetaRegion[1];
        Depths depths = new Depths();
        Throwable[] after = new Throwable[1];
        // the region is made on the deep thread: its first caller, whose calls find their context with one field read,
        // so that the steps of a call's start are the deepest it has taken when the stack runs out there
        Thread deep = new Thread(
                null,
                () -> {
                    region[0] = MetaRegion.create(
                            dir,
                            RegionConfig.of(64L << 20),
                            RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
                    FrameAllocOptions alloc = new FrameAllocOptions(region[0]);
                    List<UniqueFrame<NoMeta>> held =
                            new java.util.ArrayList<>(List.of(alloc.allocUniqueFrameWith(NoMeta.INSTANCE)));
                    Runnable op = () -> {
                        UniqueFrame<NoMeta> unique = held.get(0);
                        if (unique.isClosed()) { // an overflow after a call's record, before its handle came back
                            unique = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
                            held.set(0, unique);
                        }
                        Frame<NoMeta> shared = unique.intoShared(); // UNIQUE→1, the obligation moved (fromHandle)
                        held.set(0, UniqueFrame.tryFromShared(shared).orElseThrow()); // and back
                    };
                    op.run(); // every class on the path is initialized here, on a shallow stack
                    depths.atEveryDepth(op);
                    try {
                        op.run(); // the same thread, on a shallow stack again
                    } catch (Throwable e) {
                        after[0] = e;
                    }
                },
                "deep",
                256 << 10);
        deep.start();
        deep.join(120_000);
        assertThat(deep.isAlive()).as("the deep thread finished").isFalse();
        Map<String, Integer> seen = depths.seen();
        assertThat(seen).as("the error came from inside the calls").containsKey("StackOverflowError");
        assertThat(seen.keySet())
                .as("what the calls threw at every depth: the overflow itself, or the failed region's refusal")
                .isSubsetOf("StackOverflowError", "completed", "refused: the region failed");
        if (region[0].failure() == null) {
            assertThat(after[0])
                    .as("the thread calls again once it has stack (before the fix: 'calls on one region do not nest')")
                    .isNull();
        } else {
            assertThat(after[0])
                    .as("the thread's next call is refused as the failed region's (before the fix: 'do not nest')")
                    .hasMessageContaining("the region failed and takes no more calls");
        }
        region[0].close(Duration.ofSeconds(5)); // before the fix: 'threads are still inside calls'
        if (region[0].failure() == null) {
            assertThat(RegionStatus.read(new RegionLayout(dir).status()).clean())
                    .as("closed clean")
                    .isTrue();
        } else {
            MetaRegion.recover(dir, false);
        }
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    /**
     * In a fresh JVM, where nothing of the library or Chronicle is initialized yet, a thread's first call comes with
     * little stack left (its journal lane, a Chronicle appender, is made inside it). A class is initialized on first
     * use, and a StackOverflowError in its static initializer makes it unusable for the JVM's life: before the fix,
     * Chronicle's {@code Demarshallable} (the first appender on an existing queue file reads its header) and our
     * {@code RegionException} (the catch of an append that overflowed) were, so that no new thread could call, no
     * journal could be read, and a failed append could not even be reported.
     */
    @Test
    void a_first_call_deep_down_in_a_fresh_jvm_leaves_every_class_usable() throws Exception {
        Path dir = tmp.resolve("region");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle."))
                .toList());
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), StackOverflowChild.class.getName(), dir.toString()));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed)
                .as(printed)
                .containsPattern("thrown: \\[StackOverflowError, completed(, refused: the region failed)?]")
                .contains("a new thread calls: ok")
                .contains("closed: ok")
                .contains("journal read: ok")
                .doesNotContain("NoClassDefFoundError");
    }
}
