package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.CallSite;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SiteTable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Call sites: captured for sampled handles and into_raw, stored once, named by the records that use them. */
class CallSiteTest {
    @TempDir
    Path tmp;

    private static MetaRegion region(Path dir, LeakDetection level) {
        return MetaRegion.create(
                dir, TestRegions.SMALL, RegionOptions.defaults().withLeakDetection(level));
    }

    private static Frame<NoMeta> allocHere(FrameAllocOptions alloc) {
        return alloc.allocFrame();
    }

    /** Allocates and closes {@code n} frames, all from one call site. */
    private static void allocAndClose(FrameAllocOptions alloc, int n) {
        for (int i = 0; i < n; i++) {
            allocHere(alloc).close();
        }
    }

    @Test
    void paranoid_names_the_callers_frame_and_stores_each_stack_once() {
        Path dir = tmp.resolve("r");
        try (MetaRegion region = region(dir, LeakDetection.PARANOID)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            for (int i = 0; i < 10; i++) {
                try (Frame<NoMeta> f = allocHere(alloc)) {
                    f.clone().intoRaw();
                }
            }
        }
        SiteTable.Sites sites = SiteTable.read(dir.resolve(RegionLayout.SITES));
        assertThat(sites.problem()).isNull();
        assertThat(sites.sites())
                .as("alloc, clone and into_raw: three stacks, each once")
                .hasSize(3);
        List<JournalEvent> calls = JournalAssertions.events(dir, e -> e.kind.changesSlot() && e.groupStart);
        for (JournalEvent e : calls) {
            OpCode op = e.opCode();
            if (op == OpCode.FRAME_DROP) {
                assertThat(e.site).as("a drop has no site").isZero();
                continue;
            }
            assertThat(e.site).as(op + " names a site").isNotZero();
            CallSite site = sites.get(e.site);
            assertThat(site).as("every site a record names is in the table").isNotNull();
            CallSite.Frame top = site.top();
            assertThat(top.className()).isEqualTo(CallSiteTest.class.getName());
            assertThat(top.file()).isEqualTo("CallSiteTest.java");
            assertThat(top.line()).isPositive();
            assertThat(top.method())
                    .isEqualTo(
                            op == OpCode.FRAME_FROM_UNUSED
                                    ? "allocHere"
                                    : "paranoid_names_the_callers_frame_and_stores_each_stack_once");
            assertThat(site.frames()).hasSizeLessThanOrEqualTo(SiteCapture.DEPTH);
            assertThat(site.frames())
                    .as("FrameJournal's own frames are dropped")
                    .noneMatch(fr -> fr.className().equals(SlotEngine.class.getName())
                            || fr.className().equals(FrameAllocOptions.class.getName()));
        }
    }

    @Test
    void sampled_takes_the_first_handle_of_a_thread_then_every_128th_and_reopen_keeps_ids() throws Exception {
        Path dir = tmp.resolve("r");
        RegionOptions sampled = RegionOptions.defaults().withLeakDetection(LeakDetection.SAMPLED);
        long size = 0;
        for (int session = 0; session < 2; session++) {
            try (MetaRegion region =
                    session == 0 ? MetaRegion.create(dir, TestRegions.SMALL, sampled) : MetaRegion.open(dir, sampled)) {
                allocAndClose(new FrameAllocOptions(region), session == 0 ? 300 : 1);
            }
            if (session == 0) {
                List<JournalEvent> sited = JournalAssertions.events(dir, e -> e.groupStart && e.site != 0);
                assertThat(sited).as("handles 0, 128 and 256 of the thread").hasSize(3);
                assertThat(sited).allMatch(e -> e.site == sited.get(0).site);
                size = Files.size(dir.resolve(RegionLayout.SITES));
            }
        }
        List<JournalEvent> again = JournalAssertions.events(dir, e -> e.groupStart && e.site != 0);
        assertThat(again).as("a new session's first handle is sampled").hasSize(4);
        assertThat(again.get(3).site)
                .as("the same stack keeps its id across sessions")
                .isEqualTo(again.get(0).site);
        assertThat(Files.size(dir.resolve(RegionLayout.SITES)))
                .as("and is not stored again")
                .isEqualTo(size);
    }

