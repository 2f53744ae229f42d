package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.ReadAhead;

/**
 * The one loop that feeds a journal's records to a {@link LedgerReplay} for the read-only commands ({@code audit},
 * {@code stats}, {@code report}, {@code export}, {@code diff}, {@code state --at}): each format-2 record judged and applied whole, in place ({@link
 * LedgerReplay#applyRead}), a format-1 event alone; progress ticked; reading stopped past a bound or where a record
 * turns out unreadable while it is applied. A pass to the journal's end reads ahead on a second thread ({@link
 * ReadAhead}); a bounded one reads inline, so that the reader stops right after the bound, as before.
 */
final class LedgerPass {
    private LedgerPass() {}

    /** Told before each record is applied. */
    @FunctionalInterface
    interface BeforeRecord {
        /** @param index the journal index of the record about to be applied */
        void before(long index);

        BeforeRecord NONE = index -> {};
    }

    /**
     * What a pass read.
     *
     * @param read      events read (those past where the reader started)
     * @param stoppedAt whether it stopped at the first record past the bound
     * @param bytes     bytes of the records read, each with Chronicle's 4-byte document header
     */
    record Outcome(long read, boolean stoppedAt, long bytes) {}

    /**
     * Reads {@code reader} from where it stands into {@code replay}, up to and including {@code at} ({@link
     * JournalIndex#NONE}: to the end). Afterwards the reader is the caller's again: its {@link
     * JournalReader#stopReason()} says why reading stopped early, if it did.
     */
    static Outcome run(JournalReader reader, LedgerReplay replay, long at, Progress progress, BeforeRecord before) {
        JournalEvent e = new JournalEvent();
        long bytes0 = reader.bytesRead();
        long seen = reader.eventsRead();
        long read = 0;
        boolean stoppedAt = false;
        boolean bounded = at != JournalIndex.NONE;
        try (ReadAhead ahead = ReadAhead.of(reader, !bounded)) {
            for (int got; (got = ahead.next(e)) != JournalReader.NOTHING; ) {
                long index = ahead.index();
                if (bounded && Long.compareUnsigned(index, at) > 0) {
                    stoppedAt = true;
                    break;
                }
                before.before(index);
                long was = read;
                read += ahead.eventsRead() - seen;
                seen = ahead.eventsRead();
                if (((was ^ read) & ~Progress.TICK_MASK) != 0) {
                    progress.update(read, ahead.recordsRead());
                }
                if (!replay.applyRead(ahead, got, e)) {
                    break;
                }
            }
            return new Outcome(read, stoppedAt, ahead.bytesRead() - bytes0);
        }
    }
}
