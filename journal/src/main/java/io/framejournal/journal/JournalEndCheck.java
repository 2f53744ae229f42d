package io.framejournal.journal;

import java.nio.file.Path;

/**
 * Checks, read-only, that a cleanly closed region's journal still ends where its status file says it ended: the
 * event at the checkpoint is the last readable one. A journal truncated or damaged at its tail fails here, before a
 * writer appends behind a record no reader could get past.
 */
public final class JournalEndCheck {
    private JournalEndCheck() {}

    /** Fails with a one-line {@link RegionException} unless the last readable event is at {@code checkpoint}. */
    public static void verifyEndsAt(Path journalDir, long checkpoint) {
        if (checkpoint < 0) {
            return;
        }
        try (JournalReader reader = JournalReader.open(journalDir)) {
            JournalEvent e = new JournalEvent();
            boolean found = reader.moveTo(checkpoint) && reader.next(e) && e.index == checkpoint;
            if (!found) {
                throw new RegionException(
                        "journal " + journalDir + " has no readable event at " + JournalIndex.format(checkpoint)
                                + ", where region.status says the last session ended"
                                + (reader.stopReason() == null ? "" : " (" + reader.stopReason() + ")")
                                + "; it was truncated or damaged: audit it, do not write to it");
            }
            long extra = 0;
            while (reader.next(e)) {
                if (e.index != checkpoint) {
                    extra++;
                }
            }
            if (extra > 0 || reader.stopReason() != null) {
                throw new RegionException(
                        "journal " + journalDir + " does not end at " + JournalIndex.format(checkpoint)
                                + ", where region.status says the last session ended ("
                                + (reader.stopReason() != null ? reader.stopReason() : extra + " event(s) follow it")
                                + "); audit it, do not write to it");
            }
        }
    }
}
