package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue file Chronicle could not force to disk (its {@code msync} failed: {@code EIO}) under a sync mode. Chronicle
 * only logs it ("msync failed, …", from {@code MappedBytesStore}) and goes on; the writer went on appending and closed
 * as if every record were durable, and the region was marked clean (found 2026-11-27 by fault injection: {@code strace
 * -e inject=msync:error=EIO} on a writer with {@code SyncMode.SYNC}). The report is made here as Chronicle makes it,
 * through {@code Jvm.error()}.
 */
class SyncFailureTest {
    @TempDir
    Path tmp;

    @Test
    void a_failed_msync_refuses_every_later_append_and_the_close() throws Exception {
        Path journal = tmp.resolve("journal");
        JournalWriter writer = JournalWriter.open(journal, SyncMode.SYNC);
        JournalEvent e = new JournalEvent();
        for (int n = 0; n < 10; n++) {
            e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, n, n, n + 1, 1);
            writer.append(e);
        }
        chronicleReportsAFailedMsyncOf(queueFile(journal));
        assertThat(writer.syncFailure()).contains("Input/output error");

        e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 11, 11, 12, 1);
        assertThat(catchThrowable(() -> writer.append(e)))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("the journal could not be forced to disk")
                .hasMessageContaining("msync of " + queueFile(journal) + " failed: input/output error")
                .hasMessageContaining("left unclean");
        assertThat(catchThrowable(writer::close))
                .as("the close, which would otherwise let the region be marked clean")
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("the journal could not be forced to disk");
        try (JournalReader reader = JournalReader.open(journal)) {
            long read = 0;
            while (reader.next(e)) {
                read++;
            }
            assertThat(read).as("the records appended before it are all there").isEqualTo(10);
        }
    }

    @Test
    void a_writer_without_a_sync_mode_or_of_another_journal_is_not_concerned() throws Exception {
        Path other = tmp.resolve("other");
        try (JournalWriter unsynced = JournalWriter.open(tmp.resolve("unsynced"), SyncMode.NONE);
                JournalWriter synced = JournalWriter.open(other, SyncMode.SYNC)) {
            JournalEvent e = new JournalEvent();
            e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, 0, 1, 1);
            unsynced.append(e);
            synced.append(e);
            chronicleReportsAFailedMsyncOf(queueFile(tmp.resolve("unsynced")));
            assertThat(unsynced.syncFailure()).isNull();
            assertThat(synced.syncFailure()).isNull();
            synced.append(e);
        }
    }

    private static void chronicleReportsAFailedMsyncOf(Path file) {
        Jvm.error().on(MappedBytesStore.class, "msync failed, Input/output error, ret=-1 " + file + " 0 400000");
    }

    private static Path queueFile(Path journal) throws Exception {
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }
}
