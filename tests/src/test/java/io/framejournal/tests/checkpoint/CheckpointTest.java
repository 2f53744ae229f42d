package io.framejournal.tests.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.ReplayStart;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.testsupport.DeadWriter;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.StateAt;
import io.framejournal.replay.analysis.Stats;
import io.framejournal.replay.sim.Simulator;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints: a replay started from one knows exactly what a replay from the journal's start knows; a missing, cut or
 * damaged one is skipped with a warning, never used; one that disagrees with the journal is reported by audit.
 */
class CheckpointTest {
    private static final long MAX_PADDR = 0x400000; // 1,024 frames

    @TempDir
    Path tmp;

    /** A closed region of a seeded workload with injected leaks, and a checkpoint taken part way. */
    private Path regionWithCheckpointMidway(String name) {
        Path dir = tmp.resolve(name);
        new Simulator(dir).maxPaddr(MAX_PADDR).ops(4_000).seed(7).leakRate(0.02).run();
        RegionLayout layout = new RegionLayout(dir);
        try (Checkpointer c = Checkpointer.open(
                layout, nrSlots(), Checkpointer.Policy.everyRecords(1).keeping(5))) {
            c.catchUpFully();
            assertThat(c.checkpointNow()).isNotNull();
        }
        new Simulator(dir).ops(3_000).seed(8).leakRate(0.02).run(); // a second session after the checkpoint
        return dir;
    }

    private static int nrSlots() {
        return (int) (MAX_PADDR / 4096);
    }

    @Test
    void anAuditFromTheCheckpointAgreesWithOneFromTheStart() {
        Path dir = regionWithCheckpointMidway("agree");
        RegionInput region = RegionInput.open(dir);
        AuditReport whole = new Auditor(region, JournalIndex.NONE, 100_000).run(Progress.none());
        AuditReport suffix =
                new Auditor(region, JournalIndex.NONE, 100_000, Auditor.Start.NEWEST_CHECKPOINT).run(Progress.none());

        assertThat(whole.checkpointIndex()).isEqualTo(JournalIndex.NONE);
        assertThat(suffix.checkpointIndex()).isNotEqualTo(JournalIndex.NONE);
        assertThat(whole.obligations()).as("injected leaks were found").isPositive();
        assertThat(suffix.obligations()).isEqualTo(whole.obligations());
        assertThat(suffix.rawReferences()).isEqualTo(whole.rawReferences());
        assertThat(suffix.leaks()).isEqualTo(whole.leaks());
        assertThat(suffix.rawLeaks()).isEqualTo(whole.rawLeaks());
        assertThat(suffix.events()).isEqualTo(whole.events());
        assertThat(suffix.records()).isEqualTo(whole.records());
        assertThat(suffix.findings()).isEqualTo(whole.findings());
        assertThat(whole.checkpointFindings())
                .as("the checkpoint agrees with the journal")
                .isEmpty();
        assertThat(suffix.warnings()).isEmpty();
    }

    @Test
    void stateAndStatsFromTheCheckpointEqualAFullReplay() throws IOException {
        Path dir = regionWithCheckpointMidway("state");
        RegionInput region = RegionInput.open(dir);
        StateAt.Report fromCheckpoint = StateAt.of(region, JournalIndex.NONE, 3, Progress.none());
        Stats.Report stats = Stats.of(region, Progress.none());
        Path copy = tmp.resolve("state-no-checkpoints");
        FileHashes.copyTree(dir, copy);
        FileHashes.deleteTree(new RegionLayout(copy).checkpoints());
        RegionInput plain = RegionInput.open(copy);
        StateAt.Report full = StateAt.of(plain, JournalIndex.NONE, 3, Progress.none());
        Stats.Report fullStats = Stats.of(plain, Progress.none());

        assertThat(fromCheckpoint.byStatus()).isEqualTo(full.byStatus());
        assertThat(fromCheckpoint.byUsage()).isEqualTo(full.byUsage());
        assertThat(fromCheckpoint.obligations()).isEqualTo(full.obligations());
        assertThat(fromCheckpoint.events()).isEqualTo(full.events());
        assertThat(fromCheckpoint.slotState().sameAs(full.slotState(), true)).isTrue();
        assertThat(stats.byKind()).isEqualTo(fullStats.byKind());
        assertThat(stats.byOp()).isEqualTo(fullStats.byOp());
        assertThat(stats.records()).isEqualTo(fullStats.records());
        assertThat(stats.recordBytes()).isEqualTo(fullStats.recordBytes());
        assertThat(stats.firstTimestamp()).isEqualTo(fullStats.firstTimestamp());
        assertThat(stats.sessions()).isEqualTo(2);
    }

