package io.framejournal.replay.forged;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RecordEncoder;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.Support;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals from an untrusted machine whose records are well formed and carry a correct CRC-32C, but lie: the per-frame
 * record chain points elsewhere, a later session opens with another geometry, a checkpoint's counts are made up.
 * Each is a finding of {@code audit} (exit 1), and no read-only command shows a stack trace or calls it clean.
 */
class ForgedJournalTest {
    /** Record numbers of {@link Forgery#written}'s journal. */
    private static final int OPEN = 0;

    private static final int FROM_UNUSED = 1;
    private static final int CLONE = 2;
    private static final int FIRST_DROP = 3;
    private static final int LAST_DROP = 4;
    /** Offset of the first slot group's prevIndex in a call record without FROM_HANDLE. */
    private static final int PREV = Forgery.BODY + 8;

    @TempDir
    static Path shared;

    /** {@link Forgery#written}'s region, written once; each test forges a copy. */
    private static Path written;

    @TempDir
    Path tmp;

    private int regions;

    @BeforeAll
    static void writeOnce() {
        written = Forgery.written(shared.resolve("written"));
    }

    /** A copy of the written region, to forge. */
    private Path region() {
        Path dir = tmp.resolve("r" + regions++);
        Support.copyTree(written, dir);
        return dir;
    }

