package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass read ahead on a second thread ({@link ReadAhead}) gives the calling thread exactly what reading inline gives
 * it: the same records in the same order, the same counts as of each record, the same findings, the same end and stop
 * reason; and closing it early, or a record unreadable while it is applied, stops the reading thread.
 */
class ReadAheadTest {
    private static final int SLOTS = 5000;
    /** Enough records to go round the ring (2,048 slots) several times. */
    private static final int RECORDS = 12_000;

    @TempDir
    static Path dir;

    private static Path journal;

    /** The same records in 1-second queue files, a new one every 3,000 records (the test roll cycle caps them at 4,096). */
    private static Path rolled;

    @BeforeAll
    static void writeRandomRecords() throws Exception {
        journal = write(dir.resolve("one-file"), JournalCycle.DEFAULT);
        rolled = write(dir.resolve("rolled"), JournalCycle.TEST_SECONDLY);
    }

    /**
     * Random records appended as the journal writer appends them (sealed, one document each), under a clock the test
     * sets: for the test roll cycle, a second passes every 3,000 records (it caps a file at 4,096), so the journal rolls
     * to a new queue file without the test waiting for one.
     */
    private static Path write(Path region, JournalCycle cycle) throws Exception {
        Files.createDirectories(region);
        RegionConfig.of(1L << 30).withCycle(cycle).write(region.resolve(RegionLayout.CONFIG));
        Path j = region.resolve("journal");
        SplittableRandom rnd = new SplittableRandom(23);
        SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        RecordEncoder record = new RecordEncoder();
        try (SingleChronicleQueue queue = Chronicle.writableQueueBuilder(j, cycle, SyncMode.NONE)
                        .timeProvider(clock)
                        .build();
                ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < RECORDS; i++) {
                if (cycle == JournalCycle.TEST_SECONDLY && i % 3000 == 0 && i > 0) {
                    clock.advanceMillis(1000);
                }
                RandomRecords.record(record, rnd, SLOTS, null);
                appender.writeBytes(record.sealBytes(i, 1, clock.currentTimeNanos()));
            }
        }
        return j;
    }

    @Test
    void recordsReadThroughTheTailerAtEachQueueFilesStartAreHandedOverCopiedInOrder() throws Exception {
        long files;
        try (Stream<Path> s = Files.list(rolled)) {
            files = s.filter(p -> p.toString().endsWith(".cq4")).count();
        }
        assertThat(files).as("queue files").isGreaterThanOrEqualTo(3);
        Pass inline = pass(rolled, false, Long.MAX_VALUE);
        Pass ahead = pass(rolled, true, Long.MAX_VALUE);
        assertThat(ahead.copied)
                .as("the first record of every file comes through the tailer")
                .isGreaterThanOrEqualTo(files);
        assertThat(inline.perRecord).hasSize(RECORDS);
        assertThat(ahead.perRecord).isEqualTo(inline.perRecord);
        assertThat(ahead.findings).isEqualTo(inline.findings);
        assertThat(ahead.end).isEqualTo(inline.end);
        assertThat(ahead.stop).isEqualTo(inline.stop).isNull();
    }

    @Test
    void readAheadGivesTheSameRecordsCountsAndFindingsAsInline() {
        assertThat(ReadAhead.enabled()).as("this machine has two cores").isTrue();
        Pass inline = pass(journal, false, Long.MAX_VALUE);
        Pass ahead = pass(journal, true, Long.MAX_VALUE);
        assertThat(ahead.wasAhead).isTrue();
        assertThat(inline.wasAhead).isFalse();
        assertThat(inline.perRecord).hasSize(RECORDS);
        assertThat(ahead.perRecord).isEqualTo(inline.perRecord);
        assertThat(ahead.findings).isEqualTo(inline.findings).hasSizeGreaterThan(1000);
        assertThat(ahead.end).isEqualTo(inline.end);
        assertThat(ahead.stop).isNull();
        SlotState a = new SlotState();
        SlotState b = new SlotState();
        for (int slot = 0; slot < SLOTS; slot++) {
            ahead.replay.state().load(slot, a);
            inline.replay.state().load(slot, b);
            assertThat(a).as("slot %d", slot).hasToString(b.toString());
        }
        assertThat(ahead.replay.obligations().live())
                .isEqualTo(inline.replay.obligations().live())
                .isNotZero(); // random counts: the sum may wrap
        for (int c = 0; c < LedgerReplay.Counter.SIZE; c++) {
            assertThat(ahead.replay.counter(c)).as("counter %d", c).isEqualTo(inline.replay.counter(c));
        }
    }

    @Test
    void aDamagedRecordStopsBothPassesAtTheSamePlaceWithTheSameReason(@TempDir Path copy) throws Exception {
        Path damaged = copy.resolve("journal");
        Files.createDirectories(damaged);
        try (Stream<Path> files = Files.list(journal)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, damaged.resolve(f.getFileName()));
            }
        }
        Path cq4;
        try (Stream<Path> files = Files.list(damaged)) {
            cq4 = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        Pass whole = pass(damaged, false, Long.MAX_VALUE);
        int middle = whole.perRecord.size() / 2;
        int crc = Integer.parseInt(whole.perRecord.get(middle).split(" ")[5]); // found by its CRC in the file
        byte[] bytes = Files.readAllBytes(cq4);
        int found = -1;
        for (int i = RecordFormat.CRC_OFF; i + 4 <= bytes.length && found < 0; i++) {
            if ((bytes[i] & 0xff | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16 | bytes[i + 3] << 24)
                    == crc) {
                found = i - RecordFormat.CRC_OFF;
            }
        }
        assertThat(found).as("the middle record's place in the queue file").isPositive();
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.seek(found + RecordFormat.SEQ_OFF + 2); // a byte its CRC-32C covers
            f.write(bytes[found + RecordFormat.SEQ_OFF + 2] ^ 0x10);
        }
        Pass inline = pass(damaged, false, Long.MAX_VALUE);
        Pass ahead = pass(damaged, true, Long.MAX_VALUE);
        assertThat(inline.stop).contains("CRC-32C");
        assertThat(ahead.stop).isEqualTo(inline.stop);
        assertThat(ahead.perRecord).isEqualTo(inline.perRecord).hasSize(middle);
        assertThat(ahead.findings).isEqualTo(inline.findings);
        assertThat(ahead.end).isEqualTo(inline.end);
    }

    @Test
    void closingEarlyStopsTheReadingThread() {
        try (JournalReader reader = JournalReader.open(journal)) {
            ReadAhead ahead = ReadAhead.of(reader, true);
            JournalEvent e = new JournalEvent();
            for (int i = 0; i < 10; i++) {
                assertThat(ahead.next(e)).isNotEqualTo(JournalReader.NOTHING);
            }
            assertThat(ahead.recordsRead())
                    .as("counts as of the caller's record")
                    .isEqualTo(10);
            ahead.close();
            assertThat(ahead.reading()).isFalse();
            assertThat(ahead.next(e)).isEqualTo(JournalReader.NOTHING);
        }
    }

    @Test
    void aRecordUnreadableWhileAppliedStopsReadingThereAndNamesIt() {
        try (JournalReader reader = JournalReader.open(journal)) {
            ReadAhead ahead = ReadAhead.of(reader, true);
            JournalEvent e = new JournalEvent();
            for (int i = 0; i < 100; i++) {
                ahead.next(e);
            }
            long index = ahead.index();
            assertThat(ahead.stopInRecord(new InternalError("a fault in the mapping")))
                    .isFalse();
            assertThat(ahead.reading()).isFalse();
            assertThat(reader.stopReason())
                    .startsWith("journal unreadable at index " + JournalIndex.format(index) + " (")
                    .contains("a fault in the mapping");
            assertThat(ahead.next(e)).isEqualTo(JournalReader.NOTHING);
            ahead.close();
        }
    }

    @Test
    void switchedOffByItsPropertyEverythingIsInline() {
        String was = System.getProperty(ReadAhead.PROPERTY);
        System.setProperty(ReadAhead.PROPERTY, "false");
        try (JournalReader reader = JournalReader.open(journal);
                ReadAhead ahead = ReadAhead.of(reader, true)) {
            assertThat(ahead.ahead()).isFalse();
            assertThat(ahead.next(new JournalEvent())).isEqualTo(JournalReader.WHOLE_RECORD);
            assertThat(ahead.index()).isEqualTo(reader.lastGoodIndex());
        } finally {
            if (was == null) {
                System.clearProperty(ReadAhead.PROPERTY);
            } else {
                System.setProperty(ReadAhead.PROPERTY, was);
            }
        }
    }

    /** One pass: a line per record (what the caller saw of it), the findings, the end. */
    private static final class Pass {
        final List<String> perRecord = new ArrayList<>();
        final List<String> findings = new ArrayList<>();
        LedgerReplay replay;
        String end;
        String stop;
        boolean wasAhead;
        long copied;
    }

    private static Pass pass(Path journal, boolean readAhead, long limit) {
        Pass p = new Pass();
        p.replay = new LedgerReplay(SLOTS).listener(new LedgerRecordTest.Recording(p.findings));
        try (JournalReader reader = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            try (ReadAhead ahead = ReadAhead.of(reader, readAhead)) {
                p.wasAhead = ahead.ahead();
                for (int got; p.perRecord.size() < limit && (got = ahead.next(e)) != JournalReader.NOTHING; ) {
                    RecordDecoder d = ahead.decoder();
                    p.perRecord.add(got + " " + JournalIndex.format(ahead.index()) + " " + ahead.eventsRead() + " "
                            + ahead.recordsRead() + " " + ahead.bytesRead() + " "
                            + ahead.recordCrc() + " " + d.length() + " " + d.events());
                    assertThat(p.replay.applyRead(ahead, got, e)).isTrue();
                }
                p.end = ahead.eventsRead() + " " + ahead.recordsRead() + " " + ahead.bytesRead();
                p.copied = ahead.copiedRecords();
            }
            p.stop = reader.stopReason();
        }
        return p;
    }
}
