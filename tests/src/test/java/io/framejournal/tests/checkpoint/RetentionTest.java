package io.framejournal.tests.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.JournalCycle;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.Retention;
import io.framejournal.journal.testsupport.DeadWriter;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.Simulator;
import io.framejournal.tests.support.Cycles;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention removes only journal files entirely before the oldest checkpoint kept; every question still has an answer
 * (from the oldest checkpoint), recovery still verifies, and an archive reads like a region.
 */
class RetentionTest {
    private static final long MAX_PADDR = 0x400000;
    private static final int NR_SLOTS = (int) (MAX_PADDR / 4096);

    @TempDir
    Path tmp;

    /**
     * A region on one-second queue files (at most 4,096 records each), written in four sessions a second apart, so
     * that each lands in a queue file of its own, with checkpoints taken as it goes.
     */
    private Path manyCycles(String name, Checkpointer.Policy policy) {
        Path dir = tmp.resolve(name);
        for (int session = 0; session < 4; session++) {
            Simulator sim = new Simulator(dir)
                    .ops(1_500)
                    .seed(5 + session)
                    .leakRate(0.01)
                    .checkpoints(policy);
            if (session == 0) {
                sim.maxPaddr(MAX_PADDR).rollCycle(JournalCycle.TEST_SECONDLY);
            }
            sim.run();
            Cycles.awaitNextSecond();
        }
        return dir;
    }

    private static List<Path> queueFiles(Path dir) throws IOException {
        try (var s = Files.list(new RegionLayout(dir).journal())) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void retentionRemovesOnlyFilesBeforeTheOldestCheckpointAndQuestionsStillHaveAnswers() throws IOException {
        Path dir = manyCycles("retain", Checkpointer.Policy.everyRecords(700).keeping(10));
        RegionLayout layout = new RegionLayout(dir);
        List<Path> before = queueFiles(dir);
        assertThat(before).as("several one-second cycles").hasSizeGreaterThanOrEqualTo(3);
        AuditReport full = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 100_000).run(Progress.none());

        Retention.Result r = Retention.retire(layout, NR_SLOTS, 2, 0, null);

        assertThat(r.checkpointsKept()).isBetween(1, 2);
        assertThat(r.filesRetired())
                .as("files before the oldest kept checkpoint")
                .isNotEmpty();
        List<Path> after = queueFiles(dir);
        assertThat(after).hasSize(before.size() - r.filesRetired().size());
        long oldestKept = CheckpointFile.list(layout.checkpoints()).get(0).index();
        assertThat(r.protectedFrom()).isEqualTo(oldestKept);

        Auditor auditor = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 100_000);
        AuditReport fromOldest = auditor.run(Progress.none());
        assertThat(fromOldest.checkpointIndex())
                .as("the audit starts at the oldest checkpoint")
                .isEqualTo(oldestKept);
        assertThat(auditor.notes()).anySatisfy(n -> assertThat(n).contains("retired"));
        assertThat(fromOldest.obligations()).isEqualTo(full.obligations());
        assertThat(fromOldest.leaks()).isEqualTo(full.leaks());
        assertThat(fromOldest.events()).isEqualTo(full.events());
        assertThat(fromOldest.warnings()).isEmpty();
        assertThat(fromOldest.stopReason()).isNull();

