package io.framejournal.tests.support;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionLayout;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The queue file of a region's journal, and where its written data ends: for tests that damage journals. */
public final class QueueFiles {
    private QueueFiles() {}

    /** The region's (first) {@code .cq4} queue file. */
    public static Path of(Path regionDir) throws IOException {
        try (Stream<Path> files = Files.list(new RegionLayout(regionDir).journal())) {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Offset past the last non-zero byte of a queue file: where its written data ends. */
    public static long dataEnd(Path cq4) throws IOException {
        byte[] b = Files.readAllBytes(cq4);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /**
     * Where the n-th record (0-based) of a region's journal is.
     *
     * @param index  its journal index
     * @param header file offset of its 4-byte Chronicle header in the region's queue file
     */
    public record RecordAt(long index, long header) {}

    /** Finds the n-th record (0-based) of the region's journal by reading it, then its header in the queue file. */
    public static RecordAt recordNumber(Path regionDir, int n) {
        long target = -1;
        try (JournalReader reader = JournalReader.open(new RegionLayout(regionDir).journal())) {
            JournalEvent e = new JournalEvent();
            long last = -1;
            int seen = -1;
            while (reader.next(e)) {
                if (e.index != last) {
                    last = e.index;
                    if (++seen == n) {
                        target = e.index;
                        break;
                    }
                }
            }
        }
        if (target < 0) {
            throw new IllegalArgumentException(regionDir + " has no record number " + n);
        }
        try (var queue = Chronicle.readOnlyQueue(new RegionLayout(regionDir).journal());
                var tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(target)) {
                throw new IllegalStateException("cannot move to " + target);
            }
            try (var dc = tailer.readingDocument()) {
                // mapped bytes: positions are file offsets
                return new RecordAt(target, dc.wire().bytes().readPosition() - 4);
            }
        }
    }

    /**
     * Flips one byte inside the n-th record (0-based) of the region's journal, past Chronicle's 4-byte header: the
     * record then fails its CRC-32C, and every reader stops there.
     *
     * @return the damaged record's index
     */
    public static long damageRecordNumber(Path regionDir, int n) throws IOException {
        RecordAt at = recordNumber(regionDir, n);
        try (RandomAccessFile f = new RandomAccessFile(of(regionDir).toFile(), "rw")) {
            f.seek(at.header() + 4 + 20);
            int b = f.read();
            f.seek(at.header() + 4 + 20);
            f.write(b ^ 0x5a);
        }
        return at.index();
    }
}
