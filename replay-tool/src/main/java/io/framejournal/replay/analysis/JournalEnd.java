package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;

/**
 * Tells a journal that ended early from one that was read to its end. Chronicle Queue treats a truncated or zeroed
 * tail as "no more documents", so a reader alone cannot see it; the queue's own last index and the region's status
 * checkpoint (the REGION_CLOSE or recovery index of a clean region) both say where the journal should end.
 */
public final class JournalEnd {
    private JournalEnd() {
    }

    /**
     * @param reader   the reader, after its last {@code next}
     * @param region   the region
     * @param lastRead index of the last event read ({@link JournalIndex#NONE} for none)
     * @param stopped  whether the caller stopped on purpose before the end (e.g. {@code --at})
     * @return why reading stopped early (the reader's own reason first), or {@code null} when it reached the end
     */
    public static String problem(JournalReader reader, RegionInput region, long lastRead, boolean stopped) {
        if (reader.stopReason() != null) {
            return reader.stopReason();
        }
        if (stopped) {
            return null;
        }
        long last;
        try {
            last = reader.lastIndex();
        } catch (RuntimeException | InternalError e) {
            // Chronicle maps queue files in blocks; an index pointing past a truncated file faults (SIGBUS)
            return "the journal ends after " + JournalIndex.format(lastRead) + " and its queue index points past the end"
                    + " of the queue file (truncated queue file; the last event read may itself be damaged)";
        }
        if (last != JournalIndex.NONE && Long.compareUnsigned(last + 1, lastRead + 1) > 0) {
            return "the journal ends after " + JournalIndex.format(lastRead) + " but its queue index names events up to "
                    + JournalIndex.format(last) + " (truncated or corrupt queue file; the last event read may itself be damaged)";
        }
        if (region.clean() && region.status().checkpoint() != JournalIndex.NONE
                && Long.compareUnsigned(region.status().checkpoint() + 1, lastRead + 1) > 0) {
            return "the journal ends after " + JournalIndex.format(lastRead) + " but the region was closed at "
                    + JournalIndex.format(region.status().checkpoint()) + " (truncated or corrupt queue file)";
        }
        return null;
    }
}