    @Test
    void aCheckpointRoundTripsEverySlotAndTheLedger() {
        Path dir = regionWithCheckpointMidway("roundtrip");
        RegionLayout layout = new RegionLayout(dir);
        CheckpointFile.Entry only = CheckpointFile.list(layout.checkpoints()).get(0);
        CheckpointFile.Loaded loaded = CheckpointFile.read(only.file(), nrSlots());
        LedgerReplay replayed = new LedgerReplay(nrSlots());
        try (ReplayStart start =
                ReplayStart.open(layout.journal(), layout.checkpoints(), nrSlots(), JournalIndex.NONE, false)) {
            io.framejournal.journal.JournalEvent e = new io.framejournal.journal.JournalEvent();
            while (start.reader().next(e) && Long.compareUnsigned(e.index, only.index()) <= 0) {
                replayed.apply(e, start.reader().recordCrc());
            }
        }
        LedgerReplay saved = loaded.replay();
        SlotState a = new SlotState();
        SlotState b = new SlotState();
        for (int slot = 0; slot < nrSlots(); slot++) {
            replayed.state().load(slot, a);
            saved.state().load(slot, b);
            assertThat(b.sameAs(a, true)).as("slot %d", slot).isTrue();
            assertThat(saved.lastOp(slot)).isEqualTo(replayed.lastOp(slot));
            assertThat(saved.lastHandle(slot)).isEqualTo(replayed.lastHandle(slot));
        }
        assertThat(saved.obligations().live()).isEqualTo(replayed.obligations().live());
        assertThat(saved.raw().live()).isEqualTo(replayed.raw().live());
        for (int id : new int[] {
            LedgerReplay.Counter.EVENTS,
            LedgerReplay.Counter.RECORDS,
            LedgerReplay.Counter.FIRST_INDEX,
            LedgerReplay.Counter.LEAKED_HANDLES
        }) {
            assertThat(saved.counter(id)).as("counter %d", id).isEqualTo(replayed.counter(id));
        }
        assertThat(loaded.header().index()).isEqualTo(only.index());
        assertThat(saved.lastSeq()).isEqualTo(replayed.lastSeq());
        assertThat(saved.lastCrc()).isEqualTo(replayed.lastCrc());
    }

