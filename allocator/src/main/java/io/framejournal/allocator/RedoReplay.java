package io.framejournal.allocator;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Verdict;
import java.nio.file.Path;

/**
 * Recovery's replay from the redo point: the journal after it, onto the slot table as the table stands, read-only.
 *
 * <p>The redo point says every record before it is in the table, forced to disk. So a slot is taken from the table the
 * first time a record after the point touches it, under the rule a page LSN gives a database's redo:
 * <ul>
 *   <li>the table's {@code lastIndex} for the slot is at or past the record: the record is already in the table
 *       (stored after the point, before the crash), and so is every record of the slot up to {@code lastIndex};</li>
 *   <li>otherwise the record must follow exactly the table's state: its entry names the slot's previous record
 *       ({@code prevIndex}), which must be the table's {@code lastIndex}. The slot's table state is loaded and the
 *       record, and every later one, applied through the one transition, each of them checked (a verdict other than
 *       OK means the table is not the state the journal continues from, unless the slot is still locked and this is
 *       its last record: the dead writer's call caught mid-store, see {@link #midStore}).</li>
 * </ul>
 * At the end every slot is checked once more: one the suffix skipped must hold exactly the last record of it that the
 * journal has; one the suffix never touched must name no record past the point. Anything else (a chain that does not
 * continue, a transition that does not check, a table ahead of the journal, a journal that does not read to its end)
 * is a reason, {@link #fallback}, to recover the full way instead: from the newest checkpoint, every slot compared.
 * Nothing is written here, so falling back costs only the time spent.
 */
final class RedoReplay {
    private static final byte UNTOUCHED = 0;
    private static final byte SKIPPED = 1;
    private static final byte LIVE = 2;

    /** The replayed state of every {@link #isLive live} slot; other slots are not in it. */
    final ReplayState state;

    private final byte[] mode;
    private final long[] skippedTo;
    /** The record at which a live slot was taken from the table. */
    private final long[] takenAt;
    /** Live slots whose first record did not check against the table: caught mid-store ({@link #midStore}). */
    private final boolean[] midStore;
    /**
     * Slots the table held past the point whose next record found some of its fields changed, the slot locked: the
     * journal's state of each at the record the table names. Rare (at most the dead writer's calls in flight).
     */
    private final java.util.Map<Integer, SlotState> beforeMidStore = new java.util.HashMap<>();

    long records;
    long events;
    long first = JournalIndex.NONE;
    long lastGood = JournalIndex.NONE;
    /** Why the redo point cannot be used, or {@code null}. */
    String fallback;

    private RedoReplay(int nrSlots) {
        state = new ReplayState(nrSlots);
        mode = new byte[nrSlots];
        skippedTo = new long[nrSlots];
        takenAt = new long[nrSlots];
        midStore = new boolean[nrSlots];
    }

    /** Whether the replay took {@code slot} from the table and replayed records onto it. */
    boolean isLive(int slot) {
        return mode[slot] == LIVE;
    }

    static RedoReplay run(Path journal, Path slots, int nrSlots, RedoPoint point) {
        RedoReplay r = new RedoReplay(nrSlots);
        try (MappedSlotTable table = MappedSlotTable.open(slots, nrSlots);
                JournalReader reader = JournalReader.open(journal)) {
            String why = point.inclusive()
                    ? reader.resumeAt(point.anchor(), point.seq(), point.crc())
                    : reader.resumeAfter(point.anchor(), point.seq(), point.crc());
            if (why != null) {
                r.fallback = "the redo point " + point + " cannot be used: " + why;
                return r;
            }
            r.replay(reader, table);
            if (r.fallback == null) {
                r.checkEverySlot(table, point);
            }
        } catch (RegionException e) {
            r.fallback = "the redo point " + point + " cannot be used: " + e.getMessage();
        } catch (InternalError fault) {
            // a read of a truncated, memory-mapped table faults: the full way checks the table and says what is wrong
            r.fallback = "the redo point " + point + " cannot be used: the slot table faulted when read";
        }
        return r;
    }

