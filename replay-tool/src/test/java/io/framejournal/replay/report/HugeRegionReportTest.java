package io.framejournal.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.ReplayState;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
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
        Path dir = io.framejournal.replay.Support.craftedRegion(
                tmp.resolve("huge"), ReplayState.MAX_SLOTS, last, last, last);
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
}