    @Test
    void aDamagedCutOrForeignCheckpointIsSkippedWithAWarningNeverUsed() throws IOException {
        Path dir = regionWithCheckpointMidway("damaged");
        RegionLayout layout = new RegionLayout(dir);
        Path file = CheckpointFile.list(layout.checkpoints()).get(0).file();
        byte[] good = Files.readAllBytes(file);

        // one flipped bit in the middle of the slot section
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x10;
        assertFallsBackToTheStart(dir, file, flipped, "CRC-32C");
        // cut short
        assertFallsBackToTheStart(dir, file, java.util.Arrays.copyOf(good, good.length - 100), "cut or damaged");
        // empty
        assertFallsBackToTheStart(dir, file, new byte[0], "shorter than a header");
        // another region's geometry
        Path other = tmp.resolve("other");
        new Simulator(other).maxPaddr(MAX_PADDR * 2).ops(200).seed(1).run();
        try (Checkpointer c =
                Checkpointer.open(new RegionLayout(other), nrSlots() * 2, Checkpointer.Policy.everyRecords(1))) {
            c.catchUpFully();
            c.checkpointNow();
        }
        byte[] foreign = Files.readAllBytes(CheckpointFile.list(new RegionLayout(other).checkpoints())
                .get(0)
                .file());
        assertFallsBackToTheStart(dir, file, foreign, "2048 frames");

        Files.write(file, good);
        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10, Auditor.Start.NEWEST_CHECKPOINT)
                .run(Progress.none());
        assertThat(r.checkpointIndex()).as("the repaired file is used again").isNotEqualTo(JournalIndex.NONE);
    }

    private void assertFallsBackToTheStart(Path dir, Path file, byte[] content, String reason) throws IOException {
        Files.write(file, content);
        Map<String, String> before = FileHashes.of(dir);
        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10, Auditor.Start.NEWEST_CHECKPOINT)
                .run(Progress.none());
        assertThat(r.checkpointIndex()).isEqualTo(JournalIndex.NONE);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w)
                .contains(file.getFileName().toString())
                .contains(reason)
                .doesNotContain("\n"));
        assertThat(r.obligations()).as("the whole journal was audited instead").isPositive();
        assertThat(FileHashes.of(dir)).as("an audit changes nothing").isEqualTo(before);
    }

    @Test
    void aCheckpointThatDisagreesWithTheJournalIsReportedByAudit() throws IOException {
        Path dir = regionWithCheckpointMidway("disagree");
        RegionLayout layout = new RegionLayout(dir);
        CheckpointFile.Entry entry = CheckpointFile.list(layout.checkpoints()).get(0);
        CheckpointFile.Loaded loaded = CheckpointFile.read(entry.file(), nrSlots());
        // a well-formed checkpoint (valid CRC) whose slot 5 says something the journal never did
        SlotState s = new SlotState();
        loaded.replay().state().load(5, s);
        s.meta0 ^= 0x5a5a;
        loaded.replay().state().store(5, s);
        CheckpointFile.write(layout.checkpoints(), loaded.replay(), 2);

        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(r.checkpointFindings())
                .singleElement()
                .satisfies(f -> assertThat(f).contains("disagrees").contains("slot 5"));
        assertThat(r.findings()).isPositive();
    }

    @Test
    void recoveryStartsFromTheNewestCheckpointAndStillVerifiesEverySlot() throws IOException {
        Path dir = regionWithCheckpointMidway("recover");
        RegionLayout layout = new RegionLayout(dir);
        DeadWriter.markOpen(dir);
        long checkpoint = CheckpointFile.list(layout.checkpoints()).get(0).index();

        RecoveryReport r = MetaRegion.recover(dir, false);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.checkpointIndex()).isEqualTo(checkpoint);
        assertThat(r.warnings()).isEmpty();
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    @Test
    void recoveryWithADamagedCheckpointFallsBackToTheJournalsStart() throws IOException {
        Path dir = regionWithCheckpointMidway("recover-damaged");
        RegionLayout layout = new RegionLayout(dir);
        DeadWriter.markOpen(dir);
        Path file = CheckpointFile.list(layout.checkpoints()).get(0).file();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(200);
            f.write(0xff);
        }
        RecoveryReport r = MetaRegion.recover(dir, false);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.checkpointIndex()).isEqualTo(JournalIndex.NONE);
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w).contains("CRC-32C"));
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    @Test
    void aWriterTakesCheckpointsInTheBackgroundAndOneAtClose() throws IOException {
        Path dir = tmp.resolve("background");
        new Simulator(dir)
                .maxPaddr(MAX_PADDR)
                .ops(20_000)
                .seed(3)
                .checkpoints(Checkpointer.Policy.everyRecords(2_000).keeping(2))
                .run();
        RegionLayout layout = new RegionLayout(dir);
        List<CheckpointFile.Entry> kept = CheckpointFile.list(layout.checkpoints());
        assertThat(kept).as("older checkpoints were pruned").hasSizeBetween(1, 2);
        RegionStatus status = RegionStatus.read(layout.status());
        assertThat(kept.get(kept.size() - 1).index())
                .as("the last checkpoint is at REGION_CLOSE")
                .isEqualTo(status.checkpoint());
        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(r.checkpointFindings()).isEmpty();
        assertThat(r.findings()).isZero();
        assertThat(Files.list(layout.checkpoints())
                        .filter(p -> p.getFileName().toString().startsWith(".")))
                .as("no temporary file is left")
                .isEmpty();
    }

    @Test
    void aPolicyNeedsAPeriodAndACheckpointToKeep() {
        assertThatThrownBy(() -> new Checkpointer.Policy(Duration.ZERO, 0, 1))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(
                        () -> Checkpointer.Policy.every(Duration.ofSeconds(1)).keeping(0))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("at least one");
    }
}