    private void replay(JournalReader reader, MappedSlotTable table) {
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        int nrSlots = mode.length;
        while (reader.next(e)) {
            if (first == JournalIndex.NONE) {
                first = e.index;
            }
            events++;
            if (!e.kind.changesSlot()) {
                continue;
            }
            int slot = e.slot;
            if (slot < 0 || slot >= nrSlots) {
                fallback = "record " + JournalIndex.format(e.index) + " names slot " + slot + ", outside the region";
                return;
            }
            if (e.groupStart && !startGroup(e, slot, table, scratch)) {
                return;
            }
            if (mode[slot] == LIVE) {
                Verdict v = state.apply(e); // the entry's after-values are written whatever the verdict
                if (v != Verdict.OK && !midStore(e, slot, table)) {
                    fallback = "record " + JournalIndex.format(e.index) + " does not apply to slot " + slot
                            + " as the table holds it (" + v + ")";
                    return;
                }
            } else {
                state.apply(e); // onto the table's own state: checked against the table at the end (wroteWhatItSays)
                skippedTo[slot] = e.index;
            }
        }
        records = reader.recordsRead();
        lastGood = reader.lastGoodIndex();
        String problem = reader.stopReason() != null ? reader.stopReason() : reader.unreadableTail();
        if (problem != null) {
            fallback = "the journal does not read to its end after the redo point (" + problem + ")";
        }
    }

    /** The first entry of a record's group for {@code slot}: decides whether the table already holds the record. */
    private boolean startGroup(JournalEvent e, int slot, MappedSlotTable table, SlotState scratch) {
        if (mode[slot] == LIVE) {
            long at = state.lastIndex(slot);
            // a second group of the same record (a call that rolled a slot back) chains from the same previous record
            if (e.prevIndex != at && at != e.index) {
                fallback = "slot " + slot + ": record " + JournalIndex.format(e.index) + " follows "
                        + JournalIndex.format(e.prevIndex) + ", but the slot's last record is "
                        + JournalIndex.format(at);
                return false;
            }
            return true;
        }
        long t = table.lastIndex(slot);
        if (t != JournalIndex.NONE && Long.compareUnsigned(t, e.index) >= 0) {
            if (mode[slot] == UNTOUCHED) {
                table.load(slot, scratch); // what the skipped records are replayed onto, to check they are there
                state.store(slot, scratch);
                mode[slot] = SKIPPED; // the table already holds this record (and its predecessors)
            }
            return true;
        }
        boolean overSkipped = false;
        if (mode[slot] == SKIPPED && !wroteWhatItSays(slot, table, scratch)) {
            if (!table.locked(slot)) {
                return false;
            }
            // Maybe the dead writer's last call caught mid-store over a slot the table held past the point: its new
            // fields over the skipped records' (checked field by field at the end, checkEverySlot).
            fallback = null;
            overSkipped = true;
        }
        if (e.prevIndex != t) {
            fallback = "slot " + slot + ": the table holds record " + JournalIndex.format(t)
                    + ", but the journal's next" + " record for it, " + JournalIndex.format(e.index) + ", follows "
                    + JournalIndex.format(e.prevIndex);
            return false;
        }
        if (overSkipped) {
            SlotState before = new SlotState(); // the journal's state of the slot at the record the table names
            state.load(slot, before);
            beforeMidStore.put(slot, before);
            midStore[slot] = true; // so this record must be the slot's last
        } else {
            table.load(slot, scratch);
            state.store(slot, scratch);
        }
        takenAt[slot] = e.index;
        mode[slot] = LIVE;
        return true;
    }

