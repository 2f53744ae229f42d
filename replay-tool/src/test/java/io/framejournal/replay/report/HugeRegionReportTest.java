package io.framejournal.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.ReplayState;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region.conf may claim up to 2^28 frames (1 TiB) for a journal of a few records: drawing the report must cost memory
 * for the frames the journal touches and those it watches, not for every frame the region claims (the watched frames'
 * lookup was a whole int per frame: 1 GiB, an OutOfMemoryError on a 1 GiB heap).
 */
class HugeRegionReportTest {
    @TempDir
    Path tmp;

    @Test
    void the_report_of_a_region_claiming_the_most_frames_costs_what_its_journal_touches() throws Exception {
        int last = ReplayState.MAX_SLOTS - 1;
        Path dir = hugeRegion(last);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);

        ReportScan scan =
                new ReportScan(RegionInput.open(dir), JournalIndex.NONE, 16, 16, new int[] {last, 0}, new long[0]);
        scan.run(Progress.none());

        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(scan.eventsOnWatched).containsExactly(3, 0);
        assertThat(allocated).as("bytes allocated").isLessThan(64L << 20);
    }

    /** A region of 2^28 frames: region.conf, a clean status, and a journal of its REGION_OPEN and three calls. */
    private Path hugeRegion(int slot) throws Exception {
        Path dir = tmp.resolve("huge");
        RegionLayout layout = new RegionLayout(dir);
        Files.createDirectories(layout.journal());
        long maxPaddr = (long) ReplayState.MAX_SLOTS * RegionConfig.PAGE_SIZE;
        RegionConfig.of(maxPaddr).write(layout.config());
        long lastIndex;
        try (JournalWriter writer = JournalWriter.open(layout.journal(), SyncMode.NONE)) {
            JournalWriter.Lane lane = writer.lane();
            lane.record()
                    .marker(
                            EventKind.REGION_OPEN,
                            OpCode.REGION,
                            1,
                            JournalEvent.NO_SLOT,
                            maxPaddr,
                            RegionConfig.PAGE_SIZE,
                            (short) 0);
            lastIndex = lane.append();
            for (int i = 0; i < 3; i++) {
                lane.record()
                        .beginCall(OpCode.FRAME_CLONE, 100 + i, 0)
                        .beginSlot(slot, JournalIndex.NONE)
                        .entry(EventKind.MINT, 0, (short) 0, i, i + 1);
                lastIndex = lane.appendCall();
                lane.applied();
            }
        }
        new RegionStatus(true, 1, lastIndex).write(layout.status());
        return dir;
    }
}
