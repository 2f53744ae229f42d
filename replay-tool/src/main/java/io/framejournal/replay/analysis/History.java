package io.framejournal.replay.analysis;

import io.framejournal.allocator.MappedSlotTable;
import io.framejournal.allocator.SlotSource;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.CallSite;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.QueueFileIndex;
import io.framejournal.journal.RecordFormat;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SiteTable;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
     * @param site      call-site id of the event's record, 0 for none
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
            String verdict,
            int site) {}

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
     * @param note       why the whole journal was read although the frame's record chain was tried, or {@code null}
     * @param sites      the call sites the entries name, by id (from the region's site table)
     * @param siteProblem why the site table could not be read to its end, or {@code null}
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
            String filter,
            String note,
            Map<Integer, CallSite> sites,
            String siteProblem) {
        public long paddr() {
            return Fmt.paddrOf(slot);
        }

        public boolean oneFrame() {
            return slot == slotTo;
        }

        /** The call site with this id, or {@code null} (0, or a site the region's site table lacks). */
        public CallSite site(int id) {
            return id == 0 ? null : sites.get(id);
        }
    }

    /** The history of one frame, unfiltered. */
    public static Report of(RegionInput region, int slot, Progress progress) {
        return of(region, EventFilter.builder().frames(slot, slot).build(), Long.MAX_VALUE, progress);
    }

    /**
     * The history of the frames {@code filter} selects. One frame with no other filter, in a format-2 journal,
     * follows the frame's record chain (its own records only); anything else (an archive included), or a chain that
     * cannot be followed, reads the whole journal.
     */
    public static Report of(RegionInput region, EventFilter filter, long limit, Progress progress) {
        String note = null;
        if (filter.bySlot()
                && filter.slotFrom() == filter.slotTo()
                && filter.describe(false).isEmpty()
                && region.config().formatVersion() == RecordFormat.VERSION
                && !region.archive()) { // an archive has no slot table to start the chain from
            Chain chain = new Chain(region, filter.slotFrom(), true);
            Report r = chain.walk();
            if (chain.unknown != null) {
                chain = new Chain(region, filter.slotFrom(), false); // Chronicle's tailer decides
                r = chain.walk();
            }
            if (r != null) {
                return limit >= r.entries().size()
                        ? r
                        : new Report(
                                r.dir(),
                                r.slot(),
                                r.slotTo(),
                                List.copyOf(r.entries().subList(0, (int) limit)),
                                r.matched(),
                                r.finalState(),
                                r.states(),
                                r.events(),
                                r.stopReason(),
                                r.filter(),
                                r.note(),
                                r.sites(),
                                r.siteProblem());
            }
            note = chain.brokenBecause;
        }
        if (io.framejournal.journal.ReplayStart.journalStartRetired(
                region.layout().journal())) {
            // the whole journal is no longer the frame's whole history: say so rather than a chain "broken"
            note = RETIRED;
        }
        return scan(region, filter, limit, progress, note);
    }

    /**
     * The note of a history read from a journal whose early files were retired ({@code retain}): its states are
     * replayed from the oldest kept record and miss what came before it (a command shows it as a warning).
     */
    public static final String RETIRED = "the journal's early files were retired (`retain`): the events listed start"
            + " at its oldest kept record (their verdicts before the oldest checkpoint may be off), and the states"
            + " shown as now are replayed from a checkpoint";

    /** {@link #RETIRED} when no usable checkpoint covers the retired part: the states shown miss what came before. */
    public static final String RETIRED_UNCOVERED = "the journal's early files were retired (`retain`) and no usable"
            + " checkpoint covers them: this history starts at its oldest kept record, so the states shown miss what"
            + " came before it";

    /** Whether {@code note} says the journal's start was retired ({@link #RETIRED}, {@link #RETIRED_UNCOVERED}). */
    public static boolean retired(String note) {
        return RETIRED.equals(note) || RETIRED_UNCOVERED.equals(note);
    }

    /**
     * A scan of a journal whose start was retired began from nothing at its oldest kept record: the frames' states now
     * are taken instead from a replay that starts at a checkpoint, as {@code state} and {@code audit} do, for every
     * frame of the range the scan met or that is not free now.
     *
     * @return false when no usable checkpoint covers the retired part (the states stay the scan's)
     */
    private static boolean nowFromCheckpoint(
            RegionInput region, int from, int to, SortedMap<Integer, SlotState> states) {
        Replays.Result now = Replays.upTo(region, io.framejournal.journal.JournalIndex.NONE, Progress.none());
        if (now.checkpoint() == io.framejournal.journal.JournalIndex.NONE) {
            return false;
        }
        io.framejournal.journal.ReplayState replayed = now.replay().state();
        SlotState s = new SlotState();
        for (int slot = from; slot <= to && slot < region.nrSlots(); slot++) {
            replayed.load(slot, s);
            if (states.containsKey(slot) || !s.isFree()) {
                SlotState copy = new SlotState();
                copy.copyFrom(s);
                states.put(slot, copy);
            }
        }
        return true;
    }

    /**
     * One frame's history by its record chain alone, its records located without Chronicle ({@code
     * withoutChronicle}: {@link QueueFileIndex}) or through Chronicle's tailer; {@code null} when that way cannot
     * answer ({@link #of} then tries the other way or reads the whole journal). For tests and the bench, which compare
     * the two ways.
     */
    public static Report chainOnly(RegionInput region, int slot, boolean withoutChronicle) {
        return new Chain(region, slot, withoutChronicle).walk();
    }

    /** Reads the whole journal for one frame, unfiltered (what a broken chain falls back to). */
    public static Report scan(RegionInput region, int slot, Progress progress, String note) {
        return scan(region, EventFilter.builder().frames(slot, slot).build(), Long.MAX_VALUE, progress, note);
    }

    /**
     * Reads the whole journal for the frames {@code filter} selects (it must select frames): every event is replayed
     * on its frame (so verdicts and states are exact), and those that pass the whole filter are listed, at most
     * {@code limit}. Format 1, several frames, other filters, and the fallback for a chain that cannot be followed.
     */
    public static Report scan(RegionInput region, EventFilter filter, long limit, Progress progress, String note) {
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
        if (RETIRED.equals(note) && !nowFromCheckpoint(region, from, to, states)) {
            note = RETIRED_UNCOVERED;
        }
        SlotState first = states.getOrDefault(from, new SlotState());
        String[] siteProblem = {null};
        Map<Integer, CallSite> named = sitesOf(region, entries, siteProblem);
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
                filter.describe(false),
                note,
                named,
                siteProblem[0]);
    }

    /**
     * One slot's records, followed backward through their prevIndex links: either located in the queue files
     * themselves ({@link QueueFileIndex}: no Chronicle class is loaded) or through Chronicle's read-only tailer. The
     * first way answers only when everything it read is certain; anything else (an unclean region, a table or record
     * it cannot locate or check, a chain that does not hold) leaves {@link #unknown} set, and the walk is done again
     * the second way, which decides (and names what is broken).
     */
    static final class Chain {
        private final RegionInput region;
        private final int slot;
        /** Whether records are located without Chronicle. */
        private final boolean withoutChronicle;

        private final JournalEvent e = new JournalEvent();
        /** Where records are read: one of the two is set while a walk runs. */
        private QueueFileIndex index;

        private JournalReader reader;
        /** The slot's events, newest record first, each record's events in order. */
        private final List<List<JournalEvent>> records = new ArrayList<>();

        private long events;
        /** Why the chain could not be followed (a note for the user), or {@code null} when it needs no note. */
        String brokenBecause;
        /** Why the walk without Chronicle could not answer (then walk through Chronicle), or {@code null}. */
        String unknown;

        Chain(RegionInput region, int slot, boolean withoutChronicle) {
            this.region = region;
            this.slot = slot;
            this.withoutChronicle = withoutChronicle;
        }

        /** @return the report, or {@code null} when the whole journal must be read instead (or {@link #unknown}) */
        Report walk() {
            return withoutChronicle ? walkIndexed() : walkTailer();
        }

        /** The walk over {@link QueueFileIndex}: a clean region only, its slot table read in place. */
        private Report walkIndexed() {
            if (!region.clean()) {
                return unknown("a region not closed cleanly: its journal's tail is read through Chronicle");
            }
            long newest;
            try (MappedSlotTable table = MappedSlotTable.open(region.layout().slots(), region.nrSlots())) {
                newest = table.lastIndex(slot);
            } catch (RegionException unreadable) {
                return unknown("the slot table: " + unreadable.getMessage());
            }
            long end = region.status().checkpoint();
            try (QueueFileIndex opened = QueueFileIndex.open(
                    region.layout().journal(), region.config().cycle())) {
                index = opened;
                if (end == JournalIndex.NONE || !index.endsAt(end) || !index.next(e) || e.index != end) {
                    return unknown("the journal's end: " + index.unknownBecause());
                }
                events++;
                if (!walkChain(newest)) {
                    return null;
                }
            }
            return replay();
        }

        /**
         * Follows the slot's record chain backward from {@code newest}, each record's group read by {@link
         * #readRecord} into {@link #records}; the chain must run backward (indices and sequence numbers falling).
         *
         * @return false when a record could not be read or the chain is broken (then why is set)
         */
        private boolean walkChain(long newest) {
            for (long x = newest, seq = Long.MAX_VALUE; x != JournalIndex.NONE; ) {
                List<JournalEvent> group = readRecord(x);
                if (group == null) {
                    return false;
                }
                JournalEvent first = group.get(0);
                if (first.seq >= seq || (first.prevIndex != JournalIndex.NONE && first.prevIndex >= x)) {
                    broken("the chain does not run backward at " + JournalIndex.format(x));
                    return false;
                }
                seq = first.seq;
                records.add(group);
                x = first.prevIndex;
            }
            return true;
        }

        /**
         * The events of record {@code x} for this slot (its group), from {@link #index} or {@link #reader} (whichever
         * walk this is); {@code null} when it cannot be read or has none (then why is set). No lambdas or string
         * concatenation on this path: a history is often a fresh JVM's only work, and linking an invokedynamic call
         * site costs more there than reading a record.
         */
        private List<JournalEvent> readRecord(long x) {
            if (index != null) {
                if (!index.moveTo(x)) {
                    unknown(index.unknownBecause());
                    return null;
                }
            } else if (!reader.moveTo(x)) {
                broken("record " + JournalIndex.format(x) + " named by the chain is not in the journal");
                return null;
            }
            List<JournalEvent> group = new ArrayList<>();
            while (nextEvent() && e.index == x) {
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
                broken(
                        reader != null && reader.stopReason() != null
                                ? "record " + JournalIndex.format(x) + " named by the chain is unreadable"
                                : "record " + JournalIndex.format(x) + " named by the chain does not touch frame "
                                        + slot);
                return null;
            }
            return group;
        }

        private boolean nextEvent() {
            return index != null ? index.next(e) : reader.next(e);
        }

        private Report unknown(String why) {
            unknown = why == null ? "unknown" : why;
            return null;
        }

        /** The walk through Chronicle's read-only tailer. */
        private Report walkTailer() {
            long newest;
            try (SlotSource table = SlotTable.openReadOnly(region.layout().slots(), region.nrSlots())) {
                newest = table.lastIndex(slot);
            } catch (RegionException unreadable) {
                return broken("the slot table is unreadable (" + unreadable.getMessage() + ")");
            }
            try (JournalReader opened = region.journal()) {
                reader = opened;
                newest = region.clean() ? checkEnd(reader, newest) : newestInTail(reader, newest);
                if (brokenBecause != null || newest == FALLBACK) {
                    return null;
                }
                if (!walkChain(newest)) {
                    return null;
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
            boolean atPoint = redoPointAfter(reader, from); // then the reader stands at the point's anchor
            if (!atPoint && from != JournalIndex.NONE && !reader.moveTo(from)) {
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

        /**
         * Positions {@code reader} at the anchor of the region's redo point when that lies after {@code from} and is
         * the record the point names (its sequence number and stored CRC-32C): every record before it is in the slot
         * table, as recovery trusts it (docs/DESIGN.md, "The redo point"), so the tail need not be read before it.
         *
         * @return whether the reader now stands there (else it stands anywhere: the caller positions it)
         */
        private boolean redoPointAfter(JournalReader reader, long from) {
            io.framejournal.journal.RedoPoint p = io.framejournal.journal.RedoPointFile.read(
                            region.layout().redoPoint())
                    .point();
            return p != null
                    && Long.compareUnsigned(p.anchor() + 1, from + 1) > 0
                    && reader.resumeAt(p.anchor(), p.seq(), p.crc()) == null;
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
            java.util.SortedMap<Integer, SlotState> states = new TreeMap<>();
            states.put(slot, s);
            String[] siteProblem = {null};
            Map<Integer, CallSite> named = sitesOf(region, entries, siteProblem);
            return new Report(
                    region.dir(),
                    slot,
                    slot,
                    List.copyOf(entries),
                    entries.size(),
                    s,
                    java.util.Collections.unmodifiableSortedMap(states),
                    events,
                    null,
                    "",
                    null,
                    named,
                    siteProblem[0]);
        }

        private Report broken(String why) {
            if (withoutChronicle) {
                return unknown("the chain: " + why); // the walk through Chronicle decides whether it is broken
            }
            brokenBecause = "the frame's record chain is broken (" + why + "); read the whole journal instead";
            return null;
        }
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

    /** The call sites {@code entries} name, from the region's site table; why it could not be read, in {@code problem}. */
    private static Map<Integer, CallSite> sitesOf(RegionInput region, List<Entry> entries, String[] problem) {
        Map<Integer, CallSite> named = new TreeMap<>();
        boolean anySite = false;
        for (Entry x : entries) { // a loop, not a stream: a history is often a fresh JVM's only work
            anySite |= x.site() != 0;
        }
        if (anySite) {
            SiteTable.Sites table = region.sites();
            problem[0] = table.problem();
            for (Entry x : entries) {
                CallSite site = x.site() == 0 ? null : table.get(x.site());
                if (site != null) {
                    named.put(x.site(), site);
                }
            }
        }
        return java.util.Collections.unmodifiableMap(named);
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
                verdict,
                e.site);
    }
}
