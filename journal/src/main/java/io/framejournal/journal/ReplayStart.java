package io.framejournal.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a replay starts: the newest usable checkpoint at or before a point, with a reader positioned just past its
 * record, or the journal's start. A checkpoint that is missing, cut, damaged, of another region or whose record the
 * journal no longer holds is skipped with a warning and the next older one tried; never is a wrong state used.
 *
 * <p>Close it to close its reader.
 */
public final class ReplayStart implements AutoCloseable {
    private final LedgerReplay replay;
    private final JournalReader reader;
    private final CheckpointFile.Header checkpoint;
    private final List<String> warnings;

    private ReplayStart(
            LedgerReplay replay, JournalReader reader, CheckpointFile.Header checkpoint, List<String> warnings) {
        this.replay = replay;
        this.reader = reader;
        this.checkpoint = checkpoint;
        this.warnings = warnings;
    }

    /**
     * @param journal        the journal directory
     * @param checkpoints    the checkpoints directory (may not exist)
     * @param nrSlots        frames of the region
     * @param at             use only checkpoints at or before this index; {@link JournalIndex#NONE} for any
     * @param useCheckpoints false to start at the journal's start whatever checkpoints exist
     */
    public static ReplayStart open(Path journal, Path checkpoints, int nrSlots, long at, boolean useCheckpoints) {
        List<String> warnings = new ArrayList<>();
        if (useCheckpoints) {
            List<CheckpointFile.Entry> all = CheckpointFile.list(checkpoints);
            for (int i = all.size() - 1; i >= 0; i--) {
                CheckpointFile.Entry entry = all.get(i);
                if (at != JournalIndex.NONE && Long.compareUnsigned(entry.index(), at) > 0) {
                    continue;
                }
                ReplayStart start = tryCheckpoint(journal, entry, nrSlots, warnings);
                if (start != null) {
                    return start;
                }
            }
        }
        JournalReader reader = JournalReader.open(journal);
        return new ReplayStart(new LedgerReplay(nrSlots), reader, null, warnings);
    }

    /**
     * Like {@link #open} with checkpoints, but the OLDEST usable checkpoint at or before {@code at}: for an audit that
     * must cover as much of the journal as is left.
     */
    public static ReplayStart openOldest(Path journal, Path checkpoints, int nrSlots, long at) {
        List<String> warnings = new ArrayList<>();
        for (CheckpointFile.Entry entry : CheckpointFile.list(checkpoints)) {
            if (at != JournalIndex.NONE && Long.compareUnsigned(entry.index(), at) > 0) {
                break;
            }
            ReplayStart start = tryCheckpoint(journal, entry, nrSlots, warnings);
            if (start != null) {
                return start;
            }
        }
        return new ReplayStart(new LedgerReplay(nrSlots), JournalReader.open(journal), null, warnings);
    }

    /**
     * Whether the journal no longer begins with its first record ever (sequence number 0): its early files were
     * retired. A format-1 journal or an empty one is never retired.
     */
    public static boolean journalStartRetired(Path journal) {
        try (JournalReader reader = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            return reader.next(e) && e.version == RecordFormat.VERSION && e.seq > 0;
        }
    }

    private static ReplayStart tryCheckpoint(
            Path journal, CheckpointFile.Entry entry, int nrSlots, List<String> warnings) {
        CheckpointFile.Loaded loaded;
        try {
            loaded = CheckpointFile.read(entry.file(), nrSlots);
        } catch (RegionException unusable) {
            warnings.add(unusable.getMessage() + "; an older checkpoint (or the journal's start) was used instead");
            return null;
        }
        CheckpointFile.Header h = loaded.header();
        if (h.index() != entry.index()) {
            warnings.add("checkpoint " + entry.file().getFileName() + " holds index " + JournalIndex.format(h.index())
                    + ", not the one in its name; an older checkpoint (or the journal's start) was used instead");
            return null;
        }
        JournalReader reader = JournalReader.open(journal);
        String problem = reader.resumeAfter(h.index(), h.seq(), h.recordCrc());
        if (problem != null) {
            reader.close();
            warnings.add("checkpoint " + entry.file().getFileName() + " cannot be used: " + problem
                    + "; an older checkpoint (or the journal's start) was used instead");
            return null;
        }
        return new ReplayStart(loaded.replay(), reader, h, warnings);
    }

    /** The replay to advance: the checkpoint's, or an empty one at the journal's start. */
    public LedgerReplay replay() {
        return replay;
    }

    /** The reader, positioned at the first record the replay has not seen. */
    public JournalReader reader() {
        return reader;
    }

    /** The checkpoint the replay started from, or {@code null} for the journal's start. */
    public CheckpointFile.Header checkpoint() {
        return checkpoint;
    }

    public boolean fromCheckpoint() {
        return checkpoint != null;
    }

    /** Checkpoints that could not be used, one line each. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Whether the replay holds everything from the journal's first record: after a start from the journal, the first
     * record read must be the journal's first ever (sequence number 0); a journal whose early files were retired can
     * only be replayed from a checkpoint.
     *
     * @param firstSeq the sequence number of the first record read, or -1 for a format-1 record or none
     * @return {@code null}, or why the replay misses the journal's beginning
     */
    public String missingStart(long firstSeq) {
        if (checkpoint != null || firstSeq <= 0) {
            return null;
        }
        return "the journal starts at record " + firstSeq + " (its earlier files were retired or lost) and no usable"
                + " checkpoint covers them: the state replayed misses everything before it";
    }

    @Override
    public void close() {
        reader.close();
    }
}
