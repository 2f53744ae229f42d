package io.framejournal.replay.analysis;

import io.framejournal.allocator.SlotSource;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.RecordFormat;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Every event that touched one slot, in journal order: its own slot events (replayed through {@link Transition#apply}
 * on that slot alone, so each line carries its verdict) plus the compound BEGIN/END markers and LEAKED_HANDLE
 * events whose range covers the slot.
 *
 * <p>In a format-2 region the slot's records are found by following its chain backward (each record's group names
 * the previous record that touched the slot), from the newest one, so the cost is the slot's own records, not the
 * journal. The newest record is the slot table's {@code lastIndex} in a clean region (every record is applied there;
 * the journal must end where the status file says it was closed). In a region not closed cleanly, the table may lag
 * the journal by the call in flight at a crash (write-ahead), so the records of the last session after the table's
 * {@code lastIndex} are read too. Every record of the chain is checked (CRC, format) by the reader, must touch the
 * slot, must lie before the one that named it, and its events must follow from the state before them; when any of
 * that fails, or a leak notice (a marker, outside the chain) could name the slot (obligations outstanding at the
 * end, or a recovery reclaim), the whole journal is read as before, so the report is the same either way.
 */
public final class History {
    private History() {}

    /**
     * One line of a slot's history.
     *
     * @param index     journal index
     * @param timestamp epoch nanoseconds
     * @param thread    writing thread
     * @param kind      event kind
     * @param op        op code
     * @param flags     event flags
     * @param handle    handle behind it
     * @param metaType  metadata type (META_* events)
     * @param before    value before
     * @param after     value after
     * @param change    {@code before→after}, written the way the kind means it
     * @param verdict   what the transition said ({@code OK} for markers)
     */
    public record Entry(
            long index,
            long timestamp,
            int thread,
            EventKind kind,
            int op,
            int flags,
            long handle,
            short metaType,
            long before,
            long after,
            String change,
            String verdict) {}

    /**
     * @param dir        the region
     * @param slot       the slot
     * @param entries    its events
     * @param finalState the slot's state after the last one
     * @param events     events read
     * @param stopReason why reading stopped early, or {@code null}
     * @param note       why the whole journal was read although the slot's chain was tried, or {@code null}
     */
    public record Report(
            java.nio.file.Path dir,
            int slot,
            List<Entry> entries,
            SlotState finalState,
            long events,
            String stopReason,
            String note) {
        public long paddr() {
            return Fmt.paddrOf(slot);
        }
    }

    public static Report of(RegionInput region, int slot, Progress progress) {
        String note = null;
        if (region.config().formatVersion() == RecordFormat.VERSION) {
            Chain chain = new Chain(region, slot);
            Report r = chain.walk();
            if (r != null) {
                return r;
            }
            note = chain.brokenBecause;
        }
        return scan(region, slot, progress, note);
    }

