package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose queue file was cut (a power loss) is never mapped by Chronicle itself: Chronicle maps whole blocks
 * and would fault (SIGBUS) on the pages past the cut, which the JVM turns into a late InternalError after running on
 * with an undefined value. The reader reads a padded private copy instead, and still reports the cut.
 */
class CutJournalReadTest {
    @Test
    void a_cut_journal_is_read_through_a_padded_copy_and_the_cut_is_still_reported(@TempDir Path dir) throws Exception {
        long last;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE)) {
            JournalEvent e = new JournalEvent();
            for (int n = 0; n < 2_000; n++) {
                e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, n, n + 1, n);
                writer.append(e);
            }
            last = writer.lastIndex();
        }
        Path cq4;
        try (Stream<Path> s = Files.list(dir)) {
            cq4 = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        assertThat(JournalReader.paddedView(dir))
                .as("a whole journal is read in place")
                .isNull();
        long whole = Files.size(cq4);
        long dataEnd = dataEnd(cq4);
        long cut = dataEnd - 37; // inside the last records
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.setLength(cut);
        }

        long views = views();
        long read = 0;
        String stop;
        try (JournalReader reader = JournalReader.open(dir)) {
            assertThat(views())
                    .as("the padded copy exists while the reader is open")
                    .isEqualTo(views + 1);
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                read++;
            }
            stop = reader.stopReason();
        }
        assertThat(read).isPositive().isLessThan(2_000);
        assertThat(last).isNotEqualTo(JournalIndex.NONE);
        assertThat(stop).as("the reader still sees the cut").contains("truncated");
        assertThat(Files.size(cq4)).as("the cut file is not touched").isEqualTo(cut);
        assertThat(JournalReader.wholeLength(cut)).isEqualTo(whole);
        assertThat(views()).as("closing the reader deletes its padded copy").isEqualTo(views);
    }

    /** The padded copies in the temporary directory. */
    private static long views() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("framejournal-journal"))
                    .count();
        }
    }

    static long dataEnd(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end;
    }
}
