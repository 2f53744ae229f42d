package io.framejournal.replay.analysis;

import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares every checkpoint an audit's replay passes with the replay itself: a checkpoint that is unreadable, was taken
 * at a record the journal does not hold, or whose state or ledger disagrees with a replay of the journal across it is
 * a finding (it would make every later replay that starts there wrong).
 */
final class CheckpointCheck {
    private static final int SLOTS_SHOWN = 3;

    private final RegionInput region;
    private final List<CheckpointFile.Entry> ahead = new ArrayList<>();
    private int next;

    /**
     * @param region the region
     * @param after  the replay starts after this index ({@link JournalIndex#NONE}: at the journal's start)
     * @param at     the replay stops at this index ({@link JournalIndex#NONE}: at the end)
     */
    CheckpointCheck(RegionInput region, long after, long at) {
        this.region = region;
        for (CheckpointFile.Entry e : CheckpointFile.list(region.layout().checkpoints())) {
            boolean afterStart = Long.compareUnsigned(e.index() + 1, after + 1) > 0;
            boolean beforeEnd = at == JournalIndex.NONE || Long.compareUnsigned(e.index(), at) <= 0;
            if (afterStart && beforeEnd) {
                ahead.add(e);
            }
        }
    }

    /** Called between records: checks every checkpoint at or before the last record applied. */
    void passed(LedgerReplay replay, List<String> findings) {
        long last = replay.lastRecord();
        while (next < ahead.size()
                && last != JournalIndex.NONE
                && Long.compareUnsigned(ahead.get(next).index(), last) <= 0) {
            CheckpointFile.Entry e = ahead.get(next++);
            String problem = e.index() == last
                    ? compare(e, replay)
                    : "was taken at index " + JournalIndex.format(e.index()) + ", which the journal does not hold";
            if (problem != null) {
                findings.add("checkpoint " + e.file().getFileName() + " " + problem);
            }
        }
    }

    private String compare(CheckpointFile.Entry e, LedgerReplay replay) {
        CheckpointFile.Loaded loaded;
        try {
            loaded = CheckpointFile.read(e.file(), region.nrSlots());
        } catch (RegionException unusable) {
            return "is unusable (" + unusable.getMessage() + "); replays start from an older one";
        }
        CheckpointFile.Header h = loaded.header();
        if (h.seq() != replay.lastSeq() || h.recordCrc() != replay.lastCrc()) {
            return "was taken at another record than the journal's at " + JournalIndex.format(h.index())
                    + " (sequence number " + h.seq() + ", the journal's " + replay.lastSeq() + ")";
        }
        LedgerReplay saved = loaded.replay();
        SlotState a = new SlotState();
        SlotState b = new SlotState();
        int differ = 0;
        StringBuilder first = new StringBuilder();
        for (int slot = 0; slot < region.nrSlots(); slot++) {
            replay.state().load(slot, a);
            saved.state().load(slot, b);
            if (!a.sameAs(b, true)) {
                if (differ++ < SLOTS_SHOWN) {
                    first.append(first.length() == 0 ? "" : "; ")
                            .append("slot ")
                            .append(slot)
                            .append(": checkpoint\u2260journal: ")
                            .append(b.diff(a));
                }
            }
        }
        if (differ > 0) {
            return "disagrees with the journal's replay across it: " + differ + " slot(s) differ (" + first + ")";
        }
        if (saved.obligations().live() != replay.obligations().live()
                || saved.raw().live() != replay.raw().live()) {
            return "disagrees with the journal's replay across it: it holds "
                    + saved.obligations().live()
                    + " obligation(s) and " + saved.raw().live() + " raw reference(s) outstanding, the replay "
                    + replay.obligations().live() + " and " + replay.raw().live();
        }
        return null;
    }
}