        DeadWriter.markOpen(dir);
        RecoveryReport rec = MetaRegion.recover(dir, false);
        assertThat(rec.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(rec.checkpointIndex()).isNotEqualTo(JournalIndex.NONE);
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    @Test
    void retentionAsFarAsItGoesLeavesWhatTheRedoPointNeeds() throws IOException {
        Path dir = manyCycles("redo", Checkpointer.Policy.everyRecords(700).keeping(10));
        // one more session recording a redo point (one at its close), in a queue file of its own, then left as a dead
        // writer leaves it: the point is newer than every checkpoint, so recovery starts there
        new Simulator(dir)
                .ops(1_500)
                .seed(11)
                .redoPointEvery(java.time.Duration.ofHours(1))
                .run();
        RegionLayout layout = new RegionLayout(dir);
        DeadWriter.markOpen(dir);
        io.framejournal.journal.RedoPoint point =
                io.framejournal.journal.RedoPointFile.read(layout.redoPoint()).point();
        assertThat(point).isNotNull();

        Retention.Result r = Retention.retire(layout, NR_SLOTS, 1, 1, null); // keep 1, and at most one byte if it can

        assertThat(r.filesRetired())
                .as("everything before the newest checkpoint's file")
                .isNotEmpty();
        RecoveryReport rec = MetaRegion.recover(dir, false);
        assertThat(rec.redoPoint())
                .as("recovery from the redo point, its record still there")
                .isEqualTo(point);
        assertThat(rec.warnings()).isEmpty();
        assertThat(rec.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
    }

    @Test
    void retiredFilesGoToAnArchiveThatReadsLikeARegion() throws IOException {
        Path dir = manyCycles("archive", Checkpointer.Policy.everyRecords(700).keeping(10));
        Path archive = tmp.resolve("retired-files");
        Retention.Result r = Retention.retire(new RegionLayout(dir), NR_SLOTS, 1, 0, archive);
        assertThat(r.filesRetired()).isNotEmpty();
        assertThat(Retention.isArchive(archive)).isTrue();
        try (var s = Files.list(archive.resolve("journal"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".cq4.gz")))
                    .hasSize(r.filesRetired().size());
        }
        AuditReport early = new Auditor(RegionInput.open(archive), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(early.events()).as("the archive's records are read").isPositive();
        assertThat(early.stopReason()).isNull();
        assertThat(early.checkpointIndex()).isEqualTo(JournalIndex.NONE);
    }

    @Test
    void aWriterThatRetainsKeepsItsJournalBounded() throws IOException {
        Path dir = manyCycles(
                "bounded", Checkpointer.Policy.everyRecords(700).keeping(2).retaining(Checkpointer.Retain.deleting()));
        List<Path> left = queueFiles(dir);
        assertThat(left.size())
                .as("only the cycles after the oldest kept checkpoint remain")
                .isLessThanOrEqualTo(3);
        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(r.stopReason()).isNull();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.checkpointFindings()).isEmpty();
        assertThat(r.findings()).as("the injected leaks are still attributed").isPositive();
    }

    @Test
    void aReaderSkipsFilesDeletedBeforeChroniclesListingWasRefreshed() throws IOException {
        Path dir = manyCycles("stale", Checkpointer.Policy.everyRecords(700).keeping(10));
        List<Path> files = queueFiles(dir);
        // a crash between deleting the first file and refreshing the listing: metadata.cq4t still names it
        Files.delete(files.get(0));
        Auditor auditor = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10);
        AuditReport r = auditor.run(Progress.none());
        assertThat(r.events()).isPositive();
        assertThat(r.checkpointIndex())
                .as("the start is gone: replay starts at a checkpoint")
                .isNotEqualTo(JournalIndex.NONE);
    }

