package io.framejournal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.FrameStatus;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.SlotView;
import io.framejournal.replay.Region;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameJournalCrashTest {
    @TempDir
    Path tmp;

    @Test
    void killed_after_exactly_n_calls_the_recovered_region_holds_n_frames() throws Exception {
        FrameJournalCrash.Crashed crashed = FrameJournalCrash.of(CountingWorkload.class)
                .maxPaddr(4L << 20)
                .killAfterCalls(25)
                .run(tmp.resolve("region"));

        assertThat(crashed.calls()).isEqualTo(25);
        assertThat(crashed.exitCode()).isEqualTo(137);
        assertThat(crashed.recovery().alreadyClean()).isFalse();
        assertThat(crashed.recovery().verdict()).isEqualTo(io.framejournal.allocator.RecoveryReport.CONSISTENT);
        try (Region region = crashed.inspect()) {
            List<SlotView> used = region.inUse();
            assertThat(used).hasSize(25).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(FrameStatus.SHARED);
                assertThat(s.obligations()).isEqualTo(1);
            });
        }
        Region.Audit audit = crashed.audit();
        assertThat(audit.report().obligations()).isEqualTo(25); // the dead process's handles, still owed
        assertThat(audit.text()).contains("leaks:         25 obligation(s) outstanding in 25 handle group(s)");
        try (MetaRegion reopened = crashed.open()) {
            assertThat(reopened.session()).isEqualTo(2);
        }
    }

    @Test
    void with_reclaim_the_dead_process_holds_nothing_and_the_region_is_usable(@TempDir Path other) throws Exception {
        FrameJournalCrash.Crashed crashed = FrameJournalCrash.of(CountingWorkload.class)
                .maxPaddr(4L << 20)
                .killAfterCalls(10)
                .reclaim(true)
                .run(other.resolve("region"));
        assertThat(crashed.recovery().framesReclaimed()).isEqualTo(10);
        try (MetaRegion region = crashed.open()) {
            assertThat(new FrameAllocOptions(region).allocFrame().referenceCount())
                    .isEqualTo(1);
        }
    }

    @Test
    void killing_at_a_journal_index_stops_at_the_first_call_past_it() throws Exception {
        FrameJournalCrash.Crashed crashed = FrameJournalCrash.of(CountingWorkload.class)
                .maxPaddr(4L << 20)
                .killAtJournalIndex(0)
                .run(tmp.resolve("region"));
        assertThat(crashed.calls()).isEqualTo(1);
    }

    @Test
    void it_needs_a_kill_point() {
        assertThatThrownBy(() -> FrameJournalCrash.of(CountingWorkload.class).run(tmp.resolve("r")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("killAfterCalls");
    }

    /** Not public: the child JVM could not create it. */
    private static final class HiddenWorkload implements CrashWorkload {
        @Override
        public void run(MetaRegion region, FrameAllocOptions alloc, Calls calls) {
            calls.done();
        }
    }

    /** Public, but only a constructor with an argument. */
    public static final class NoDefaultConstructor implements CrashWorkload {
        public NoDefaultConstructor(int ignored) {}

        @Override
        public void run(MetaRegion region, FrameAllocOptions alloc, Calls calls) {
            calls.done();
        }
    }

    @Test
    void a_workload_the_child_cannot_create_is_refused_before_any_child_starts() {
        Path dir = tmp.resolve("region");
        assertThatThrownBy(() -> FrameJournalCrash.of(HiddenWorkload.class)
                        .killAfterCalls(1)
                        .run(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the workload class " + HiddenWorkload.class.getName() + " must be public, static if"
                        + " nested, and have a public no-argument constructor: the child JVM creates it from its name");
        assertThatThrownBy(() -> FrameJournalCrash.of(NoDefaultConstructor.class)
                        .killAfterCalls(1)
                        .run(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("have a public no-argument constructor");
        assertThat(dir).doesNotExist();
    }
}
