package io.framejournal.tests.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionLayout;
import io.framejournal.tests.support.ReaderComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalReader} reads documents straight from a read-only mapping of the queue file once the tailer has found
 * the first; these cases check it gives exactly what the tailer alone gives (the crash and hostile suites compare the
 * two on their killed and damaged journals too).
 */
class ReaderFastPathTest {
    @TempDir
    Path tmp;

    private static Path root() {
        return Path.of(System.getProperty("framejournal.root")).toAbsolutePath().normalize();
    }

    @Test
    void theSamplesOfBothFormatsReadTheSame() {
        assertThat(ReaderComparison.assertSameAsTailer(new RegionLayout(root().resolve("data/sample")).journal()))
                .isPositive();
        assertThat(ReaderComparison.assertSameAsTailer(new RegionLayout(root().resolve("data/v1-sample")).journal()))
                .isPositive();
    }

    /** A journal that rolled to the next day's file half way: the fast path hands over at the end-of-file marker. */
    @Test
    void aJournalOverTwoCyclesReadsTheSame() throws Exception {
        Path sample = new RegionLayout(root().resolve("data/sample")).journal();
        List<byte[]> records = new ArrayList<>();
        try (JournalReader r = JournalReader.open(sample)) {
            JournalEvent e = new JournalEvent();
            long lastIndex = Long.MIN_VALUE;
            while (r.next(e)) {
                if (e.index != lastIndex) {
                    records.add(Arrays.copyOf(r.recordBytes(), r.recordLength()));
                    lastIndex = e.index;
                }
            }
            assertThat(r.stopReason()).isNull();
        }
        Path journal = tmp.resolve("two-cycles");
        SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toMillis(20_000) * 1_000_000L);
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(journal)
                        .rollCycle(RollCycles.FAST_DAILY)
                        .blockSize(Chronicle.QUEUE_BLOCK_SIZE)
                        .timeProvider(clock)
                        .build();
                ExcerptAppender appender = q.createAppender()) {
            for (int i = 0; i < records.size(); i++) {
                if (i == records.size() / 2) {
                    clock.advanceMillis(TimeUnit.DAYS.toMillis(1));
                }
                byte[] rec = records.get(i);
                appender.writeBytes(b -> b.write(rec));
            }
        }
        try (var files = Files.list(journal)) {
            assertThat(files.filter(p -> p.toString().endsWith(".cq4"))).hasSize(2);
        }
        long events = ReaderComparison.assertSameAsTailer(journal);
        assertThat(events).isPositive();
        try (JournalReader r = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            long n = 0;
            while (r.next(e)) {
                n++;
            }
            assertThat(r.stopReason()).isNull();
            assertThat(r.recordsRead()).isEqualTo(records.size());
            assertThat(n).isEqualTo(events);
        }
    }
}
