package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.SiteTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads stopped with an interrupt ({@code ExecutorService.shutdownNow}, as a simulator stops its workers): an
 * interrupt closes a {@code FileChannel} under the thread that writes through it, so before these fixes a region
 * closed on such a thread failed in its last checkpoint ("cannot write checkpoint …: null") and stayed unclean, and a
 * new call site met on one closed the call-site table for the rest of the session; {@code create} failed inside Chronicle
 * Map's code generation, and {@code open} and {@code recover} reported the slot table "unreadable" (recover then
 * advised {@code --salvage}) though nothing was damaged.
 */
class InterruptedThreadTest {
    @TempDir
    Path tmp;

    @Test
    void a_region_closed_on_an_interrupted_thread_closes_clean_and_keeps_the_interrupt() {
        Path dir = tmp.resolve("region");
        MetaRegion region = MetaRegion.create(
                dir,
                TestRegions.SMALL,
                RegionOptions.defaults()
                        .withLeakDetection(LeakDetection.DISABLED)
                        .withRedoPoint(Duration.ofMillis(1))
                        .withCheckpoints(Checkpointer.Policy.everyRecords(50)));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        for (int i = 0; i < 2_000; i++) {
            alloc.allocFrame().close();
        }
        Thread.currentThread().interrupt();
        try {
            region.close();
        } finally {
            assertThat(Thread.interrupted())
                    .as("the caller's interrupt is kept")
                    .isTrue();
        }
        assertThat(RegionStatus.read(new RegionLayout(dir).status()).clean())
                .as("closed clean")
                .isTrue();
        try (MetaRegion again =
                MetaRegion.open(dir, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED))) {
            assertThat(again.lastJournalIndex()).isPositive();
        }
    }

    @Test
    void a_redo_point_recorded_on_an_interrupted_thread_is_written_and_the_keeper_goes_on() {
        Path dir = tmp.resolve("region");
        MetaRegion region = TestRegions.withIdleRedoPointKeeper(dir);
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        alloc.allocFrame().close();
        io.framejournal.journal.RedoPoint first;
        Thread.currentThread().interrupt();
        try {
            // before the fix: ClosedByInterruptException, and the keeper's channels stayed closed for the session
            first = region.recordRedoPoint();
        } finally {
            assertThat(Thread.interrupted())
                    .as("the caller's interrupt is kept")
                    .isTrue();
        }
        assertThat(first).isNotNull();
        alloc.allocFrame().close();
        io.framejournal.journal.RedoPoint second = region.recordRedoPoint();
        assertThat(second).isNotEqualTo(first);
        assertThat(region.redoPointProblem()).isNull();
        assertThat(region.redoPointsWritten()).isEqualTo(2);
        region.close();
        assertThat(io.framejournal.journal.RedoPointFile.read(new RegionLayout(dir).redoPoint())
                        .point())
                .as("the file names the last point (no call ended since, so close wrote none)")
                .isEqualTo(second);
    }

    @Test
    void a_call_site_met_on_an_interrupted_thread_is_recorded_and_later_ones_too() {
        Path dir = tmp.resolve("region");
        try (MetaRegion region = MetaRegion.create(
                dir, TestRegions.SMALL, RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            Thread.currentThread().interrupt();
            try {
                allocatedWhileInterrupted(alloc).close();
            } finally {
                assertThat(Thread.interrupted())
                        .as("the caller's interrupt is kept")
                        .isTrue();
            }
            allocatedAfterwards(alloc).close();
        }
        SiteTable.Sites sites = SiteTable.read(dir.resolve(RegionLayout.SITES));
        assertThat(sites.problem()).isNull();
        List<String> methods = sites.sites().values().stream()
                .map(s -> s.frames().get(0).method())
                .toList();
        assertThat(methods).contains("allocatedWhileInterrupted", "allocatedAfterwards");
    }

    @Test
    void create_open_and_recover_on_an_interrupted_thread_work_and_keep_the_interrupt() {
        Path dir = tmp.resolve("region");
        RegionOptions quiet = RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED);
        long paddr;
        Thread.currentThread().interrupt();
        try (MetaRegion region = MetaRegion.create(dir, TestRegions.SMALL, quiet)) {
            assertThat(Thread.currentThread().isInterrupted())
                    .as("kept after create")
                    .isTrue();
            paddr = new FrameAllocOptions(region).allocFrame().intoRaw();
        }
        assertThat(Thread.currentThread().isInterrupted())
                .as("kept after close")
                .isTrue();
        try (MetaRegion region = MetaRegion.open(dir, quiet)) {
            assertThat(Thread.currentThread().isInterrupted())
                    .as("kept after open")
                    .isTrue();
            assertThat(region.slotState(paddr).raw).isEqualTo(1);
        }
        RecoveryReport report = MetaRegion.recover(dir, false);
        assertThat(Thread.interrupted()).as("kept after recover").isTrue();
        assertThat(report).isNotNull();
        try (MetaRegion region = MetaRegion.open(dir, quiet)) {
            assertThat(region.slotState(paddr).raw).isEqualTo(1);
        }
    }

    private static Frame<NoMeta> allocatedWhileInterrupted(FrameAllocOptions alloc) {
        return alloc.allocFrame();
    }

    private static Frame<NoMeta> allocatedAfterwards(FrameAllocOptions alloc) {
        return alloc.allocFrame();
    }
}
