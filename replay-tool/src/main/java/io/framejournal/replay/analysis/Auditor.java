package io.framejournal.replay.analysis;

import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.CallSite;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SiteTable;
import io.framejournal.journal.SlotInvariant;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Verdict;
import io.framejournal.replay.analysis.AuditReport.Divergence;
import io.framejournal.replay.analysis.AuditReport.Findings;
import io.framejournal.replay.analysis.AuditReport.LeakGroup;
import io.framejournal.replay.analysis.AuditReport.LeakedHandle;
import io.framejournal.replay.analysis.AuditReport.RawLeak;
import io.framejournal.replay.analysis.AuditReport.SiteGroup;
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
    private final List<String> warnings = new ArrayList<>();

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
                    progress.update(events);
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
                obligations.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before), e.site);
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
                raw.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before), e.site);
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
                leakedHandleCount++;
                bySite(e.site, e.index).leakedHandles++;
                if (leakedHandles.size() < limit) {
                    leakedHandles.add(new LeakedHandle(e.index, e.slot, e.before, (int) e.after, e.handle, e.site));
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
        Collector ledger = new Collector(limit);
        Collector torn = new Collector(limit);
        SlotState s = new SlotState();
        for (int slot = 0; slot < nrSlots; slot++) {
            if (!raw.isEmpty(slot)) {
                raw.forEachWithSite(slot, (sl, h, op, idx, n, site) -> {
                    rawLeakCount[0]++;
                    bySite(site, idx).rawReferences += n;
                    if (rawLeaks.size() < limit) {
                        rawLeaks.add(new RawLeak(sl, h, op, idx, n, site));
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
        open.forEachByBegin(
                (id, op, slot, pages, h, idx) -> tornCompounds.add(new TornCompound(id, op, slot, pages, h, idx)));
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
                obligations.live(),
                List.copyOf(rawLeaks),
                raw.live(),
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
                siteGroups(),
                siteGroups.size(),
                namedSites(leaks, rawLeaks));
    }

    /** Outstanding findings of one call site, counted over all of them (not only those shown). */
    private static final class SiteCounts {
        long obligations;
        long handles;
        long rawReferences;
        long leakedHandles;
        long first = Long.MAX_VALUE;
    }

    private final Map<Integer, SiteCounts> siteGroups = new LinkedHashMap<>();

    private SiteCounts bySite(int site, long index) {
        SiteCounts c = siteGroups.computeIfAbsent(site, k -> new SiteCounts());
        c.first = Math.min(c.first, index);
        return c;
    }

    private List<SiteGroup> siteGroups() {
        List<SiteGroup> out = new ArrayList<>();
        siteGroups.forEach((site, c) ->
                out.add(new SiteGroup(site, c.obligations, c.handles, c.rawReferences, c.leakedHandles, c.first)));
        // the sites that left the most behind first; records without a site last
        out.sort(Comparator.comparing((SiteGroup g) -> g.site() == 0)
                .thenComparing(Comparator.comparingLong(
                                (SiteGroup g) -> g.obligations() + g.rawReferences() + g.leakedHandles())
                        .reversed())
                .thenComparingLong(SiteGroup::firstIndex));
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
    }

    /** The call sites named by what the report shows, from the region's site table; its problems become warnings. */
    private Map<Integer, CallSite> namedSites(List<LeakGroup> leaks, List<RawLeak> rawLeaks) {
        if (siteGroups.isEmpty() || (siteGroups.size() == 1 && siteGroups.containsKey(0))) {
            return Map.of();
        }
        SiteTable.Sites table = region.sites();
        if (table.problem() != null) {
            warnings.add("call-site table: " + table.problem());
        }
        Map<Integer, CallSite> named = new java.util.TreeMap<>();
        java.util.function.IntConsumer name = id -> {
            CallSite s = id == 0 ? null : table.get(id);
            if (s != null) {
                named.put(id, s);
            }
        };
        siteGroups.keySet().forEach(name::accept);
        leaks.forEach(g -> name.accept(g.site()));
        rawLeaks.forEach(r -> name.accept(r.site()));
        leakedHandles.forEach(h -> name.accept(h.site()));
        return java.util.Collections.unmodifiableMap(named);
    }

    private List<LeakGroup> leakGroups() {
        final class Group {
            final long handle;
            final int op;
            final List<Integer> slots = new ArrayList<>();
            final List<Long> indices = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long total;
            int site;

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
            obligations.forEachWithSite(slot, (sl, h, op, idx, n, site) -> {
                Group g = groups.computeIfAbsent(h + "/" + op, k -> new Group(h, op));
                if (g.site == 0) {
                    g.site = site;
                }
                g.slots.add(sl);
                g.indices.add(idx);
                g.first = Math.min(g.first, idx);
                g.total += n;
            });
        }
        List<LeakGroup> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new LeakGroup(
                    g.handle, g.op, g.first, List.copyOf(g.slots), List.copyOf(g.indices), g.total, g.site));
            SiteCounts c = bySite(g.site, g.first);
            c.obligations += g.total;
            c.handles++;
        }
        out.sort(Comparator.comparingLong(LeakGroup::firstIndex));
        leakGroupCount = out.size();
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
        private final List<SlotFinding> shown = new ArrayList<>();
        private long count;

        Collector(int limit) {
            this.limit = limit;
        }

        void add(JournalEvent e, String kind, String detail) {
            add(e.slot, e.index, e.op, e.handle, kind, detail);
        }

        void add(int slot, long index, int op, long handle, String kind, String detail) {
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
