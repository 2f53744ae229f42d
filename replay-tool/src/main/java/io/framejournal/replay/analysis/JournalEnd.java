package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;

/**
 * Tells a journal that ended early from one that was read to its end. {@link JournalReader} itself compares the last
 * readable event with the queue's own index; this adds the region's view: a clean region's status checkpoint (its
 * REGION_CLOSE or recovery index) says where the journal must end.
 */
public final class JournalEnd {
    private JournalEnd() {}

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
        if (region.clean()
                && region.status().checkpoint() != JournalIndex.NONE
                && Long.compareUnsigned(region.status().checkpoint() + 1, lastRead + 1) > 0) {
            return "the journal ends after " + JournalIndex.format(lastRead) + " but the region was closed at "
                    + JournalIndex.format(region.status().checkpoint()) + " (truncated or corrupt queue file)";
        }
        return null;
    }
}
