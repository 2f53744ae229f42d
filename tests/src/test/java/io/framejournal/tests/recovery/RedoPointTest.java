package io.framejournal.tests.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.Segment;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SlotState;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.QueueFiles;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The redo point ({@code redo.point}): recorded by the writer, it lets recovery trust the slot table up to it and
 * replay only the journal after it. Crash images are copies of a live region's files taken between calls (what a
 * SIGKILL leaves), with the slot table optionally replaced by its copy at the point (what a power loss leaves when the
 * table's later writes never reached the disk). Every recovery must end with the table equal to a replay of the whole
 * journal.
 */
class RedoPointTest {
    private static final long MAX_PADDR = 0x400000; // 1,024 frames

    @TempDir
    Path tmp;

    private MetaRegion region;
    private final List<AutoCloseable> held = new ArrayList<>();

    @AfterEach
    void closeRegion() throws Exception {
        dropHeld();
        if (region != null) {
            region.close();
        }
    }

    @Test
    void aKilledWriterIsRecoveredFromItsRedoPointReplayingOnlyTheSuffix() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(300);
        RedoPoint point = region.recordRedoPoint();
        assertThat(point).isNotNull();
        work(40);
        Path image = crashImage(dir, "killed", null);

        RecoveryReport r = MetaRegion.recover(image, false);

        assertThat(r.redoPoint()).isEqualTo(point);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.recordsScanned())
                .as("records replayed from the redo point, of %d in the journal", records(image))
                .isPositive()
                .isLessThan(records(image) / 4);
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
        assertThat(RegionChecks.badVerdicts(image)).isEmpty();
    }

    @Test
    void aTableThatLostEverythingAfterThePointIsRedoneFromIt() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(200);
        RedoPoint point = region.recordRedoPoint();
        Path tableAtPoint = tmp.resolve("slots-at-point");
        Files.copy(new RegionLayout(dir).slots(), tableAtPoint);
        work(100);
        Path image = crashImage(dir, "power-loss", tableAtPoint);

        RecoveryReport r = MetaRegion.recover(image, false);

        assertThat(r.redoPoint()).isEqualTo(point);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.slotsRedone())
                .as("slots behind the journal, redone from the point")
                .isPositive();
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
    }

    @Test
    void aTableOlderThanItsPointIsCaughtByTheChainAndRecoveredTheFullWay() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(100);
        Path stale = tmp.resolve("slots-stale");
        Files.copy(new RegionLayout(dir).slots(), stale);
        work(100);
        dropHeld();
        region.recordRedoPoint();
        touchEverySlot(); // every slot changed since the stale copy is touched again after the point
        Path image = crashImage(dir, "lying-disk", stale);

        RecoveryReport r = MetaRegion.recover(image, false);

        assertThat(r.redoPoint()).as("the point was not trusted").isNull();
        assertThat(r.warnings()).singleElement().asString().contains("recovered from the newest checkpoint instead");
        assertThat(r.slotsRedone()).isPositive();
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
    }

    @Test
    void theDeadWritersLastCallCaughtMidStoreIsRedoneFromItsRecord() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(50);
        region.recordRedoPoint();
        Frame<NoMeta> last = new FrameAllocOptions(region).allocFrame(); // the call the writer "dies" storing
        held.add(last);

        long slot = last.startPaddr() / 4096;

        RecoveryReport mid = redoneOnlyWhenLocked(dir, "mid-store", slot, "does not apply to slot " + slot);

        assertThat(mid.slotsRedone()).isEqualTo(1);
    }

    /**
     * A slot a call changed after the point (the table holds that record whole, so the replay skips it), then the dead
     * writer's next call on it caught mid-store: its new fields over the skipped record's, the old lastIndex, locked. The
     * crash suite met it once a faster writer packed more calls between two points.
     */
    @Test
    void aCallCaughtMidStoreOnASlotTheTableHoldsPastThePointIsRedoneFromItsRecord() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(50);
        region.recordRedoPoint();
        Frame<NoMeta> f = new FrameAllocOptions(region).allocFrame(); // after the point, stored whole
        long slot = f.startPaddr() / 4096;
        f.close(); // the call the writer "dies" storing, on the same slot

        redoneOnlyWhenLocked(dir, "mid-store-skipped", slot, "does not hold what the journal's records");
    }

    /**
     * Two kill images of {@code dir}, whose last call (on {@code slot}) is caught mid-store in both, its slot locked in
     * the first only: the locked one is recovered from the point with no warning, the unlocked one is not trusted (a
     * warning containing {@code unlockedWarning}, then the full way); both end equal to the journal's replay.
     *
     * @return the locked image's report
     */
    private RecoveryReport redoneOnlyWhenLocked(Path dir, String name, long slot, String unlockedWarning)
            throws IOException {
        Path image = crashImage(dir, name, null);
        Path unlocked = crashImage(dir, name + "-unlocked", null);
        long[] r = lastSlotRecord(image); // slot, index, prevIndex
        assertThat(r[0]).as("the last call's slot").isEqualTo(slot);
        catchMidStore(image, (int) r[0], r[2], true);
        catchMidStore(unlocked, (int) r[0], r[2], false);

        RecoveryReport mid = MetaRegion.recover(image, false);

        assertThat(mid.redoPoint())
                .as("a locked slot one record behind is the writer's last call")
                .isNotNull();
        assertThat(mid.warnings()).isEmpty();
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();

        RecoveryReport odd = MetaRegion.recover(unlocked, false);

        assertThat(odd.redoPoint())
                .as("an unlocked slot that does not check is not trusted")
                .isNull();
        assertThat(odd.warnings()).singleElement().asString().contains(unlockedWarning);
        assertThat(RegionChecks.tableVersusReplay(unlocked)).isEmpty();
        return mid;
    }

    @Test
    void aSlotWhoseIndexSaysARecordIsInItButAFieldDoesNotIsCaught() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(50);
        region.recordRedoPoint();
        Frame<NoMeta> last = new FrameAllocOptions(region).allocFrame(); // stored whole: the table names its record
        held.add(last);
        work(5); // later calls on other slots: the frame's slot is skipped over, as the table already holds it
        Path image = crashImage(dir, "torn", null);
        long[] r = lastRecordOf(image, last.startPaddr() / 4096);
        try (SlotTable t = SlotTable.open(new RegionLayout(image).slots(), RegionChecks.nrSlots(image), false)) {
            SlotState s = new SlotState();
            t.load((int) r[0], s);
            assertThat(s.lastIndex).isEqualTo(r[1]);
            s.refCount = 7; // what a power loss can leave: the new lastIndex written back, this field from earlier
            t.store((int) r[0], s);
        }

        RecoveryReport rec = MetaRegion.recover(image, false);

        assertThat(rec.redoPoint()).as("not certified from the point").isNull();
        assertThat(rec.warnings())
                .singleElement()
                .asString()
                .contains("slot " + r[0] + ": the table names record")
                .contains("does not hold what the journal's records up to it wrote");
        assertThat(rec.verdict()).isEqualTo(RecoveryReport.REPAIRED);
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
    }

    /** The slot and index of the journal's last record touching {@code slot}. */
    private static long[] lastRecordOf(Path dir, long slot) {
        long[] r = null;
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                if (e.kind.changesSlot() && e.slot == slot) {
                    r = new long[] {e.slot, e.index};
                }
            }
        }
        assertThat(r).isNotNull();
        return r;
    }

    /** The slot, index and previous index of the journal's last slot-changing record. */
    private static long[] lastSlotRecord(Path dir) {
        long[] r = null;
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                if (e.kind.changesSlot() && e.groupStart) {
                    r = new long[] {e.slot, e.index, e.prevIndex};
                }
            }
        }
        assertThat(r).isNotNull();
        return r;
    }

    /** The slot as a kill during its store leaves it: the new fields, the old lastIndex (stored last), maybe locked. */
    private static void catchMidStore(Path dir, int slot, long prevIndex, boolean locked) throws IOException {
        try (SlotTable t = SlotTable.open(new RegionLayout(dir).slots(), RegionChecks.nrSlots(dir), false)) {
            SlotState s = new SlotState();
            t.load(slot, s);
            s.lastIndex = prevIndex;
            t.store(slot, s);
            if (locked) {
                t.lock(slot);
            }
        }
    }

    @Test
    void aDamagedRedoPointFileFallsBackWithAWarning() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(100);
        region.recordRedoPoint();
        work(20);
        Path image = crashImage(dir, "damaged-point", null);
        byte[] junk = new byte[128];
        java.util.Arrays.fill(junk, (byte) 'x');
        Files.write(new RegionLayout(image).redoPoint(), junk);

        RecoveryReport r = MetaRegion.recover(image, false);

        assertThat(r.redoPoint()).isNull();
        assertThat(r.warnings()).singleElement().asString().contains("no redo point magic");
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
    }

    @Test
    void verifyAllIgnoresThePointAndComparesEverySlot() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(100);
        region.recordRedoPoint();
        work(20);
        Path image = crashImage(dir, "verify-all", null);

        RecoveryReport r = MetaRegion.recover(image, false, false, true);

        assertThat(r.redoPoint()).isNull();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.recordsScanned()).isEqualTo(records(image) - 2); // all but the two RECOVERY records it wrote
        assertThat(RegionChecks.tableVersusReplay(image)).isEmpty();
    }

    /**
     * A record before the redo point damaged (a flipped byte: its CRC-32C fails). Recovery from the point never reads
     * it, and rightly so (the table holds its call, forced at the point), but it must not say more than it checked: the
     * report, text and JSON, says the journal was read from the point on only and how to read it all; the audit, which
     * reads the journal from its start, and {@code recover --verify-all} (here: no checkpoint, so the whole journal is
     * the replay) find the damage.
     */
    @Test
    void aRecordDamagedBeforeThePointIsNotReadAndTheRecoverySaysItReadOnlyFromThePoint() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(100);
        RedoPoint point = region.recordRedoPoint();
        work(20);
        Path api = crashImage(dir, "before-point-api", null);
        Path text = crashImage(dir, "before-point-text", null);
        Path json = crashImage(dir, "before-point-json", null);
        Path all = crashImage(dir, "before-point-verify-all", null);
        long damaged = QueueFiles.damageRecordNumber(api, 10);
        for (Path image : List.of(text, json, all)) {
            assertThat(QueueFiles.damageRecordNumber(image, 10)).isEqualTo(damaged);
        }
        assertThat(Long.compareUnsigned(damaged, point.anchor())).isNegative();

        RecoveryReport r = MetaRegion.recover(api, false);

        assertThat(r.redoPoint()).isEqualTo(point);
        assertThat(r.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(r.journalReadWhole())
                .as("the records before the point were not read: the report must not say they were")
                .isFalse();
        assertThat(Long.compareUnsigned(r.fromIndex(), point.anchor())).isPositive();
        assertThat(r.damageBeforeStart()).isNull();

        Cli t = cli("recover", text.toString());
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out())
                .contains("replayed from the redo point (")
                .contains("  journal:   read and checked from 0x")
                .contains("to its end only; the records before the redo point")
                .contains("were not read")
                .contains("`framejournal audit " + text + "` or `recover --verify-all` reads them all")
                .doesNotContain("the whole journal")
                .doesNotContain("every record it holds");

        Cli j = cli("recover", "--json", json.toString());
        assertThat(j.exit()).as(j.err()).isZero();
        assertThat(j.out())
                .containsPattern("\"journalReadWhole\"\\s*:\\s*false")
                .containsPattern("\"damageBeforeStart\"\\s*:\\s*null");

        Cli audit = cli("audit", text.toString());
        assertThat(audit.exit())
                .as("the audit reads the journal from its start")
                .isNotZero();
        assertThat(audit.out() + audit.err()).contains(io.framejournal.journal.JournalIndex.format(damaged));

        Cli verifyAll = cli("recover", "--verify-all", all.toString());
        assertThat(verifyAll.exit()).isEqualTo(2);
        assertThat(verifyAll.out()).isEmpty();
        assertThat(verifyAll.err().strip())
                .doesNotContain("\n")
                .contains("cannot recover " + all)
                .contains(io.framejournal.journal.JournalIndex.format(damaged))
                .contains("nothing was changed")
                .contains("without --verify-all, recovery starts at the region's redo point");
    }

    /**
     * The same damage before a checkpoint older than the redo point: {@code recover --verify-all} replays from the
     * checkpoint (it needs nothing before it) but reads and checks the records before it too, names the damaged one,
     * exits 1 and recovers the region all the same; without {@code --verify-all} the recovery from the point says it did
     * not read them.
     */
    @Test
    void verifyAllReadsTheRecordsBeforeTheCheckpointAndReportsOneDamagedThere() throws IOException {
        Path dir = open(Duration.ofHours(1));
        work(100);
        Cli checkpoint = cli("checkpoint", dir.toString());
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        work(20);
        RedoPoint point = region.recordRedoPoint();
        work(20);
        Path plain = crashImage(dir, "before-checkpoint-plain", null);
        Path all = crashImage(dir, "before-checkpoint-verify-all", null);
        Path json = crashImage(dir, "before-checkpoint-json", null);
        long damaged = QueueFiles.damageRecordNumber(all, 10);
        QueueFiles.damageRecordNumber(plain, 10);
        QueueFiles.damageRecordNumber(json, 10);

        Cli p = cli("recover", plain.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).contains("replayed from the redo point (").contains("were not read");

        Cli v = cli("recover", "--verify-all", all.toString());
        assertThat(v.exit()).as("damage found: " + v.err()).isEqualTo(1);
        assertThat(v.out())
                .contains("region is consistent and marked clean; its journal is DAMAGED before the checkpoint")
                .contains("replayed from the checkpoint at ")
                .contains("  DAMAGE:    the journal before the checkpoint at ")
                .contains(io.framejournal.journal.JournalIndex.format(damaged))
                .contains("recovery did not need those records");
        assertThat(MetaRegion.recover(all, false).alreadyClean())
                .as("recovered all the same: the table equals the replay from the checkpoint, every slot")
                .isTrue();

        RecoveryReport r = MetaRegion.recover(json, false, false, true);
        assertThat(r.redoPoint()).isNull();
        assertThat(r.checkpointIndex()).isNotEqualTo(io.framejournal.journal.JournalIndex.NONE);
        assertThat(Long.compareUnsigned(r.checkpointIndex(), point.anchor())).isNegative();
        assertThat(r.journalReadWhole()).isFalse();
        assertThat(r.damageBeforeStart()).contains(io.framejournal.journal.JournalIndex.format(damaged));
        assertThat(r.foundDamage()).isTrue();
    }

    /** What one in-process run of the CLI printed and returned. */
    private record Cli(int exit, String out, String err) {}

    private static Cli cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code;
        try (java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
                java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)) {
            code = io.framejournal.replay.cli.FrameJournalCli.run(args, o, e);
        }
        return new Cli(
                code,
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theKeeperRecordsPointsInTheBackgroundAndEachNamesARecordOfTheJournal() {
        Path dir = open(Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            work(20);
            return region.redoPointsWritten() >= 3;
        });
        assertThat(region.redoPointProblem()).isNull();
        RedoPoint p = RedoPointFile.read(new RegionLayout(dir).redoPoint()).point();
        assertThat(p).isNotNull();
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            assertThat(
                            p.inclusive()
                                    ? reader.resumeAt(p.anchor(), p.seq(), p.crc())
                                    : reader.resumeAfter(p.anchor(), p.seq(), p.crc()))
                    .as("the point's anchor record, same sequence number and CRC")
                    .isNull();
        }
    }

    @Test
    void recordingAPointNeedsTheOption() {
        Path dir = tmp.resolve("plain");
        region = MetaRegion.create(dir, RegionConfig.of(MAX_PADDR));
        assertThatThrownBy(region::recordRedoPoint)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withRedoPoint");
    }

    private Path open(Duration every) {
        Path dir = tmp.resolve("region");
        region = MetaRegion.create(
                dir, RegionConfig.of(MAX_PADDR), RegionOptions.defaults().withRedoPoint(every));
        return dir;
    }

    /** Calls of every kind, keeping some handles alive (outstanding obligations and raw references). */
    private void work(int rounds) {
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        for (int i = 0; i < rounds; i++) {
            Frame<NoMeta> f = alloc.allocFrame();
            if (i % 3 == 0) {
                held.add(f.clone());
            }
            if (i % 5 == 0) {
                Segment<NoMeta> s = alloc.allocSegment(1 + i % 7);
                held.add(s.clone());
                s.close();
            }
            f.close();
            if (held.size() > 60) {
                dropHeld();
            }
        }
    }

    private void touchEverySlot() {
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        List<Frame<NoMeta>> all = new ArrayList<>();
        for (int i = 0; i < RegionChecks.nrSlots(tmp.resolve("region")); i++) {
            all.add(alloc.allocFrame());
        }
        all.forEach(Frame::close);
    }

    private void dropHeld() {
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        held.clear();
    }

    /** The region's files as a kill between calls leaves them; {@code table}, if given, replaces the slot table. */
    private Path crashImage(Path dir, String name, Path table) throws IOException {
        Path image = tmp.resolve(name);
        FileHashes.copyTree(dir, image);
        if (table != null) {
            Files.copy(table, new RegionLayout(image).slots(), StandardCopyOption.REPLACE_EXISTING);
        }
        return image;
    }

    private static long records(Path dir) {
        long n = 0;
        long last = Long.MIN_VALUE;
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                if (e.index != last) {
                    n++;
                    last = e.index;
                }
            }
        }
        return n;
    }
}
