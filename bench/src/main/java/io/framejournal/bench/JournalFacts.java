package io.framejournal.bench;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/** What a journal on disk holds: events counted by reading it, and the bytes it takes. */
final class JournalFacts {
    private JournalFacts() {}

    /** Events in a journal: {@code [all, slot-changing]}. A journal that does not read to its end is an error. */
    static long[] countEvents(Path journal) {
        long all = 0;
        long slot = 0;
        try (JournalReader reader = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                all++;
                if (e.kind.changesSlot()) {
                    slot++;
                }
            }
            if (reader.stopReason() != null) {
                throw new IllegalStateException("journal " + journal + " stopped: " + reader.stopReason());
            }
        }
        return new long[] {all, slot};
    }

    /** Bytes of a journal's records, each with Chronicle's 4-byte document header. */
    static long recordBytes(Path journal) {
        try (JournalReader reader = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                // read to the end
            }
            return reader.bytesRead();
        }
    }

    /**
     * Bytes the queue has written: for each cycle file, the file offset where its last document ends (headers,
     * index pages and records included; the unwritten, sparse rest of the file's last block excluded).
     */
    static long writtenBytes(Path journal) {
        long total = 0;
        int cycle = Integer.MIN_VALUE;
        long end = 0;
        try (SingleChronicleQueue queue = Chronicle.readOnlyQueue(journal);
                ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument(true)) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    if (tailer.cycle() != cycle) {
                        total += end;
                        cycle = tailer.cycle();
                    }
                    end = dc.wire().bytes().readLimit();
                }
            }
        }
        return total + end;
    }

    /** Disk blocks allocated to a directory, as {@code du -s -B1} reports them (sparse holes not counted). */
    static long allocatedBytes(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("du -s -B1 " + dir + " failed: " + out);
        }
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
