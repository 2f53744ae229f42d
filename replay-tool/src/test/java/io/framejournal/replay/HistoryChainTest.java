package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SlotState;
import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.Simulator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code history} by the slot's record chain gives exactly the report of a whole-journal scan, frame by frame, on a
 * clean region with leaks and leak notices, on a region whose table lags its journal as after a crash, and on a broken
 * chain (falling back to the scan, with a note); and it reads a frame's own records, not the journal.
 */
class HistoryChainTest {
    @TempDir
    Path tmp;

    @Test
    void the_chain_gives_the_scans_report_for_every_frame_of_a_clean_region() {
        Path dir = tmp.resolve("r");
        new Simulator(dir).maxPaddr(1L << 20).threads(2).ops(20_000).run();
        assertChainIsScanForEveryFrame(dir, true);
    }

    @Test
    void with_leaks_and_leak_notices_too() {
        Path dir = tmp.resolve("leaky");
        new Simulator(dir)
                .maxPaddr(1L << 20)
                .threads(2)
                .ops(20_000)
                .leakRate(0.01)
                .dropLeakedHandles(true)
                .run();
        assertChainIsScanForEveryFrame(dir, false);
    }

    private void assertChainIsScanForEveryFrame(Path dir, boolean checkCost) {
        RegionInput region = RegionInput.open(dir);
        Map<String, String> before = Support.checksums(dir);
        long chainEvents = 0;
        long scanEvents = 0;
        for (int slot = 0; slot < region.nrSlots(); slot++) {
            History.Report chain = History.of(region, slot, Progress.none());
            History.Report scan = scanOf(region, slot);
            assertSame(chain, scan, slot);
            chainEvents += chain.events();
            scanEvents += scan.events();
        }
        assertThat(Support.checksums(dir)).as("read-only").isEqualTo(before);
        if (checkCost) {
            assertThat(chainEvents).as("a frame's own records, not the journal").isLessThan(scanEvents / 10);
        }
    }

    @Test
    void a_table_lagging_its_journal_after_a_crash_is_caught_up_from_the_journal() throws Exception {
        Path dir = tmp.resolve("crashed");
        long paddr;
        MetaRegion region = MetaRegion.create(dir, RegionConfig.of(1L << 20));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        Frame<NoMeta> f = alloc.allocFrame();
        paddr = f.startPaddr();
        Frame<NoMeta> twin = f.clone();
        twin.close();
        f.close();
        int slot = (int) (paddr / 4096);
        RegionLayout layout = new RegionLayout(dir);
        History.Report complete = scanOf(RegionInput.open(dir), slot);
        assertThat(complete.entries()).isNotEmpty();
        // a crash between append and store: the table still holds the slot's state before the last record
        long lastRecord = complete.entries().get(complete.entries().size() - 1).index();
        long previous = complete.entries().stream()
                .mapToLong(History.Entry::index)
                .filter(i -> i != lastRecord)
                .max()
                .orElseThrow();
        region.close();
        rewriteLastIndex(layout, slot, previous);
        assertThat(RegionInput.open(dir).clean()).isTrue();
        markOpen(layout);
        RegionInput input = RegionInput.open(dir);
        assertThat(input.clean()).isFalse();
        History.Report chain = History.of(input, slot, Progress.none());
        assertSame(chain, scanOf(input, slot), slot);
        assertThat(chain.entries().get(chain.entries().size() - 1).index()).isEqualTo(lastRecord);
    }

    @Test
    void an_unclean_region_with_a_redo_point_reads_its_tail_from_the_point_on() throws Exception {
        Path dir = tmp.resolve("redo");
        int slot;
        try (MetaRegion region = MetaRegion.create(
                dir,
                RegionConfig.of(1L << 20),
                io.framejournal.allocator.RegionOptions.defaults().withRedoPoint(java.time.Duration.ofHours(1)))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            Frame<NoMeta> early = alloc.allocFrame();
            slot = (int) (early.startPaddr() / 4096);
            try (Frame<NoMeta> busy = alloc.allocFrame()) { // another frame: early still holds its own
                early.close(); // the frame's last record: early in the session
                for (int i = 0; i < 2_000; i++) {
                    busy.clone().close(); // the rest of the session, on the other frame
                }
            }
        } // a clean close records the redo point: every record is in the table
        RegionLayout layout = new RegionLayout(dir);
        assertThat(io.framejournal.journal.RedoPointFile.read(layout.redoPoint())
                        .point())
                .isNotNull();
        markOpen(layout); // as if the writer had died after its last point
        RegionInput input = RegionInput.open(dir);
        History.Report chain = History.of(input, slot, Progress.none());
        History.Report scan = scanOf(input, slot);
        assertSame(chain, scan, slot);
        assertThat(chain.events())
                .as("the tail after the redo point, not the session after the frame's last record")
                .isLessThan(scan.events() / 10);
    }

    @Test
    void a_broken_chain_falls_back_to_the_scan_with_a_note() throws Exception {
        Path dir = tmp.resolve("broken");
        int slot;
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(1L << 20))) {
            Frame<NoMeta> f = new FrameAllocOptions(region).allocFrame();
            slot = (int) (f.startPaddr() / 4096);
            f.close();
        }
        RegionLayout layout = new RegionLayout(dir);
        // the table names a record that does not touch the slot: the REGION_OPEN at the journal's start
        long first;
        try (var r = io.framejournal.journal.JournalReader.open(layout.journal())) {
            first = r.firstIndex();
        }
        rewriteLastIndex(layout, slot, first);
        RegionInput input = RegionInput.open(dir);
        History.Report chain = History.of(input, slot, Progress.none());
        assertThat(chain.note())
                .startsWith("the frame's record chain is broken (record " + JournalIndex.format(first)
                        + " named by the chain does not touch frame " + slot + ")");
        History.Report scan = scanOf(input, slot);
        assertThat(chain.entries()).isEqualTo(scan.entries());
        assertThat(chain.events()).isEqualTo(scan.events());
    }

    private static History.Report scanOf(RegionInput region, int slot) {
        return History.scan(region, slot, Progress.none(), null);
    }

    private static void assertSame(History.Report chain, History.Report scan, int slot) {
        assertThat(chain.note()).as("slot %d", slot).isNull();
        assertThat(chain.entries()).as("slot %d", slot).isEqualTo(scan.entries());
        assertThat(chain.finalState().sameAs(scan.finalState(), true))
                .as("slot %d: %s", slot, chain.finalState().diff(scan.finalState()))
                .isTrue();
        assertThat(chain.stopReason()).isEqualTo(scan.stopReason());
    }

    /** Test-only surgery on a closed region: sets one slot's lastIndex in the slot table. */
    private static void rewriteLastIndex(RegionLayout layout, int slot, long index) throws Exception {
        int nr = RegionConfig.read(layout.config()).nrSlots();
        try (SlotTable table = SlotTable.open(layout.slots(), nr, false)) {
            SlotState s = new SlotState();
            table.load(slot, s);
            s.lastIndex = index;
            table.store(slot, s);
        }
    }

    private static void markOpen(RegionLayout layout) throws Exception {
        // as an open session: the checkpoint is the session's REGION_OPEN, the journal's first record here
        long first;
        try (var r = io.framejournal.journal.JournalReader.open(layout.journal())) {
            first = r.firstIndex();
        }
        io.framejournal.journal.testsupport.DeadWriter.markOpen(layout.dir(), first);
    }
}