    /**
     * Whether a record that does not check against the table's state of {@code slot} is the dead writer's call caught
     * between its append and the end of its stores: the slot is still locked (a call holds the lock from before its
     * append until after its stores) and the record is the one the slot was taken from the table at. Stores write
     * {@code lastIndex} last, so such a slot may hold some of the record's new fields under the old index; fields the
     * record does not change hold the same value either way, and the replay writes every field it changes from the
     * record's after-values, so the slot comes out as the record left it. Such a record must be the slot's last
     * ({@link #checkEverySlot}).
     */
    private boolean midStore(JournalEvent e, int slot, MappedSlotTable table) {
        if (takenAt[slot] != e.index || !table.locked(slot)) {
            return false;
        }
        midStore[slot] = true;
        return true;
    }

    /**
     * Whether a skipped slot holds everything the records it was skipped over wrote: their entries, replayed onto the
     * table's own state, must leave it unchanged. A slot the table holds past a record is trusted only so far: after a
     * power loss its 64 bytes may come from different moments (a slot can straddle two pages, written back apart), so
     * a new {@code lastIndex} over an old field is caught here. Fields no record after the point changed hold the same
     * value in every version of the slot since the point (a store writes every field), so they need no check.
     */
    private boolean wroteWhatItSays(int slot, MappedSlotTable table, SlotState scratch) {
        table.load(slot, scratch);
        state.load(slot, expected);
        if (scratch.sameAs(expected, true)) {
            return true;
        }
        fallback = "slot " + slot + ": the table names record " + JournalIndex.format(scratch.lastIndex)
                + " but does not hold what the journal's records up to it wrote (" + scratch.diff(expected) + ")";
        return false;
    }

    private final SlotState expected = new SlotState();

    /**
     * A call caught mid-store over a skipped slot, checked: the table still names the record before it ({@code
     * lastIndex} is stored last), and each field holds either the journal's value before the call or the value the
     * call's record leaves (a store writes the fields one by one).
     */
    private boolean eachFieldOldOrNew(int slot, MappedSlotTable table, SlotState before, SlotState scratch) {
        table.load(slot, scratch);
        SlotState after = new SlotState();
        state.load(slot, after);
        boolean ok = scratch.lastIndex == before.lastIndex && scratch.eachFieldFrom(before, after);
        if (!ok) {
            fallback = "slot " + slot + " was caught mid-store at record " + JournalIndex.format(takenAt[slot])
                    + ", but holds fields neither from before that record nor from it (" + scratch.diff(after) + ")";
        }
        return ok;
    }

    /** Skipped slots hold the journal's last record of them; untouched ones name nothing past the point. */
    private void checkEverySlot(MappedSlotTable table, RedoPoint point) {
        SlotState scratch = new SlotState();
        for (int slot = 0; slot < mode.length; slot++) {
            if (midStore[slot] && state.lastIndex(slot) != takenAt[slot]) {
                fallback = "slot " + slot + " was caught mid-store at record " + JournalIndex.format(takenAt[slot])
                        + ", but the journal has a later record of it, " + JournalIndex.format(state.lastIndex(slot));
                return;
            }
            long t = table.lastIndex(slot);
            SlotState before = beforeMidStore.get(slot);
            if (before != null && !eachFieldOldOrNew(slot, table, before, scratch)) {
                return;
            }
            if (mode[slot] == SKIPPED) {
                if (t != skippedTo[slot]) {
                    fallback = "slot " + slot + ": the table holds record " + JournalIndex.format(t)
                            + ", past the journal's last record of it (" + JournalIndex.format(skippedTo[slot]) + ")";
                    return;
                }
                if (!wroteWhatItSays(slot, table, scratch)) {
                    return;
                }
            } else if (mode[slot] == UNTOUCHED && t != JournalIndex.NONE) {
                int c = Long.compareUnsigned(t, point.anchor());
                if (c > 0 || (c == 0 && point.inclusive())) {
                    fallback = "slot " + slot + ": the table holds record " + JournalIndex.format(t)
                            + ", after the redo point, but no record after the point touches the slot";
                    return;
                }
            }
        }
    }
}
