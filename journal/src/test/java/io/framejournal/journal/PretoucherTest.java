package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer with a {@link Pretoucher}: the background thread populates the queue file's pages ahead of the appends
 * while records are written, changes none of them, and is gone when the writer is closed.
 */
class PretoucherTest {
    /** About 20 MB of records: several of the queue's 4 MB chunks, so the thread follows the writer across them. */
    private static final int RECORDS = 300_000;

    @Test
    void populates_pages_ahead_and_every_record_reads_back_unchanged(@TempDir Path dir) {
        Pretoucher pretoucher;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE, true)) {
            pretoucher = writer.pretoucher();
            assertThat(pretoucher).isNotNull();
            JournalWriter.Lane lane = writer.lane();
            JournalEvent e = new JournalEvent();
            for (int n = 0; n < RECORDS; n++) {
                lane.append(e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, n & 1023, n, n + 1L, n));
            }
            assertThat(pretoucher.problem())
                    .as("madvise(MADV_POPULATE_WRITE) works on this machine (Linux 5.14+)")
                    .isNull();
            assertThat(pretoucher.bytesPopulated())
                    .as("bytes populated ahead of ~20 MB of appends")
                    .isGreaterThan(Chronicle.QUEUE_BLOCK_SIZE);
        }
        assertThat(pretoucher.isRunning()).as("stopped by the writer's close").isFalse();

        long n = 0;
        try (JournalReader reader = JournalReader.open(dir)) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                assertThat(e.seq).isEqualTo(n);
                assertThat(e.before).isEqualTo(n);
                assertThat(e.after).isEqualTo(n + 1);
                assertThat(e.slot).isEqualTo((int) (n & 1023));
                n++;
            }
            assertThat(reader.stopReason()).isNull();
        }
        assertThat(n).isEqualTo(RECORDS);
    }

    @Test
    void follows_a_writer_that_speeds_up_and_slows_down(@TempDir Path dir) throws InterruptedException {
        // the window ahead follows the append rate: a slow start, a burst, a pause, another burst
        Pretoucher pretoucher;
        long n = 0;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE, true)) {
            pretoucher = writer.pretoucher();
            JournalWriter.Lane lane = writer.lane();
            JournalEvent e = new JournalEvent();
            for (int burst = 0; burst < 4; burst++) {
                int records = burst % 2 == 0 ? 2_000 : 150_000;
                for (int i = 0; i < records; i++, n++) {
                    lane.append(e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, n, n + 1, n));
                    if (burst % 2 == 0 && i % 100 == 0) {
                        Thread.sleep(1);
                    }
                }
            }
            assertThat(pretoucher.problem()).isNull();
            assertThat(pretoucher.bytesPopulated()).isPositive();
        }
        try (JournalReader reader = JournalReader.open(dir)) {
            JournalEvent e = new JournalEvent();
            long read = 0;
            while (reader.next(e)) {
                assertThat(e.before).isEqualTo(read++);
            }
            assertThat(read).isEqualTo(n);
        }
    }

    @Test
    void a_writer_without_one_starts_no_thread(@TempDir Path dir) {
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE)) {
            writer.append(new JournalEvent().set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, 1, 2, 7));
            assertThat(writer.pretoucher()).isNull();
        }
    }

    @Test
    void an_idle_writer_keeps_its_thread_parked_and_closes_promptly(@TempDir Path dir) {
        Pretoucher pretoucher;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE, true)) {
            pretoucher = writer.pretoucher();
            assertThat(pretoucher.isRunning()).isTrue();
        }
        assertThat(pretoucher.isRunning()).isFalse();
        assertThat(pretoucher.bytesPopulated()).as("nothing was appended").isZero();
    }
}
