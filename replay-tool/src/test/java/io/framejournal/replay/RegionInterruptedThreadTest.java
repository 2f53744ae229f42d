package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.SlotView;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Region} on a thread whose interrupt status is set: a worker stopped with {@code shutdownNow} that inspects
 * its region on the way out, or a test that left its thread interrupted before {@code @FrameJournalTest}'s audit. An
 * interrupt closes a {@code FileChannel} under the thread that reads through it; before the fix {@code inspect} threw
 * "slot table … is unreadable: ClosedByInterruptException", {@code audit} warned so and skipped the divergence check,
 * and a {@code Region} read on such a thread could read no slot of its table that it had not read before.
 */
class RegionInterruptedThreadTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private Path region() {
        Path dir = tmp.resolve("region");
        try (MetaRegion region = MetaRegion.create(
                dir, RegionConfig.of(64L << 20), RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            for (int i = 0; i < 1_000; i++) {
                alloc.allocFrame().close();
            }
            alloc.allocFrame().intoRaw(); // one finding: a raw reference never restored
        }
        return dir;
    }

    /** {@code call} on this thread with its interrupt status set; the status must be set again after it. */
    private static <T> T interrupted(Callable<T> call) throws Exception {
        Thread.currentThread().interrupt();
        try {
            return call.call();
        } finally {
            assertThat(Thread.interrupted())
                    .as("the caller's interrupt is kept")
                    .isTrue();
        }
    }

    @Test
    void an_audit_on_an_interrupted_thread_is_the_audit_and_keeps_the_interrupt() throws Exception {
        Path dir = region();
        Region.Audit plain = Region.audit(dir);
        Region.Audit audit = interrupted(() -> Region.audit(dir));
        assertThat(audit.warnings()).as("no warning about the slot table").isEmpty();
        assertThat(audit.findings()).isEqualTo(plain.findings()).isEqualTo(1);
        assertThat(audit.text()).isEqualTo(plain.text());
    }

    @Test
    void a_region_inspected_on_an_interrupted_thread_reads_every_slot_then_and_later() throws Exception {
        Path dir = region();
        long lastFrame = (64L << 20) - 4096;
        try (Region region = interrupted(() -> Region.inspect(dir))) {
            assertThat(interrupted(() -> region.slot(0)).refCount()).isEqualTo(1);
            assertThat(interrupted(region::countByStatus).values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(16_384);
            assertThat(interrupted(region::inUse)).hasSize(1);
            assertThat(interrupted(region::slots)).hasSize(16_384);
            assertThat(interrupted(region::audit).warnings()).isEmpty();
            SlotView last = region.slot(lastFrame); // not interrupted now: the table is still readable
            assertThat(last.status()).isEqualTo(io.framejournal.allocator.FrameStatus.FREE);
        }
        try (Region region = Region.inspect(dir)) {
            region.slot(0);
            interrupted(() -> region.slot((lastFrame / 2) & -4096)); // another part of the table, interrupted
            assertThat(region.countByStatus().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .as("every slot read after it (before the fix: cannot map slot table: ClosedChannelException)")
                    .isEqualTo(16_384);
        }
    }
}
