package io.framejournal.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import java.nio.file.Path;

/**
 * {@link JournalReader}'s mapped fast path against the same reader through Chronicle's tailer only
 * ({@link JournalReader#openThroughTailer}): on any journal, damaged or not, both must give the same events with the
 * same indices, the same counts and the same stop reason.
 */
public final class ReaderComparison {
    private ReaderComparison() {}

    /** @return the events read (the same through both readers) */
    public static long assertSameAsTailer(Path journalDir) {
        JournalReader fast;
        try {
            fast = JournalReader.open(journalDir);
        } catch (RegionException e) {
            assertThat(opensThroughTailer(journalDir))
                    .as("the tailer-only reader opens %s", journalDir)
                    .isFalse();
            return 0;
        }
        try (JournalReader f = fast;
                JournalReader reference = JournalReader.openThroughTailer(journalDir)) {
            JournalEvent a = new JournalEvent();
            JournalEvent b = new JournalEvent();
            long n = 0;
            while (true) {
                boolean hasA = f.next(a);
                boolean hasB = reference.next(b);
                assertThat(hasA)
                        .as("fast path has event %d where the tailer has %s", n, hasB)
                        .isEqualTo(hasB);
                if (!hasA) {
                    break;
                }
                assertThat(describe(a)).as("event %d", n).isEqualTo(describe(b));
                n++;
            }
            assertThat(f.stopReason()).as("stop reason after %d events", n).isEqualTo(reference.stopReason());
            assertThat(f.lastGoodIndex()).isEqualTo(reference.lastGoodIndex());
            assertThat(f.recordsRead()).isEqualTo(reference.recordsRead());
            assertThat(f.bytesRead()).isEqualTo(reference.bytesRead());
            assertThat(f.eventsRead()).isEqualTo(reference.eventsRead());
            return n;
        }
    }

    private static boolean opensThroughTailer(Path journalDir) {
        try (JournalReader r = JournalReader.openThroughTailer(journalDir)) {
            return r != null;
        } catch (RegionException e) {
            return false;
        }
    }

    private static String describe(JournalEvent e) {
        return e.index + " v" + e.version + " seq=" + e.seq + " site=" + e.site + " prev=" + e.prevIndex + " group="
                + e.groupStart + " " + e.kind + " op=" + e.op + " flags=" + e.flags + " slot=" + e.slot + " thread="
                + e.thread + " meta=" + e.metaType + " " + e.before + "->" + e.after + " handle=" + e.handle + " t="
                + e.timestamp;
    }
}
