package io.framejournal.replay.analysis;

import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.OpCode;
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

    /**
     * Called once a clean region's journal was read to its end: a checkpoint named for a record past its last one
     * was not taken of this journal (every reader that would start from it skips it with a warning; the audit, which
     * starts from the journal's start, would otherwise say nothing of it).
     */
    void pastTheEnd(LedgerReplay replay, List<String> findings) {
        while (next < ahead.size()) {
            CheckpointFile.Entry e = ahead.get(next++);
            findings.add("checkpoint " + e.file().getFileName() + " was taken at index "
                    + JournalIndex.format(e.index()) + ", past the journal's end ("
                    + JournalIndex.format(replay.lastRecord()) + ")");
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
            if (!a.sameAs(b, true)
                    || replay.lastOp(slot) != saved.lastOp(slot)
                    || replay.lastHandle(slot) != saved.lastHandle(slot)) {
                if (differ++ < SLOTS_SHOWN) {
                    first.append(first.length() == 0 ? "" : "; ")
                            .append("slot ")
                            .append(slot)
                            .append(": checkpoint\u2260journal: ")
                            .append(a.sameAs(b, true) ? lastCallDiff(slot, saved, replay) : b.diff(a));
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
        int counter = differingCounter(saved, replay);
        if (counter >= 0) {
            return "disagrees with the journal's replay across it: its count of " + counterName(counter) + " is "
                    + saved.counter(counter) + ", the replay's " + replay.counter(counter)
                    + " (stats and state --at starting there would report it)";
        }
        return null;
    }

    /** A slot whose state agrees but whose last call (op and handle, which the ledger attributes by) does not. */
    private static String lastCallDiff(int slot, LedgerReplay saved, LedgerReplay replay) {
        return "last op " + saved.lastOp(slot) + " handle " + saved.lastHandle(slot) + " vs " + replay.lastOp(slot)
                + " handle " + replay.lastHandle(slot);
    }

    /**
     * The first counter a checkpoint holds another value of than the replay across it, or -1. A replay that starts
     * there takes its counters as they are (stats' events, kinds, ops, sessions and findings), so a checkpoint whose
     * counts lie would be believed by every later reader. The record bytes are left out: the audit adds them once, at
     * its pass's end.
     */
    private static int differingCounter(LedgerReplay saved, LedgerReplay replay) {
        for (int id = 0; id < LedgerReplay.Counter.SIZE; id++) {
            if (id != LedgerReplay.Counter.RECORD_BYTES && saved.counter(id) != replay.counter(id)) {
                return id;
            }
        }
        return -1;
    }

    private static String counterName(int id) {
        if (id >= LedgerReplay.Counter.BY_OP) {
            OpCode op = OpCode.ofCode(id - LedgerReplay.Counter.BY_OP);
            return "events of op " + (op == null ? "code " + (id - LedgerReplay.Counter.BY_OP) : op.name());
        }
        if (id >= LedgerReplay.Counter.BY_KIND) {
            EventKind k = EventKind.ofCode(id - LedgerReplay.Counter.BY_KIND);
            return "events of kind " + (k == null ? "code " + (id - LedgerReplay.Counter.BY_KIND) : k.name());
        }
        return switch (id) {
            case LedgerReplay.Counter.EVENTS -> "events";
            case LedgerReplay.Counter.RECORDS -> "records";
            case LedgerReplay.Counter.FIRST_INDEX -> "the first index";
            case LedgerReplay.Counter.FIRST_TIME -> "the first time";
            case LedgerReplay.Counter.LAST_TIME -> "the last time";
            case LedgerReplay.Counter.RECOVERIES -> "recoveries";
            case LedgerReplay.Counter.LEAKED_HANDLES -> "leaked handles";
            case LedgerReplay.Counter.INVARIANT_FINDINGS -> "invariant findings";
            case LedgerReplay.Counter.TRANSITION_FINDINGS -> "transition findings";
            default -> "counter " + id;
        };
    }
}
