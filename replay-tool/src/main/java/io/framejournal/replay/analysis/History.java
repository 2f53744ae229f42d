package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every event that touched one slot, in journal order: its own slot events (replayed through {@link Transition#apply}
 * on that slot alone, so each line carries its verdict) plus the compound BEGIN/END markers and LEAKED_HANDLE
 * events whose range covers the slot.
 */
public final class History {
    private History() {}

    /**
     * One line of a slot's history.
     *
     * @param slot      the frame it touched (for a compound or leaked-handle marker: the first frame of its range)
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
            int slot,
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
     * @param slot       the first frame asked for
     * @param slotTo     the last frame asked for ({@code == slot} for one frame)
     * @param entries    their events that passed the filter (at most the limit)
     * @param matched    events that passed the filter in all (more than {@code entries} when the limit cut them)
     * @param finalState the first frame's state after its last event
     * @param states     each frame of the range that any event touched, with its state after its last event
     * @param events     events scanned
     * @param stopReason why reading stopped early, or {@code null}
     * @param filter     what the entries were filtered by beyond the frames ({@link EventFilter#describe(boolean)}),
     *                   empty for nothing
     */
    public record Report(
            java.nio.file.Path dir,
            int slot,
            int slotTo,
            List<Entry> entries,
            long matched,
            SlotState finalState,
            SortedMap<Integer, SlotState> states,
            long events,
            String stopReason,
            String filter) {
        public long paddr() {
            return Fmt.paddrOf(slot);
        }

        public boolean oneFrame() {
            return slot == slotTo;
        }
    }

    /** The history of one frame, unfiltered. */
    public static Report of(RegionInput region, int slot, Progress progress) {
        return of(region, EventFilter.builder().frames(slot, slot).build(), Long.MAX_VALUE, progress);
    }

    /**
     * The history of the frames {@code filter} selects (it must select frames): every event is replayed on its frame
     * (so verdicts and states are exact), and those that pass the whole filter are listed, at most {@code limit}.
     */
    public static Report of(RegionInput region, EventFilter filter, long limit, Progress progress) {
        if (!filter.bySlot()) {
            throw new IllegalArgumentException("history needs frames: give --paddr A[..B] or --frame N[..M]");
        }
        int from = filter.slotFrom();
        int to = filter.slotTo();
        List<Entry> entries = new ArrayList<>();
        SortedMap<Integer, SlotState> states = new TreeMap<>();
        JournalEvent e = new JournalEvent();
        OpenCompounds covering = new OpenCompounds();
        long events = 0;
        long matched = 0;
        long last = io.framejournal.journal.JournalIndex.NONE;
        String stop;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                last = e.index;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events, reader.recordsRead());
                }
                String verdict = null;
                if (e.kind.changesSlot()) {
                    if (e.slot >= from && e.slot <= to) {
                        verdict = Transition.apply(states.computeIfAbsent(e.slot, k -> new SlotState()), e)
                                .name();
                    }
                } else if (e.kind == EventKind.BEGIN || e.kind == EventKind.LEAKED_HANDLE) {
                    if (covers(e, from, to)) {
                        verdict = Verdict.OK.name();
                        if (e.kind == EventKind.BEGIN) {
                            covering.put(e.after, e.op, e.slot, e.before, e.handle, e.index);
                        }
                    }
                } else if (e.kind == EventKind.END) {
                    if (covering.remove(e.after)) {
                        verdict = Verdict.OK.name();
                    }
                }
                if (verdict != null && passes(filter, e, from)) {
                    matched++;
                    if (entries.size() < limit) {
                        entries.add(entry(e, verdict));
                    }
                }
            }
            stop = JournalEnd.problem(reader, region, last, false);
        }
        SlotState first = states.getOrDefault(from, new SlotState());
        return new Report(
                region.dir(),
                from,
                to,
                List.copyOf(entries),
                matched,
                first,
                java.util.Collections.unmodifiableSortedMap(states),
                events,
                stop,
                filter.describe(false));
    }

    /** The filter on an event; an END (whose compound covers the frames, as its BEGIN did) is judged as on them. */
    private static boolean passes(EventFilter filter, JournalEvent e, int from) {
        if (e.kind != EventKind.END) {
            return filter.test(e);
        }
        int slot = e.slot;
        e.slot = from;
        try {
            return filter.test(e);
        } finally {
            e.slot = slot;
        }
    }

    private static boolean covers(JournalEvent e, int from, int to) {
        return e.slot >= 0 && e.slot <= to && e.slot + Math.max(1, e.before) - 1 >= from;
    }

    private static Entry entry(JournalEvent e, String verdict) {
        return new Entry(
                e.slot,
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