    @Test
    void aRegionAsWrittenIsClean() {
        Path dir = region();
        Support.Result audit = Support.cli("audit", dir.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
        assertThat(Forgery.records(dir)).hasSize(8);
    }

    @Test
    void aFirstRecordWhoseSequenceNumberNoJournalReachesIsRefused() {
        for (long seq : new long[] {-2, Long.MAX_VALUE, -1}) {
            Path dir = region();
            Forgery.rewrite(dir, OPEN, b -> b.putLong(Forgery.SEQ, seq));
            Support.Result audit = Support.cli("audit", dir.toString());
            assertThat(audit.exit())
                    .as("%d: %s%s", seq, audit.out(), audit.err())
                    .isEqualTo(2);
            assertThat(audit.err()).contains("has sequence number " + seq + ", which no journal reaches");
            if (seq == -2) {
                everyReadOnlyCommandAnswersInOneLineAtMost(dir);
            }
        }
    }

    @Test
    void aSlotGroupWhosePrevIndexIsNotTheFramesLastRecordIsABrokenChain() {
        long[] index =
                Forgery.records(region()).stream().mapToLong(Forgery.Rec::index).toArray();
        Map<String, Long> lies = Map.of(
                "forward", index[LAST_DROP] + 100,
                "itself", index[CLONE],
                "a record of no frame", index[OPEN],
                "none", -1L,
                "skipping the first drop", index[CLONE]);
        for (var lie : lies.entrySet()) {
            Path dir = region();
            int rec = lie.getKey().startsWith("skipping") ? LAST_DROP : CLONE;
            Forgery.rewrite(dir, rec, b -> b.putLong(PREV, lie.getValue()));
            Support.Result audit = Support.cli("audit", dir.toString());
            assertThat(audit.exit())
                    .as("%s: %s%s", lie.getKey(), audit.out(), audit.err())
                    .isEqualTo(1);
            assertThat(audit.out()).as(lie.getKey()).contains("BROKEN_CHAIN").doesNotContain("clean, no findings");
            if (rec == LAST_DROP) { // history's walk of the chain meets the lie first, and reads the whole journal
                everyReadOnlyCommandAnswersInOneLineAtMost(dir);
            }
        }
    }

    @Test
    void aLaterSessionThatOpensWithAnotherGeometryOrFormatIsAFinding() {
        Path dir = region();
        List<Forgery.Rec> records = Forgery.records(dir);
        Forgery.Rec last = records.get(records.size() - 1);
        RecordEncoder open = new RecordEncoder()
                .marker(EventKind.REGION_OPEN, OpCode.REGION, 2, JournalEvent.NO_SLOT, 1L << 45, 4096, (short) 2);
        Forgery.append(dir, Forgery.seal(open, last.seq() + 1, last.timestamp() + 1));
        Support.Result audit = Support.cli("audit", dir.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("FOREIGN_REGION_OPEN").contains("0x200000000000");
        everyReadOnlyCommandAnswersInOneLineAtMost(dir);

        Path format = region();
        Forgery.rewrite(format, OPEN, b -> b.putShort(Forgery.BODY + 2, (short) 77));
        audit = Support.cli("audit", format.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("FOREIGN_REGION_OPEN").contains("format 77");
    }

    @Test
    void aRecordThatNamesACallSiteTheRegionsTableLacksIsAFinding() {
        Path dir = region();
        assertThat(new RegionLayout(dir).sites())
                .as("the first handle of a thread is sampled")
                .exists();
        Forgery.rewrite(dir, CLONE, b -> b.putInt(Forgery.SITE, 12345));
        Support.Result audit = Support.cli("audit", dir.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("UNKNOWN_SITE").contains("call site 12345");
        everyReadOnlyCommandAnswersInOneLineAtMost(dir);

        Path negative = region();
        Forgery.rewrite(negative, FIRST_DROP, b -> b.putInt(Forgery.SITE, -7));
        audit = Support.cli("audit", negative.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("UNKNOWN_SITE").contains("call site 4294967289");
    }

    @Test
    void aCheckpointWhoseCountsOrLastCallsLieIsAFinding() throws IOException {
        Path events = region();
        lieInCheckpoint(events, (b, counters) -> b.putLong(CHECKPOINT_HEADER + 8, 999_999)); // counter 0: events
        Support.Result stats = Support.cli("stats", events.toString());
        assertThat(stats.out())
                .as("stats believes the checkpoint it starts from")
                .contains("999,999 events");
        Support.Result audit = Support.cli("audit", events.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("disagrees with the journal's replay").contains("count of events is 999999");

        Path handle = region();
        // the first slot entry's last handle: slot (4), last op (1), reserved (3), then the handle
        lieInCheckpoint(handle, (b, counters) -> b.putLong(CHECKPOINT_HEADER + 16 * counters + 8, 4242));
        audit = Support.cli("audit", handle.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("disagrees with the journal's replay").contains("handle 4242");
    }

    @Test
    void aCheckpointPastTheJournalsEndIsAFinding() throws IOException {
        Path dir = region();
        long pastTheEnd = Forgery.records(dir).get(LAST_DROP).index() + 1000;
        lieInCheckpoint(dir, (b, counters) -> b.putLong(16, pastTheEnd)); // the header's index
        Path checkpoints = new RegionLayout(dir).checkpoints();
        try (Stream<Path> s = Files.list(checkpoints)) {
            Path file =
                    s.filter(p -> p.toString().endsWith(".fjcp")).findFirst().orElseThrow();
            Files.move(file, io.framejournal.journal.CheckpointFile.fileFor(checkpoints, pastTheEnd));
        }
        Support.Result stats = Support.cli("stats", dir.toString());
        assertThat(stats.exit()).as("stats skips it, warning: " + stats.err()).isEqualTo(2);
        Support.Result audit = Support.cli("audit", dir.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("past the journal's end");
    }

    private static final int CHECKPOINT_HEADER = 96;

    private interface CheckpointLie {
        void tell(ByteBuffer checkpoint, int counters);
    }

    /** Takes a checkpoint at the journal's end, then changes it and computes its CRC-32C again. */
    private static void lieInCheckpoint(Path dir, CheckpointLie lie) throws IOException {
        Support.Result taken = Support.cli("checkpoint", dir.toString());
        assertThat(taken.exit()).as(taken.err()).isZero();
        Path file;
        try (Stream<Path> s = Files.list(new RegionLayout(dir).checkpoints())) {
            file = s.filter(p -> p.toString().endsWith(".fjcp")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        lie.tell(buf, buf.getInt(52));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        buf.putInt(b.length - 8, (int) crc.getValue());
        Files.write(file, b);
    }

    /** Every read-only command reads the region or refuses it, in one line on stderr and never with a stack trace. */
    private void everyReadOnlyCommandAnswersInOneLineAtMost(Path dir) {
        String d = dir.toString();
        String[][] commands = {
            {"stats", d},
            {"dump", d},
            {"history", "--frame", "0", d},
            {"state", d},
            {"diff", d},
            {"report", "-o", tmp.resolve("report" + regions + ".html").toString(), d},
            {"export", "--to", tmp.resolve("export" + regions).toString(), d},
        };
        for (String[] c : commands) {
            Support.Result r = Support.cli(c);
            assertThat(r.err()).as(String.join(" ", c)).doesNotContain("\tat ").doesNotContain("internal error");
            assertThat(r.errLines()).as(String.join(" ", c) + ": " + r.err()).hasSizeLessThanOrEqualTo(1);
            assertThat(r.exit()).as(String.join(" ", c)).isBetween(0, 2);
        }
    }
}