    @Test
    void recovery_keeps_the_site_table_and_every_site_a_record_names() throws Exception {
        Path dir = tmp.resolve("r");
        try (MetaRegion region = region(dir, LeakDetection.PARANOID)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            allocHere(alloc).clone().intoRaw();
            allocAndClose(alloc, 3);
        }
        Path file = dir.resolve(RegionLayout.SITES);
        byte[] before = Files.readAllBytes(file);
        io.framejournal.journal.testsupport.DeadWriter.markOpen(dir); // the status a writer that died leaves behind
        MetaRegion.recover(dir, true);
        assertThat(Files.readAllBytes(file))
                .as("recovery leaves the site table alone")
                .isEqualTo(before);
        SiteTable.Sites sites = SiteTable.read(file);
        assertThat(JournalAssertions.events(dir, e -> e.site != 0))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(sites.get(e.site)).isNotNull());
    }

    @Test
    void disabled_captures_nothing_and_writes_no_site_table() {
        Path dir = tmp.resolve("r");
        try (MetaRegion region = region(dir, LeakDetection.DISABLED)) {
            allocHere(new FrameAllocOptions(region)).intoRaw();
        }
        assertThat(JournalAssertions.events(dir, e -> e.site != 0)).isEmpty();
        assertThat(dir.resolve(RegionLayout.SITES)).doesNotExist();
    }

    private static long leakOne(FrameAllocOptions alloc) {
        return allocHere(alloc).handleId();
    }

    @Test
    void a_leaked_handle_names_its_creation_site() {
        Path dir = tmp.resolve("r");
        MetaRegion region = region(dir, LeakDetection.PARANOID);
        long leaked = leakOne(new FrameAllocOptions(region));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return !JournalAssertions.events(dir, e -> e.kind == EventKind.LEAKED_HANDLE && e.handle == leaked)
                            .isEmpty();
                });
        region.close();
        JournalEvent leak = JournalAssertions.events(dir, e -> e.kind == EventKind.LEAKED_HANDLE && e.handle == leaked)
                .get(0);
        JournalEvent mint = JournalAssertions.events(dir, e -> e.groupStart && e.handle == leaked)
                .get(0);
        assertThat(leak.site).as("the creation site").isNotZero().isEqualTo(mint.site);
        assertThat(SiteTable.read(dir.resolve(RegionLayout.SITES))
                        .get(leak.site)
                        .top()
                        .method())
                .isEqualTo("allocHere");
    }

    @Test
    void a_torn_last_entry_is_cut_by_the_next_writer() throws Exception {
        Path dir = tmp.resolve("r");
        try (MetaRegion region = region(dir, LeakDetection.PARANOID)) {
            allocHere(new FrameAllocOptions(region)).close();
        }
        Path file = dir.resolve(RegionLayout.SITES);
        long good = Files.size(file);
        Files.write(file, new byte[] {40, 0, 0, 0, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(SiteTable.read(file).problem()).contains("cut short");
        assertThat(SiteTable.read(file).sites()).hasSize(1);
        try (MetaRegion region =
                MetaRegion.open(dir, RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID))) {
            new FrameAllocOptions(region).allocFrame().close();
        }
        SiteTable.Sites after = SiteTable.read(file);
        assertThat(after.problem()).isNull();
        assertThat(after.sites()).hasSize(2);
        assertThat(Files.size(file)).isGreaterThan(good);
    }

    /** Not a speed check: the allocation per handle at each level, printed for bench/README. */
    @Test
    void a_known_stack_allocates_only_what_the_stack_walk_needs() {
        long disabled = bytesPerHandle(LeakDetection.DISABLED);
        long sampled = bytesPerHandle(LeakDetection.SAMPLED);
        long paranoid = bytesPerHandle(LeakDetection.PARANOID);
        System.out.println("bytes allocated per alloc+close: DISABLED " + disabled + ", SAMPLED " + sampled
                + ", PARANOID " + paranoid + " (stack walk + Cleaner registration per handle)");
        assertThat(paranoid).isGreaterThanOrEqualTo(disabled);
    }

    private long bytesPerHandle(LeakDetection level) {
        Path dir = tmp.resolve(level.name());
        try (MetaRegion region = region(dir, level)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long t = Thread.currentThread().getId();
            int n = 12_800;
            long perCall = 0;
            for (int round = 0; round < 3; round++) { // the first rounds warm up; one call site for all
                long before = threads.getThreadAllocatedBytes(t);
                allocAndClose(alloc, n);
                perCall = (threads.getThreadAllocatedBytes(t) - before) / n;
            }
            if (level != LeakDetection.DISABLED) {
                assertThat(SiteTable.read(dir.resolve(RegionLayout.SITES)).sites())
                        .as("one stack, stored once")
                        .hasSize(1);
            }
            return perCall;
        }
    }
}
