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
 * new call site met on one closed the call-site table for the rest of the session.
 */
class InterruptedCloseTest {
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

    private static Frame<NoMeta> allocatedWhileInterrupted(FrameAllocOptions alloc) {
        return alloc.allocFrame();
    }

    private static Frame<NoMeta> allocatedAfterwards(FrameAllocOptions alloc) {
        return alloc.allocFrame();
    }
}
