package io.framejournal.replay.analysis;

import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotInvariant;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Verdict;
import io.framejournal.replay.analysis.AuditReport.Divergence;
import io.framejournal.replay.analysis.AuditReport.Findings;
import io.framejournal.replay.analysis.AuditReport.LeakGroup;
import io.framejournal.replay.analysis.AuditReport.LeakedHandle;
import io.framejournal.replay.analysis.AuditReport.RawLeak;
import io.framejournal.replay.analysis.AuditReport.TornCompound;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a region's journal from its first event into compact primitive state ({@link ReplayState}, which applies
 * every event through the one shared {@code Transition.apply}) and reports leaks, invariant breaks, illegal
 * transitions, torn operations and divergence from the slot table. The replay loop allocates nothing per event:
 * attribution lives in {@link SlotLedger} and {@link OpenCompounds}; objects are made only for findings.
 */
public final class Auditor {
    /** Findings of one category kept in detail; the rest are counted. */
    public static final int DEFAULT_DETAIL_LIMIT = 1000;

    private static final int RECLAIM = OpCode.RECOVERY_RECLAIM.code();

    private final RegionInput region;
    private final long at;
    private final int limit;
    private final int nrSlots;

    private final ReplayState state;
    private final SlotLedger obligations;
    private final SlotLedger raw;
    private final OpenCompounds open = new OpenCompounds();
    private final BitSet midOp;
    private final byte[] lastOp;
    private final long[] lastHandle;
    private final Collector invariants;
    private final Collector transitions;
    private final List<LeakedHandle> leakedHandles = new ArrayList<>();
    private long leakedHandleCount;
    private long leakGroupCount;
    private long leakObligations;
    private final List<String> warnings = new ArrayList<>();
    private EventFilter filter = EventFilter.ALL;

    /**
     * @param region the region, opened for reading
     * @param at     replay events up to and including this journal index; {@link JournalIndex#NONE} for all
     * @param limit  findings of one category kept in detail
     */
    public Auditor(RegionInput region, long at, int limit) {
        this.region = region;
        this.at = at;
        this.limit = limit;
        this.nrSlots = region.nrSlots();
        this.state = new ReplayState(nrSlots);
        this.obligations = new SlotLedger(nrSlots);
        this.raw = new SlotLedger(nrSlots);
        this.midOp = new BitSet(nrSlots);
        this.lastOp = new byte[nrSlots];
        this.lastHandle = new long[nrSlots];
        this.invariants = new Collector(limit);
        this.transitions = new Collector(limit);
    }

    /**
     * Lists (and counts) only the entries that pass {@code f}: by the frame, index, op, handle and event kind behind
     * each. Its time bounds must already be indices ({@link EventFilter#withTimesAsIndices}); thread and call-site
     * criteria do not apply (entries do not keep them). The replay itself always covers every event.
     */
    public Auditor filter(EventFilter f) {
        if (f.byThreadOrSite()) {
            throw new IllegalArgumentException("--thread and --site do not apply to the audit's lists (leaks and"
                    + " findings do not keep the thread or call site of their events); use dump or history with them");
        }
        if ((f.since() != null && f.since().isTime())
                || (f.until() != null && f.until().isTime())) {
            throw new IllegalArgumentException("the audit filter's times must be resolved to indices first");
        }
        this.filter = f;
        invariants.filter = f;
        transitions.filter = f;
        return this;
    }

    public static AuditReport audit(RegionInput region, long at) {
        return new Auditor(region, at, DEFAULT_DETAIL_LIMIT).run(Progress.none());
    }

    public AuditReport run(Progress progress) {
        // A region a writer may be using: take the slot table's copy BEFORE reading the journal, so that the table
        // can only be behind what is read (write-ahead), and a slot ahead of the journal is real divergence.
        SlotTable early = null;
        String earlyProblem = null;
        if (!region.clean() && at == JournalIndex.NONE && region.hasSlotTable()) {
            try {
                early = SlotTable.openCopy(region.layout().slots(), nrSlots);
            } catch (RegionException unreadable) {
                earlyProblem = unreadable.getMessage();
            }
        }
        try {
            return run(progress, early, earlyProblem);
        } finally {
            if (early != null) {
                early.close();
            }
        }
    }

