package io.framejournal.journal;

import java.nio.file.Path;

/**
 * Checks that a journal belongs to a region of the given geometry: its first event, the REGION_OPEN of its first
 * session, names the region's maxPaddr and page size. A journal copied from another region would otherwise replay
 * into the wrong slots (or none) without a word.
 */
public final class JournalGeometryCheck {
    private JournalGeometryCheck() {}

    /**
     * Fails with a one-line {@link RegionException} when the journal's first REGION_OPEN names another geometry than
     * {@code config}, or when its first event is not a REGION_OPEN. An empty journal passes.
     */
    public static void verify(Path journalDir, RegionConfig config) {
        try (JournalReader reader = JournalReader.open(journalDir)) {
            JournalEvent e = new JournalEvent();
            if (!reader.next(e)) {
                return;
            }
            if (e.kind != EventKind.REGION_OPEN && e.version == RecordFormat.VERSION && e.seq > 0) {
                return; // its early files were retired: replay starts from a checkpoint, which names its geometry
            }
            if (e.kind != EventKind.REGION_OPEN) {
                throw new RegionException(
                        "journal " + journalDir + " does not start with a REGION_OPEN event (it starts with " + e.kind
                                + " at " + JournalIndex.format(e.index) + "); it is not this region's journal");
            }
            requireSameGeometry(journalDir, config, e, "it is another region's journal");
        }
    }

    private static void requireSameGeometry(Path journalDir, RegionConfig config, JournalEvent open, String why) {
        if (open.before != config.maxPaddr() || open.after != config.pageSize()) {
            throw new RegionException("journal " + journalDir + " was written for a region with maxPaddr 0x"
                    + Long.toHexString(open.before) + " and page size " + open.after
                    + ", but region.conf says maxPaddr 0x"
                    + Long.toHexString(config.maxPaddr()) + " and page size " + config.pageSize() + "; " + why);
        }
    }

    /**
     * For read-only commands: fails only when the journal's first REGION_OPEN names another geometry than
     * {@code config} (a doubled maxPaddr in region.conf would otherwise be read as a region twice the size). A journal
     * that cannot be read at all is left to the command's own reading, which reports where it stopped. The first
     * record is found in the queue files themselves ({@link QueueFileIndex}, no Chronicle) when it can be with
     * certainty, else through Chronicle's tailer.
     */
    public static void verifyIfReadable(Path journalDir, RegionConfig config) {
        JournalEvent e = new JournalEvent();
        if (!firstEventWithoutChronicle(journalDir, config, e)) {
            try (JournalReader reader = JournalReader.open(journalDir)) {
                if (!reader.next(e)) {
                    return;
                }
            } catch (RegionException unreadable) {
                return;
            }
        }
        if (e.kind != EventKind.REGION_OPEN) {
            return;
        }
        requireSameGeometry(journalDir, config, e, "region.conf was changed or the journal is another region's");
    }

    /** The journal's first event, read and checked without Chronicle; false when that is not certain. */
    private static boolean firstEventWithoutChronicle(Path journalDir, RegionConfig config, JournalEvent into) {
        try (QueueFileIndex index = QueueFileIndex.open(journalDir, config.cycle())) {
            long first = index.firstIndex();
            return first != JournalIndex.NONE && index.moveTo(first) && index.next(into);
        }
    }
}