    /** Reads the whole journal: format 1, and the fallback for a chain that cannot be followed. */
    public static Report scan(RegionInput region, int slot, Progress progress, String note) {
        List<Entry> entries = new ArrayList<>();
        SlotState s = new SlotState();
        JournalEvent e = new JournalEvent();
        OpenCompounds covering = new OpenCompounds();
        long events = 0;
        long last = JournalIndex.NONE;
        String stop;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                last = e.index;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events);
                }
                if (e.kind.changesSlot()) {
                    if (e.slot == slot) {
                        Verdict v = Transition.apply(s, e);
                        entries.add(entry(e, v.name()));
                    }
                } else if (e.kind == EventKind.BEGIN || e.kind == EventKind.LEAKED_HANDLE) {
                    if (covers(e, slot)) {
                        entries.add(entry(e, Verdict.OK.name()));
                        if (e.kind == EventKind.BEGIN) {
                            covering.put(e.after, e.op, e.slot, e.before, e.handle, e.index);
                        }
                    }
                } else if (e.kind == EventKind.END) {
                    if (covering.remove(e.after)) {
                        entries.add(entry(e, Verdict.OK.name()));
                    }
                }
            }
            stop = JournalEnd.problem(reader, region, last, false);
        }
        return new Report(region.dir(), slot, List.copyOf(entries), s, events, stop, note);
    }

    /** One slot's records, followed backward through their prevIndex links. */
    static final class Chain {
        private final RegionInput region;
        private final int slot;
        private final JournalEvent e = new JournalEvent();
        /** The slot's events, newest record first, each record's events in order. */
        private final List<List<JournalEvent>> records = new ArrayList<>();

        private long events;
        /** Why the chain could not be followed (a note for the user), or {@code null} when it needs no note. */
        String brokenBecause;

        Chain(RegionInput region, int slot) {
            this.region = region;
            this.slot = slot;
        }

        /** @return the report, or {@code null} when the whole journal must be read instead */
        Report walk() {
            long newest;
            try (SlotSource table = SlotTable.openReadOnly(region.layout().slots(), region.nrSlots())) {
                newest = table.lastIndex(slot);
            } catch (RegionException unreadable) {
                return broken("the slot table is unreadable (" + unreadable.getMessage() + ")");
            }
            try (JournalReader reader = region.journal()) {
                newest = region.clean() ? checkEnd(reader, newest) : newestInTail(reader, newest);
                if (brokenBecause != null || newest == FALLBACK) {
                    return null;
                }
                for (long x = newest, seq = Long.MAX_VALUE; x != JournalIndex.NONE; ) {
                    List<JournalEvent> group = readGroup(reader, x);
                    if (group == null) {
                        return null;
                    }
                    JournalEvent first = group.get(0);
                    if (first.seq >= seq || (first.prevIndex != JournalIndex.NONE && first.prevIndex >= x)) {
                        return broken("the chain does not run backward at " + JournalIndex.format(x));
                    }
                    seq = first.seq;
                    records.add(group);
                    x = first.prevIndex;
                }
            }
            return replay();
        }

        private static final long FALLBACK = Long.MIN_VALUE;

        /** A clean region: every record is in the table; its journal must end at the status checkpoint. */
        private long checkEnd(JournalReader reader, long newest) {
            long end = region.status().checkpoint();
            if (end == JournalIndex.NONE || reader.lastIndex() != end || !reader.moveTo(end)) {
                return FALLBACK; // the scan says what is wrong, as it always did
            }
            if (!reader.next(e) || e.index != end) {
                return FALLBACK;
            }
            events++;
            return newest;
        }

        /**
         * A region not closed cleanly: the records of its last session past the table's lastIndex (the call a crash
         * cut between append and store, or a live writer's) are read to the end.
         */
        private long newestInTail(JournalReader reader, long newest) {
            if (region.status() == null) {
                return FALLBACK;
            }
            long session = region.status().checkpoint();
            long from = Long.compareUnsigned(newest + 1, session + 1) > 0 ? newest : session;
            if (from != JournalIndex.NONE && !reader.moveTo(from)) {
                return FALLBACK;
            }
            long last = JournalIndex.NONE;
            while (reader.next(e)) {
                events++;
                last = e.index;
                if (e.slot == slot && e.kind.changesSlot() && Long.compareUnsigned(e.index + 1, newest + 1) > 0) {
                    newest = e.index;
                }
            }
            if (JournalEnd.problem(reader, region, last, false) != null) {
                return FALLBACK;
            }
            return newest;
        }

        /** The events of record {@code x} for this slot (its group), or {@code null} (then the chain is broken). */
        private List<JournalEvent> readGroup(JournalReader reader, long x) {
            if (!reader.moveTo(x)) {
                broken("record " + JournalIndex.format(x) + " named by the chain is not in the journal");
                return null;
            }
            List<JournalEvent> group = new ArrayList<>();
            while (reader.next(e) && e.index == x) {
                events++;
                if (e.slot == slot && e.kind.changesSlot()) {
                    JournalEvent copy = new JournalEvent();
                    copy.copyFrom(e);
                    group.add(copy);
                    if (e.isOpEnd()) {
                        break;
                    }
                } else if (!group.isEmpty()) {
                    break;
                }
            }
            if (group.isEmpty()) {
                broken("record " + JournalIndex.format(x) + " named by the chain "
                        + (reader.stopReason() != null ? "is unreadable" : "does not touch frame " + slot));
                return null;
            }
            return group;
        }

        private Report replay() {
            List<Entry> entries = new ArrayList<>();
            SlotState s = new SlotState();
            boolean reclaimed = false;
            for (int i = records.size() - 1; i >= 0; i--) {
                for (JournalEvent ev : records.get(i)) {
                    Verdict v = Transition.apply(s, ev);
                    if (v != Verdict.OK) {
                        return broken("event at " + JournalIndex.format(ev.index) + " on the chain is " + v);
                    }
                    reclaimed |= ev.op == OpCode.RECOVERY_RECLAIM.code();
                    entries.add(entry(ev, v.name()));
                }
            }
            if (s.obligations != 0 || reclaimed) {
                return null; // a LEAKED_HANDLE notice (a marker, not on the chain) may name this frame: read it all
            }
            return new Report(region.dir(), slot, List.copyOf(entries), s, events, null, null);
        }

        private Report broken(String why) {
            brokenBecause = "the frame's record chain is broken (" + why + "); read the whole journal instead";
            return null;
        }
    }

    private static boolean covers(JournalEvent e, int slot) {
        return e.slot >= 0 && slot >= e.slot && slot - (long) e.slot < Math.max(1, e.before);
    }

    private static Entry entry(JournalEvent e, String verdict) {
        return new Entry(
                e.index,
                e.timestamp,
                e.thread,
                e.kind,
                e.op,
                e.flags,
                e.handle,
                e.metaType,
                e.before,
                e.after,
                Fmt.change(e),
                verdict);
    }
}
