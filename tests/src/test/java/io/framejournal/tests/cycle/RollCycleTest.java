package io.framejournal.tests.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalCycle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.Region;
import io.framejournal.tests.support.RegionChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import net.openhft.chronicle.queue.RollCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region with the test roll cycle (1-second queue files of at most 4,096 records): writing goes on across cycle
 * files, the cap stops writing with a clear error and loses no record, recovery after the roll carries on, and every
 * reader reads across the files.
 */
class RollCycleTest {
    @TempDir
    Path tmp;

    @Test
    void the_cycle_is_kept_in_region_conf_and_older_files_mean_daily() throws Exception {
        Path dir = tmp.resolve("r");
        MetaRegion.create(dir, RegionConfig.of(1L << 20).withCycle(JournalCycle.TEST_SECONDLY))
                .close();
        RegionLayout layout = new RegionLayout(dir);
        assertThat(Files.readString(layout.config())).contains("rollCycle=test-1s");
        assertThat(RegionConfig.read(layout.config()).cycle()).isEqualTo(JournalCycle.TEST_SECONDLY);
        assertThat(RegionConfig.of(1L << 20).cycle()).isEqualTo(JournalCycle.FIVE_MINUTELY);

        Path old = tmp.resolve("old.conf");
        Files.writeString(old, "format=2\npageSize=4096\nmaxPaddr=0x100000\n");
        assertThat(RegionConfig.read(old).cycle()).isEqualTo(JournalCycle.DAILY);
        Files.writeString(old, "format=2\npageSize=4096\nmaxPaddr=0x100000\nrollCycle=hourly\n");
        assertThatThrownBy(() -> RegionConfig.read(old))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("rollCycle 'hourly' is unknown; known: 5min, daily, test-1s");
    }

    @Test
    void writing_rolls_across_cycles_and_stops_cleanly_at_the_cap_losing_nothing() throws Exception {
        Path dir = tmp.resolve("region");
        long allocs = 0;
        long closes = 0;
        IllegalStateException stop = null;
        try (MetaRegion region =
                MetaRegion.create(dir, RegionConfig.of(1L << 20).withCycle(JournalCycle.TEST_SECONDLY))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            // paced: a few records in each of several 1-second cycles (a frame every 20 ms, at a fixed rate)
            java.util.concurrent.atomic.AtomicLong paced = new java.util.concurrent.atomic.AtomicLong();
            long firstCycle = region.lastJournalIndex() >>> JournalCycle.TEST_SECONDLY.cycleShift();
            var pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                var writer = pace.scheduleAtFixedRate(
                        () -> {
                            try (Frame<NoMeta> f = alloc.allocFrame()) {
                                f.startPaddr();
                            }
                            paced.incrementAndGet();
                        },
                        0,
                        20,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                org.awaitility.Awaitility.await("three cycle rolls")
                        .atMost(java.time.Duration.ofSeconds(60))
                        .failFast("the paced writer failed", writer::isDone) // a periodic task that throws is done
                        .until(() ->
                                (region.lastJournalIndex() >>> JournalCycle.TEST_SECONDLY.cycleShift()) - firstCycle
                                        >= 3);
            } finally {
                pace.shutdown();
                assertThat(pace.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
            }
            allocs += paced.get();
            closes += paced.get();
            // flat out: far more than 4,096 records in one second
            try {
                for (int i = 0; i < 200_000; i++) {
                    Frame<NoMeta> f = alloc.allocFrame();
                    allocs++;
                    f.close();
                    closes++;
                }
            } catch (IllegalStateException e) {
                stop = e;
            }
            assertThat(stop).as("the cap was met").isNotNull();
            assertThat(stop)
                    .hasMessageContaining(
                            "journal roll cycle full: 4096 records already in the current 1 s" + " cycle");
            assertThat(stop).hasMessageContaining("this record was not written");
            // once failed, every later call is refused: nothing is half applied
            assertThatThrownBy(alloc::allocFrame)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the region failed");
        }
        Set<Integer> cycles = new HashSet<>();
        long mints = 0;
        long redeems = 0;
        long records;
        RollCycle cycle;
        try (JournalReader r = JournalReader.open(new RegionLayout(dir).journal())) {
            cycle = r.rollCycle();
            JournalEvent e = new JournalEvent();
            while (r.next(e)) {
                cycles.add(cycle.toCycle(e.index));
                mints += e.kind == EventKind.MINT ? 1 : 0;
                redeems += e.kind == EventKind.REDEEM ? 1 : 0;
            }
            assertThat(r.stopReason()).isNull();
            records = r.recordsRead();
        }
        assertThat(cycle.maxMessagesPerCycle()).isEqualTo(4096);
        assertThat(cycles).as("cycle files read in one pass").hasSizeGreaterThanOrEqualTo(3);
        assertThat(mints)
                .as("every allocation that returned is in the journal, none other")
                .isEqualTo(allocs);
        assertThat(redeems)
                .as("every close that returned is in the journal, none other")
                .isEqualTo(closes);
        assertThat(records).isEqualTo(allocs + closes + 1); // + REGION_OPEN; the failed region journals no close

        // the region is left unclean; once the cycle has rolled, recovery appends and the region writes on
        io.framejournal.tests.support.Cycles.awaitNextSecond();
        MetaRegion.recover(dir, false);
        try (MetaRegion region = MetaRegion.open(dir)) {
            try (Frame<NoMeta> f = new FrameAllocOptions(region).allocFrame()) {
                f.startPaddr();
            }
        }
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        Region.Audit audit = Region.audit(dir);
        assertThat(audit.findings()).as(audit.text()).isZero();
        assertThat(audit.report().stopReason()).isNull();
    }
}
