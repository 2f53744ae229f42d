package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
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
    void follows_bursts_of_appends_across_chunks(@TempDir Path dir) {
        // small and large bursts: the window ahead is re-measured at each, and the thread follows chunk changes
        Pretoucher pretoucher;
        long n = 0;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE, true)) {
            pretoucher = writer.pretoucher();
            JournalWriter.Lane lane = writer.lane();
            JournalEvent e = new JournalEvent();
            for (int burst = 0; burst < 6; burst++) {
                int records = burst % 2 == 0 ? 2_000 : 150_000;
                for (int i = 0; i < records; i++, n++) {
                    lane.append(e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, n, n + 1, n));
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
    void the_window_ahead_follows_the_append_rate_in_whole_pages() {
        // madvise takes page-aligned ranges only: an unaligned window made every later call fail with EINVAL
        for (long moved = 0; moved < Pretoucher.AHEAD_BYTES; moved += 4_093) {
            for (long nanos = 1; nanos < 2_000_000_000L; nanos = nanos * 3 + 7) {
                long ahead = Pretoucher.aheadFor(moved, nanos);
                assertThat(ahead % Pretoucher.PAGE)
                        .as("aheadFor(%d, %d)", moved, nanos)
                        .isZero();
                assertThat(ahead).isBetween(Pretoucher.MIN_AHEAD_BYTES, Pretoucher.AHEAD_BYTES);
            }
        }
        assertThat(Pretoucher.aheadFor(100, 1_000_000))
                .as("100 KB/s: the least")
                .isEqualTo(Pretoucher.MIN_AHEAD_BYTES);
        assertThat(Pretoucher.aheadFor(100_000, 1_000_000))
                .as("100 MB/s: 5 ms of it, in whole pages")
                .isEqualTo(500_000 & -Pretoucher.PAGE);
        assertThat(Pretoucher.aheadFor(47_000, 100_000))
                .as("470 MB/s: the most")
                .isEqualTo(Pretoucher.AHEAD_BYTES);
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
            // nothing published: the thread backs off to 10 ms parks (~25 wakeups in the first 200 ms), not 100 µs ones
            await().during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> pretoucher.wakeups() < 100);
        }
        assertThat(pretoucher.isRunning()).isFalse();
        assertThat(pretoucher.bytesPopulated()).as("nothing was appended").isZero();
    }
}
