package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A journal on a disk that fills: the writer refuses a record it has no room for before writing any byte of it
 * ({@link JournalSpace}), and a reader never lets a page a full tmpfs cannot provide kill the JVM
 * ({@link ReadablePages}). The tmpfs tests need root to mount one (CI and the development machines run as root);
 * they are skipped otherwise.
 */
class FullDiskJournalTest {
    @TempDir
    Path tmp;

    @Test
    void the_queue_file_is_reserved_ahead_of_the_appends() throws Exception {
        try (JournalWriter writer = JournalWriter.open(tmp, SyncMode.NONE)) {
            appendUntilRefused(writer, 20_000, new long[1]);
            JournalSpace space = writer.space();
            assumeTrue(
                    space.unguardedBecause() == null,
                    () -> "no fallocate for this file system here: " + space.unguardedBecause());
            long end = dataEnd(queueFile(tmp));
            assertThat(space.reservations()).as("reservations made").isPositive();
            assertThat(space.reservedTo())
                    .as("reserved past the last record, with room for the next")
                    .isGreaterThanOrEqualTo(end + JournalSpace.SLACK - 8 - 128);
        }
    }

    /**
     * {@code fallocate} failing with an I/O error (or a file system gone read-only) refuses the record as a full disk
     * does. It used to turn the reservation off for the rest of the session, silently, and the writer went on
     * appending through the mapping to a file the disk had just refused (found 2026-11-27 by fault injection:
     * {@code strace -e inject=fallocate:error=EIO}).
     */
    @ParameterizedTest(name = "errno {0}")
    @CsvSource({"5, input/output error", "30, read-only file system"})
    void a_reservation_failing_with_an_io_error_refuses_the_record_and_the_journal_stays_whole(int errno, String reason)
            throws Exception {
        long appended;
        Throwable refused;
        try (JournalWriter writer = JournalWriter.open(tmp, SyncMode.NONE)) {
            long[] count = new long[1];
            appendUntilRefused(writer, 100, count);
            JournalSpace space = writer.space();
            assumeTrue(
                    space.unguardedBecause() == null && space.reservations() > 0,
                    () -> "no fallocate for this file system here: " + space.unguardedBecause());
            space.fallocateForTests((fd, offset, length) -> errno);
            long[] more = new long[1];
            refused = catchThrowable(() -> appendUntilRefused(writer, 200_000, more));
            appended = count[0] + more[0];
            assertThat(space.unguardedBecause()).as("the guard stays on").isNull();
        }
        assertThat(refused)
                .as("the append whose reservation failed")
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("cannot reserve the journal's disk space")
                .hasMessageContaining(reason)
                .hasMessageContaining("was not written");
        assertThat(appended)
                .as("records appended before the reservation failed")
                .isGreaterThan(100);

        long read = 0;
        try (JournalReader reader = JournalReader.open(tmp)) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                read++;
            }
            assertThat(reader.stopReason()).as("every record is whole").isNull();
        }
        assertThat(read).as("records read back").isEqualTo(appended);
    }

    @Test
    void a_full_tmpfs_refuses_a_record_before_writing_it_and_the_journal_stays_whole() throws Exception {
        Path fs = mountTmpfs("4m");
        try {
            long appended;
            Throwable refused;
            try (JournalWriter writer = JournalWriter.open(fs.resolve("journal"), SyncMode.NONE)) {
                long[] count = new long[1];
                refused = catchThrowable(() -> appendUntilRefused(writer, 10_000_000, count));
                appended = count[0];
            }
            assertThat(refused)
                    .as("the append that found no room")
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("no space left on the journal's disk")
                    .hasMessageContaining("it was not written");
            assertThat(appended).as("records appended before the disk filled").isGreaterThan(10_000);

            long read = 0;
            try (JournalReader reader = JournalReader.open(fs.resolve("journal"))) {
                JournalEvent e = new JournalEvent();
                while (reader.next(e)) {
                    assertThat(e.after).as("record %d", read).isEqualTo(read + 1);
                    read++;
                }
                assertThat(reader.stopReason()).as("every record is whole").isNull();
            }
            assertThat(read).as("records read back").isEqualTo(appended);
        } finally {
            umount(fs);
        }
    }

    @Test
    void a_writer_on_a_full_tmpfs_refuses_its_first_record_and_a_new_writer_is_refused_at_open() throws Exception {
        Path fs = mountTmpfs("4m");
        try {
            Path journal = Files.createDirectories(fs.resolve("journal"));
            Throwable refused;
            try (JournalWriter writer = JournalWriter.open(journal, SyncMode.NONE)) {
                fill(fs.resolve("filler"));
                refused = catchThrowable(() -> appendUntilRefused(writer, 1, new long[1]));
            }
            assertThat(refused)
                    .as("the first append, where a new queue file would be created")
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("no space left on the journal's disk")
                    .hasMessageContaining("it was not written");
            try (Stream<Path> s = Files.list(journal)) {
                assertThat(s.map(p -> p.getFileName().toString()))
                        .as("no queue file was started")
                        .noneMatch(n -> n.endsWith(".cq4"));
            }

            Path fresh = Files.createDirectories(fs.resolve("fresh"));
            assertThat(catchThrowable(
                            () -> JournalWriter.open(fresh, SyncMode.NONE).close()))
                    .as("a writer opened on the full disk")
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("no space left on the journal's disk");
            try (Stream<Path> s = Files.list(fresh)) {
                assertThat(s).as("nothing of Chronicle's was created").isEmpty();
            }
        } finally {
            umount(fs);
        }
    }

    @Test
    void a_record_on_a_page_a_full_tmpfs_cannot_provide_stops_the_reader_not_the_jvm() throws Exception {
        Path fs = mountTmpfs("8m");
        try {
            Path journal = fs.resolve("journal");
            try (JournalWriter writer = JournalWriter.open(journal, SyncMode.NONE)) {
                appendUntilRefused(writer, 20_000, new long[1]);
            }
            Path cq4 = queueFile(journal);
            long end = dataEnd(cq4);
            long hole = (end / 2) & -4096L;
            PosixAPI posix = NativePosix.API;
            assumeTrue(posix != null, "no POSIX binding here");
            int fd = posix.open(cq4.toString(), 2, 0);
            assertThat(fd).as("open %s", cq4).isNotNegative();
            try {
                // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE: the page a writer that found no room left behind
                assertThat(posix.fallocate(fd, 3, hole, 4096))
                        .as("punch a hole")
                        .isZero();
            } finally {
                posix.close(fd);
            }
            fill(fs.resolve("filler"));

            long read = 0;
            String stop;
            try (JournalReader reader = JournalReader.open(journal)) {
                JournalEvent e = new JournalEvent();
                while (reader.next(e)) {
                    read++;
                }
                stop = reader.stopReason();
            }
            assertThat(stop)
                    .as("why reading stopped")
                    .contains("cannot be read: its file system has no room to provide it")
                    .contains(cq4.getFileName().toString());
            assertThat(read).as("events before the hole").isPositive().isLessThan(20_000);
        } finally {
            umount(fs);
        }
    }

    /** Appends one-entry records (after = 1, 2, ...) until {@code max}, counting them in {@code done[0]}. */
    private static void appendUntilRefused(JournalWriter writer, long max, long[] done) {
        JournalEvent e = new JournalEvent();
        for (long n = 0; n < max; n++) {
            e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, (int) (n % 1024), n, n + 1, 1);
            writer.append(e);
            done[0] = n + 1;
        }
    }

    private static Path queueFile(Path journal) throws IOException {
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Where the last written document of a queue file ends (its first all-zero header). */
    private static long dataEnd(Path cq4) throws IOException {
        return CutJournalReadTest.dataEnd(cq4);
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (; ; ) {
                out.write(block);
            }
        } catch (IOException full) {
            // no space left: the tmpfs is full
        }
    }

    private Path mountTmpfs(String size) throws Exception {
        Path fs = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", fs.toString()),
                "cannot mount a tmpfs here (needs root): full-disk test skipped");
        return fs;
    }

    private static void umount(Path fs) throws Exception {
        run("umount", "-l", fs.toString());
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