    private AuditReport run(Progress progress, SlotTable early, String earlyProblem) {
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        long events = 0;
        long first = JournalIndex.NONE;
        long last = JournalIndex.NONE;
        String stop;
        long records;
        boolean stoppedAt = false;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                if (at != JournalIndex.NONE && Long.compareUnsigned(e.index, at) > 0) {
                    stoppedAt = true;
                    break;
                }
                if (first == JournalIndex.NONE) {
                    first = e.index;
                }
                last = e.index;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events, reader.recordsRead());
                }
                if (e.kind.changesSlot()) {
                    onSlotEvent(e, scratch);
                } else {
                    onMarker(e);
                }
            }
            stop = JournalEnd.problem(reader, region, last, stoppedAt || at != JournalIndex.NONE);
            records = reader.recordsRead() - (stoppedAt ? 1 : 0);
        }
        return report(events, records, first, last, stop, early, earlyProblem);
    }

    // ---------------------------------------------------------------- following a live journal

    private final SlotState followScratch = new SlotState();
    private long followEvents;
    private long followFirst = JournalIndex.NONE;
    private long followLast = JournalIndex.NONE;

    /** Applies one event of a journal being followed ({@code audit --follow}), in journal order. */
    public void accept(JournalEvent e) {
        if (followFirst == JournalIndex.NONE) {
            followFirst = e.index;
        }
        if (e.index != followLast) {
            followRecords++;
        }
        followLast = e.index;
        followEvents++;
        if (e.kind.changesSlot()) {
            onSlotEvent(e, followScratch);
        } else {
            onMarker(e);
        }
    }

    private long followRecords;

    /** Obligations outstanding now (all, unfiltered). */
    public long outstandingObligations() {
        return obligations.live();
    }

    /** Raw references outstanding now (all, unfiltered). */
    public long outstandingRaw() {
        return raw.live();
    }

    /** Findings met while replaying so far (filtered): transitions, invariant breaks, leaked handles. */
    public long findingsSoFar() {
        return transitions.count + invariants.count + leakedHandleCount;
    }

    /** Events applied by {@link #accept}. */
    public long eventsAccepted() {
        return followEvents;
    }

    /**
     * The report of what {@link #accept} was given: the same checks as {@link #run} at its end (outstanding leaks,
     * the ledger, divergence from the slot table as far as a live region allows).
     */
    public AuditReport finishFollowing(String stopReason) {
        return report(followEvents, followRecords, followFirst, followLast, stopReason, null, null);
    }

    private void onSlotEvent(JournalEvent e, SlotState scratch) {
        Verdict v = state.apply(e, scratch);
        if (v == Verdict.BAD_SLOT) {
            transitions.add(e, v.name(), "slot " + e.slot + " is outside the region (" + nrSlots + " frames)");
            return;
        }
        if (v != Verdict.OK) {
            transitions.add(e, v.name(), e.kind + " " + Fmt.change(e) + " does not follow from the replayed state");
        }
        int slot = e.slot;
        switch (e.kind) {
            case MINT:
                obligations.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before));
                break;
            case REDEEM:
                if (e.op == RECLAIM || e.handle == 0) {
                    obligations.clear(slot);
                } else {
                    for (long k = Math.max(1, e.before - e.after); k > 0; k--) {
                        if (!obligations.removeOne(slot, e.handle)) {
                            transitions.add(
                                    e,
                                    "UNATTRIBUTED_REDEEM",
                                    "handle " + Fmt.handle(e.handle)
                                            + " redeemed an obligation it never minted on this slot");
                        }
                    }
                }
                break;
            case RAW_FORGET:
                raw.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before));
                break;
            case RAW_RESTORE:
                if (e.op == RECLAIM) {
                    raw.clear(slot);
                } else {
                    raw.removeNewest(slot, Math.max(1, e.before - e.after));
                }
                break;
            default:
                break;
        }
        lastOp[slot] = (byte) e.op;
        lastHandle[slot] = e.handle;
        if (e.isOpEnd()) {
            midOp.clear(slot);
            int bad = SlotInvariant.checkAll(scratch);
            if (bad != 0) {
                invariants.add(
                        e,
                        (bad & 0xffff) != 0 ? "INVARIANT" : "LEDGER",
                        SlotInvariant.describe(bad) + " (" + scratch + ")");
            }
        } else {
            midOp.set(slot);
        }
    }

    private void onMarker(JournalEvent e) {
        switch (e.kind) {
            case BEGIN:
                open.put(e.after, e.op, e.slot, e.before, e.handle, e.index);
                break;
            case END:
                if (!open.remove(e.after)) {
                    transitions.add(e, "UNMATCHED_END", "END of compound " + Fmt.handle(e.after) + " that never began");
                }
                break;
            case LEAKED_HANDLE:
                if (!filter.testEntry(e.slot, e.index, (int) e.after, e.handle, e.kind)) {
                    break;
                }
                leakedHandleCount++;
                if (leakedHandles.size() < limit) {
                    leakedHandles.add(new LeakedHandle(e.index, e.slot, e.before, (int) e.after, e.handle));
                }
                break;
            default:
                break;
        }
    }

    private AuditReport report(
            long events, long records, long first, long last, String stop, SlotTable early, String earlyProblem) {
        List<LeakGroup> leaks = leakGroups();
        List<RawLeak> rawLeaks = new ArrayList<>();
        long[] rawLeakCount = {0};
        long[] rawReferences = {0};
        Collector ledger = new Collector(limit);
        Collector torn = new Collector(limit);
        ledger.filter = filter;
        torn.filter = filter;
        SlotState s = new SlotState();
        for (int slot = 0; slot < nrSlots; slot++) {
            if (!raw.isEmpty(slot)) {
                raw.forEach(slot, (sl, h, op, idx, n) -> {
                    if (!filter.testEntry(sl, idx, op, h, io.framejournal.journal.EventKind.RAW_FORGET)) {
                        return;
                    }
                    rawLeakCount[0]++;
                    rawReferences[0] += n;
                    if (rawLeaks.size() < limit) {
                        rawLeaks.add(new RawLeak(sl, h, op, idx, n));
                    }
                });
            }
            state.load(slot, s);
            if (midOp.get(slot)) {
                torn.add(
                        slot,
                        s.lastIndex,
                        lastOp[slot],
                        lastHandle[slot],
                        "TORN_SLOT",
                        "last event lacks the op-end flag: the operation stopped part way (" + s + ")");
                continue;
            }
            int bad = SlotInvariant.checkLedger(s);
            if (bad != 0) {
                ledger.add(
                        slot,
                        s.lastIndex,
                        lastOp[slot],
                        lastHandle[slot],
                        "LEDGER",
                        SlotInvariant.describe(bad)
                                + ": refCount " + io.framejournal.journal.RefCount.describe(s.refCount)
                                + ", obligations "
                                + s.obligations + ", raw " + s.raw);
            }
        }
        rawLeaks.sort(Comparator.comparingLong(RawLeak::index));
        List<TornCompound> tornCompounds = new ArrayList<>();
        open.forEachByBegin((id, op, slot, pages, h, idx) -> {
            if (filter.testEntry(slot, idx, op, h, io.framejournal.journal.EventKind.BEGIN)) {
                tornCompounds.add(new TornCompound(id, op, slot, pages, h, idx));
            }
        });
        Divergence divergence = divergence(stop, early, earlyProblem);
        return new AuditReport(
                region.dir(),
                nrSlots,
                region.config().maxPaddr(),
                region.config().formatVersion(),
                region.clean(),
                at,
                events,
                records,
                first,
                last,
                stop,
                leaks,
                filter.isAll() ? obligations.live() : leakObligations,
                List.copyOf(rawLeaks),
                filter.isAll() ? raw.live() : rawReferences[0],
                ledger.findings(),
                List.copyOf(leakedHandles),
                invariants.findings(),
                transitions.findings(),
                List.copyOf(tornCompounds),
                torn.findings(),
                divergence,
                List.copyOf(warnings),
                leakGroupCount,
                rawLeakCount[0],
                leakedHandleCount,
                filter.describe());
    }

    private List<LeakGroup> leakGroups() {
        final class Group {
            final long handle;
            final int op;
            final List<Integer> slots = new ArrayList<>();
            final List<Long> indices = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long total;

            Group(long handle, int op) {
                this.handle = handle;
                this.op = op;
            }
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int slot = 0; slot < nrSlots; slot++) {
            if (obligations.isEmpty(slot)) {
                continue;
            }
            obligations.forEach(slot, (sl, h, op, idx, n) -> {
                if (!filter.testEntry(sl, idx, op, h, io.framejournal.journal.EventKind.MINT)) {
                    return;
                }
                Group g = groups.computeIfAbsent(h + "/" + op, k -> new Group(h, op));
                g.slots.add(sl);
                g.indices.add(idx);
                g.first = Math.min(g.first, idx);
                g.total += n;
            });
        }
        List<LeakGroup> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new LeakGroup(g.handle, g.op, g.first, List.copyOf(g.slots), List.copyOf(g.indices), g.total));
        }
        out.sort(Comparator.comparingLong(LeakGroup::firstIndex));
        leakGroupCount = out.size();
        leakObligations = out.stream().mapToLong(LeakGroup::total).sum();
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
    }

    private Divergence divergence(String stop, SlotTable early, String earlyProblem) {
        if (at != JournalIndex.NONE) {
            return skipped("--at was given: the slot table holds the latest state, not the state at "
                    + JournalIndex.format(at));
        }
        if (!region.hasSlotTable()) {
            warnings.add("slot table " + region.layout().slots() + " is missing: the journal was audited, divergence"
                    + " was not checked");
            return skipped("the slot table is missing");
        }
        boolean full = region.clean() && stop == null;
        String reason = null;
        if (!region.clean()) {
            reason =
                    "the region is open (a writer may be live) or was not closed cleanly, so the slot table may lag the"
                            + " journal (that is what `framejournal recover` fixes); the table was read before the journal, so"
                            + " only slots whose table is AHEAD of the journal are divergence";
        } else if (stop != null) {
            reason = "the journal could not be read to its end; only slots whose table is AHEAD of what was read are"
                    + " divergence";
        }
        Collector found = new Collector(limit);
        found.filter = filter;
        SlotState table = new SlotState();
        SlotState journal = new SlotState();
        if (earlyProblem != null) {
            warnings.add(earlyProblem + "; divergence was not checked");
            return skipped("the slot table is unreadable");
        }
        try (SlotTable copy =
                early != null ? null : SlotTable.openCopy(region.layout().slots(), nrSlots)) {
            SlotTable tableNow = early != null ? early : copy;
            for (int slot = 0; slot < nrSlots; slot++) {
                tableNow.load(slot, table);
                state.load(slot, journal);
                boolean differs = full
                        ? !table.sameAs(journal, true)
                        : Long.compareUnsigned(table.lastIndex + 1, journal.lastIndex + 1) > 0;
                if (differs) {
                    found.add(
                            slot,
                            table.lastIndex,
                            lastOp[slot],
                            lastHandle[slot],
                            "DIVERGENCE",
                            "table\u2260journal: " + table.diff(journal));
                }
            }
        } catch (RegionException e) {
            warnings.add(e.getMessage() + "; divergence was not checked");
            return skipped("the slot table is unreadable");
        }
        return new Divergence(full ? "full" : "ahead-only", reason, found.findings());
    }

    private Divergence skipped(String reason) {
        return new Divergence("skipped", reason, new Findings(0, List.of()));
    }

    /** Keeps the first {@code limit} findings of a category, counts all. */
    static final class Collector {
        private final int limit;
        EventFilter filter = EventFilter.ALL;
        private final List<SlotFinding> shown = new ArrayList<>();
        private long count;

        Collector(int limit) {
            this.limit = limit;
        }

        void add(JournalEvent e, String kind, String detail) {
            if (filter.testEntry(e.slot, e.index, e.op, e.handle, e.kind)) {
                count(e.slot, e.index, e.op, e.handle, kind, detail);
            }
        }

        /** A finding about a slot rather than an event (no event kind: no {@code --kind} matches it). */
        void add(int slot, long index, int op, long handle, String kind, String detail) {
            if (filter.testEntry(slot, index, op, handle, null)) {
                count(slot, index, op, handle, kind, detail);
            }
        }

        private void count(int slot, long index, int op, long handle, String kind, String detail) {
            count++;
            if (shown.size() < limit) {
                shown.add(new SlotFinding(kind, slot, index, op, handle, detail));
            }
        }

        Findings findings() {
            return new Findings(count, List.copyOf(shown));
        }
    }
}
