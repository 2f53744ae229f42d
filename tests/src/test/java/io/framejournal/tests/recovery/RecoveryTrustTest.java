package io.framejournal.tests.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.testsupport.DeadWriter;
import io.framejournal.replay.sim.Simulator;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.QueueFiles;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery verifies before it certifies: a region whose writer died and which was then damaged is repaired from its
 * journal (and says so), salvaged on request, or refused with nothing changed — never called consistent while its
 * table disagrees with its journal.
 */
class RecoveryTrustTest {
    @TempDir
    Path tmp;

    /** A region with a few thousand calls, left as a dead writer leaves it (status open). */
    private Path crashedRegion(String name) throws IOException {
        Path dir = tmp.resolve(name);
        // frames, unique frames, segments, raw references, lists, on one thread: reproducible
        new Simulator(dir).maxPaddr(0x400000).ops(3_000).seed(11).run();
        DeadWriter.markOpen(dir);
        return dir;
    }

    @Test
    void aCrashAloneIsConsistentAndVerified() throws IOException {
        Path dir = crashedRegion("plain");
        RecoveryReport r = MetaRegion.recover(dir, false);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.slotsAhead() + r.slotsDisagreed()).isZero();
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    @ParameterizedTest(name = "last {0} bytes of the journal zeroed")
    @ValueSource(ints = {60, 700, 4000})
    void aLostJournalTailIsRepairedOrRefusedNeverCertified(int lost) throws IOException {
        Path dir = crashedRegion("tail-" + lost);
        Path cq4 = QueueFiles.of(dir);
        long end = QueueFiles.dataEnd(cq4);
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.seek(end - lost);
            f.write(new byte[lost]);
        }
        Map<String, String> before = FileHashes.of(dir);
        RecoveryReport r;
        try {
            r = MetaRegion.recover(dir, false);
        } catch (RegionException refused) {
            assertThat(refused.getMessage()).contains("--salvage").doesNotContain("\n");
            assertThat(FileHashes.of(dir))
                    .as("a refused recovery changes nothing")
                    .isEqualTo(before);
            r = MetaRegion.recover(dir, false, true);
            assertThat(r.verdict()).isEqualTo(RecoveryReport.SALVAGED);
            assertThat(r.salvage().reportFile()).exists();
            assertThat(r.salvage().damagedJournal()).isDirectory();
        }
        assertThat(r.verdict())
                .as("the table was ahead of the shortened journal")
                .isIn(RecoveryReport.REPAIRED, RecoveryReport.SALVAGED);
        if (lost > 100) { // the last 72 bytes are only the REGION_CLOSE marker, which touches no slot
            assertThat(r.slotsAhead()).as("slots the lost records had reached").isPositive();
        }
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("table == replay after recovery")
                .isEmpty();
        try (MetaRegion again = MetaRegion.open(dir)) {
            new FrameAllocOptions(again).allocFrame().close();
        }
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("and after a new session appended to it")
                .isEmpty();
        assertThat(readsToTheEnd(dir)).isTrue();
    }

    @Test
    void aRecordSkippedByChroniclesFramingIsSeenAndRefusedUntouchedThenSalvaged() throws IOException {
        Path dir = crashedRegion("metabit");
        hideRecordNumber(dir, 500);
        Map<String, String> before = FileHashes.of(dir);
        assertThatThrownBy(() -> MetaRegion.recover(dir, false))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("sequence number")
                .hasMessageContaining("missing");
        assertThat(FileHashes.of(dir)).as("a refused recovery changes nothing").isEqualTo(before);

        RecoveryReport r = MetaRegion.recover(dir, false, true);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.SALVAGED);
        assertThat(r.salvage().recordsKept()).isEqualTo(500);
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        assertThat(Files.readString(r.salvage().reportFile())).contains("kept:    500 record(s)");
        assertThat(readsToTheEnd(dir)).isTrue();
    }

    /**
     * A {@code recover --salvage} killed between its two moves (the damaged journal moved aside, the whole copy of the
     * records it keeps not yet in place) left a region with no journal, which every command, {@code recover} and
     * {@code recover --salvage} included, refused for good ("has no journal"). Made here as the kill leaves it: the
     * records before the damage copied, with their indices, into {@code journal.salvaging/} as the salvage copies them,
     * and the journal moved aside.
     */
    @Test
    void aSalvageKilledBetweenItsTwoMovesIsFinishedByTheNextRecovery() throws IOException {
        Path dir = crashedRegion("salvage-killed");
        hideRecordNumber(dir, 500);
        RegionLayout layout = new RegionLayout(dir);
        try (JournalReader reader = JournalReader.open(layout.journal());
                var queue = io.framejournal.journal.Chronicle.writableQueue(
                        layout.salvaging(), net.openhft.chronicle.bytes.SyncMode.SYNC);
                var appender = queue.createAppender()) {
            JournalEvent e = new JournalEvent();
            long last = -1;
            int copied = 0;
            while (reader.next(e)) {
                if (e.index != last) {
                    last = e.index;
                    ((net.openhft.chronicle.queue.impl.single.InternalAppender) appender)
                            .writeBytes(
                                    e.index,
                                    net.openhft.chronicle.bytes.Bytes.wrapForRead(reader.recordBytes())
                                            .readLimit(reader.recordLength()));
                    copied++;
                }
            }
            assertThat(copied).as("the records before the damage").isEqualTo(500);
        }
        Files.move(layout.journal(), dir.resolve("journal.damaged-20261127-120000"));

        assertThatThrownBy(() -> MetaRegion.open(dir))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("journal.salvaging")
                .hasMessageContaining("framejournal recover " + dir)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        RecoveryReport r = MetaRegion.recover(dir, false); // plain: what the message says to run
        assertThat(r.warnings())
                .anySatisfy(w ->
                        assertThat(w).contains("salvage stopped part way").contains("journal.damaged-20261127-120000"));
        assertThat(layout.salvaging()).doesNotExist();
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        assertThat(readsToTheEnd(dir)).isTrue();
        try (JournalReader reader = JournalReader.open(layout.journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                // count the records
            }
            assertThat(reader.recordsRead())
                    .as("the 500 kept records and recovery's markers")
                    .isGreaterThan(500);
        }
        assertThat(MetaRegion.recover(dir, false, true).alreadyClean())
                .as("run again, even with --salvage: nothing left to do")
                .isTrue();
    }

    @Test
    void aDamagedSlotTableIsRepairedFromTheJournalAndReported() throws IOException {
        Path dir = crashedRegion("table");
        // what flipped bytes inside slot values do: fields that disagree with the journal (raw, inList, refCount)
        try (SlotTable table = SlotTable.open(new RegionLayout(dir).slots(), RegionChecks.nrSlots(dir), true)) {
            SlotState s = new SlotState();
            for (int slot : new int[] {3, 300, 700}) {
                table.load(slot, s);
                s.raw += 19200;
                s.inList = 1342177280;
                table.store(slot, s);
            }
        }
        RecoveryReport r = MetaRegion.recover(dir, false);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.REPAIRED);
        assertThat(r.slotsAhead() + r.slotsDisagreed()).isPositive();
        assertThat(r.repairs()).isNotEmpty().allMatch(l -> l.contains("table\u2260journal"));
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    private static boolean readsToTheEnd(Path dir) {
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                // read to the end
            }
            return reader.stopReason() == null;
        }
    }

    /**
     * Sets Chronicle's metadata bit in the header of the n-th data document (0-based): every tailer then skips that
     * document silently, and only our sequence numbers show it missing.
     */
    private static void hideRecordNumber(Path dir, int n) throws IOException {
        long header = QueueFiles.recordNumber(dir, n).header();
        try (RandomAccessFile f = new RandomAccessFile(QueueFiles.of(dir).toFile(), "rw")) {
            f.seek(header + 3);
            int b = f.read();
            f.seek(header + 3);
            f.write(b | 0x40);
        }
    }

    /**
     * A table rebuild (salvage, or a table a killed recovery left short of entries) moved the damaged table away and
     * then made the new one in its place: a recovery killed in between left no table or half of one, refused by the next
     * plain {@code recover}, and kept the redo point, which names records the new table does not hold until it is
     * filled. The new table is now made beside the old one and renamed over it, and the redo point goes first. Here:
     * what a rebuild killed while it made the new table leaves (a partial {@code slots.cm3.rebuilding}).
     */
    @Test
    void aTableRebuildKilledPartWayLeavesTheDamagedTableInPlaceAndNoRedoPointToTrust() throws IOException {
        Path dir = tmp.resolve("rebuild-killed");
        new Simulator(dir)
                .maxPaddr(0x400000)
                .ops(3_000)
                .seed(11)
                .redoPointEvery(java.time.Duration.ofHours(1))
                .run();
        DeadWriter.markOpen(dir);
        RegionLayout layout = new RegionLayout(dir);
        assertThat(layout.redoPoint()).exists();
        long damagedLength;
        try (RandomAccessFile f = new RandomAccessFile(layout.slots().toFile(), "rw")) {
            damagedLength = f.length() / 2;
            f.setLength(damagedLength);
        }
        Path rebuilding = dir.resolve("slots.cm3.rebuilding");
        Files.write(rebuilding, new byte[4096]);

        RecoveryReport r = MetaRegion.recover(dir, false, true);

        assertThat(r.verdict()).isEqualTo(RecoveryReport.REPAIRED);
        assertThat(r.repairs().get(0)).contains("moved whole to").contains("rebuilt from the journal");
        assertThat(rebuilding).doesNotExist();
        assertThat(layout.redoPoint())
                .as("it named records of the old table: gone before the new one took its place")
                .doesNotExist();
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("slots.cm3.damaged-")))
                    .as("the damaged table is kept, whole")
                    .singleElement()
                    .satisfies(n -> assertThat(dir.resolve(n)).hasSize(damagedLength));
        }
    }

    @ParameterizedTest(name = "slot table {0}")
    @ValueSource(strings = {"truncated", "header zeroed"})
    void aStructurallyDamagedTableIsRefusedUntouchedThenRebuiltBySalvage(String damage) throws IOException {
        Path dir = crashedRegion("table-" + damage.replace(' ', '-'));
        Path slots = new RegionLayout(dir).slots();
        try (RandomAccessFile f = new RandomAccessFile(slots.toFile(), "rw")) {
            if (damage.equals("truncated")) {
                f.setLength(f.length() / 2);
            } else {
                f.seek(0);
                f.write(new byte[256]);
            }
        }
        Map<String, String> before = FileHashes.of(dir);
        assertThatThrownBy(() -> MetaRegion.recover(dir, false))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining("--salvage")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(FileHashes.of(dir)).as("a refused recovery changes nothing").isEqualTo(before);

        RecoveryReport r = MetaRegion.recover(dir, false, true);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.REPAIRED);
        assertThat(r.repairs().get(0)).contains("rebuilt from the journal");
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("the damaged table is kept, whole")
                    .anySatisfy(n -> assertThat(n).startsWith("slots.cm3.damaged-"));
        }
    }
}