    /**
     * A retention pass killed after it deleted a queue file and before it deleted the checkpoints whose record that file
     * held left checkpoints no replay could use: every audit warned about them and exited 2, and later passes neither
     * deleted them (they were not valid, so not looked at) nor kept K usable ones (they counted among the K files).
     */
    @Test
    void aCheckpointLeftByAPassKilledAfterItRetiredItsFileIsDeletedByTheNext() throws IOException {
        Path dir =
                manyCycles("killed-pass", Checkpointer.Policy.everyRecords(700).keeping(10));
        RegionLayout layout = new RegionLayout(dir);
        long orphans;
        List<Path> retired;
        try (var queue = io.framejournal.journal.Chronicle.readOnlyQueue(layout.journal())) {
            List<CheckpointFile.Entry> all = CheckpointFile.list(layout.checkpoints());
            int firstCycle = queue.rollCycle().toCycle(all.get(0).index());
            orphans = all.stream()
                    .filter(e -> queue.rollCycle().toCycle(e.index()) == firstCycle)
                    .count();
            // the files up to the one holding the oldest checkpoint's record (on a loaded machine a session can
            // span two seconds, so the first file may hold no checkpoint)
            retired = queueFiles(dir).stream()
                    .filter(f -> Cycles.cycleOf(f, queue.rollCycle()) <= firstCycle)
                    .toList();
        }
        assertThat(orphans).as("checkpoints whose record is in the first file").isPositive();
        assertThat(retired).as("files up to the oldest checkpoint's").isNotEmpty();
        for (Path f : retired) {
            Files.delete(f); // the pass was killed here: its checkpoints not yet deleted
        }
        AuditReport left = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(left.warnings()).as("what the kill left is warned about").isNotEmpty();
        int before = CheckpointFile.list(layout.checkpoints()).size();

        Retention.Result r = Retention.retire(layout, NR_SLOTS, 10, 0, null);

        assertThat(r.checkpointsDeleted()).isEqualTo((int) orphans);
        assertThat(CheckpointFile.list(layout.checkpoints())).hasSize(before - (int) orphans);
        AuditReport after = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(after.warnings()).isEmpty();
        assertThat(after.stopReason()).isNull();

        Retention.Result far = Retention.retire(layout, NR_SLOTS, 10, 1, null); // as far as it goes
        List<CheckpointFile.Entry> kept = CheckpointFile.list(layout.checkpoints());
        assertThat(far.checkpointsKept()).isEqualTo(kept.size());
        assertThat(far.protectedFrom())
                .as("what it says it kept from is a checkpoint it kept")
                .isEqualTo(kept.get(0).index());
        assertThat(new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10)
                        .run(Progress.none())
                        .warnings())
                .isEmpty();
    }

    @Test
    void withoutAValidCheckpointNothingIsRetired() throws IOException {
        Path dir = tmp.resolve("none");
        new Simulator(dir)
                .maxPaddr(MAX_PADDR)
                .rollCycle(JournalCycle.TEST_SECONDLY)
                .ops(1_000)
                .seed(5)
                .run();
        Cycles.awaitNextSecond();
        new Simulator(dir).ops(1_000).seed(6).run();
        List<Path> before = queueFiles(dir);
        Retention.Result r = Retention.retire(new RegionLayout(dir), NR_SLOTS, 3, 1, null);
        assertThat(r.filesRetired()).isEmpty();
        assertThat(r.note()).contains("no valid checkpoint");
        assertThat(queueFiles(dir)).isEqualTo(before);
    }

    /** The background checkpointer tails a live writer across queue-file rolls and keeps taking checkpoints. */
    @Test
    void aLiveCheckpointerFollowsTheWriterAcrossCycleRolls() throws Exception {
        Path dir = tmp.resolve("live-roll");
        var options = io.framejournal.allocator.RegionOptions.defaults()
                .withCheckpoints(
                        Checkpointer.Policy.everyRecords(200).keeping(3).retaining(Checkpointer.Retain.deleting()));
        long written;
        try (MetaRegion region = MetaRegion.create(
                dir,
                io.framejournal.journal.RegionConfig.of(MAX_PADDR).withCycle(JournalCycle.TEST_SECONDLY),
                options)) {
            io.framejournal.allocator.FrameAllocOptions alloc = new io.framejournal.allocator.FrameAllocOptions(region);
            long firstCycle = region.lastJournalIndex() >>> JournalCycle.TEST_SECONDLY.cycleShift();
            var pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                // a frame allocated and dropped every millisecond, at a fixed rate, over several one-second cycles
                var writer = pace.scheduleAtFixedRate(
                        () -> alloc.allocFrame().close(), 0, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
                org.awaitility.Awaitility.await("ten checkpoints and four cycle rolls")
                        .atMost(java.time.Duration.ofSeconds(60))
                        .failFast("the writer failed", writer::isDone) // a periodic task that throws is done
                        .until(() -> region.checkpointsWritten() >= 10
                                && (region.lastJournalIndex() >>> JournalCycle.TEST_SECONDLY.cycleShift()) - firstCycle
                                        >= 4);
            } finally {
                pace.shutdown();
                assertThat(pace.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
            }
            assertThat(region.checkpointProblem()).isNull();
            written = region.checkpointsWritten();
        }
        assertThat(written).as("checkpoints went on after the rolls").isGreaterThanOrEqualTo(10);
        List<Path> left = queueFiles(dir);
        assertThat(left.size()).as("and retention with them").isLessThanOrEqualTo(3);
        AuditReport r = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 10).run(Progress.none());
        assertThat(r.stopReason()).isNull();
        assertThat(r.findings()).isZero();
    }
}
