package io.framejournal.replay.analysis;

import io.framejournal.allocator.SlotSource;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.CallSite;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.ReplayStart;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SiteTable;
import io.framejournal.journal.SlotInvariant;
import io.framejournal.journal.SlotLedger;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.WriterIdentity;
import io.framejournal.replay.analysis.AuditReport.Divergence;
import io.framejournal.replay.analysis.AuditReport.Findings;
import io.framejournal.replay.analysis.AuditReport.LeakGroup;
import io.framejournal.replay.analysis.AuditReport.LeakedHandle;
import io.framejournal.replay.analysis.AuditReport.RawLeak;
import io.framejournal.replay.analysis.AuditReport.SiteGroup;
import io.framejournal.replay.analysis.AuditReport.TornCompound;
import java.nio.file.Path;
import java.util.ArrayList;
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

    static final long CLOSE_STATUS_WAIT_MS = 2_000;

    /** The region; a follow's report reads its status again at the end ({@link #finishFollowing}). */
    private RegionInput region;

    private final long at;
    private final int limit;
    private final int nrSlots;
    private final Start start;

    private LedgerReplay replay;
    private final OpenCompounds open = new OpenCompounds();
    private final Collector invariants;
    private final Collector transitions;
    private final List<LeakedHandle> leakedHandles = new ArrayList<>();
    private long leakGroupCount;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> checkpointFindings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long checkpointIndex = JournalIndex.NONE;
    private EventFilter filter = EventFilter.ALL;
    /** LEAKED_HANDLE events that pass the filter. */
    private long leakedHandleCount;
    /** Outstanding obligations in the groups that pass the filter. */
    private long leakObligations;

    /** Where an audit starts. */
    public enum Start {
        /** The journal's start; the oldest usable checkpoint when the journal's early files were retired. */
        BEGINNING,
        /** The newest usable checkpoint (at or before {@code --at}): only the suffix is audited. */
        NEWEST_CHECKPOINT
    }

    /**
     * @param region the region, opened for reading
     * @param at     replay events up to and including this journal index; {@link JournalIndex#NONE} for all
     * @param limit  findings of one category kept in detail
     */
    public Auditor(RegionInput region, long at, int limit) {
        this(region, at, limit, Start.BEGINNING);
    }

    public Auditor(RegionInput region, long at, int limit, Start start) {
        this.region = region;
        this.at = at;
        this.limit = limit;
        this.nrSlots = region.nrSlots();
        this.start = start;
        this.invariants = new Collector(limit);
        this.transitions = new Collector(limit);
    }

    /** What the user should know about where the audit started; not a problem (printed to stderr by the CLI). */
    public List<String> notes() {
        return notes;
    }

    /**
     * Lists (and counts) only the entries that pass {@code f}: by the frame, index, op, handle and event kind behind
     * each. Its time bounds must already be indices ({@link EventFilter#withTimesAsIndices}); {@code --site} keeps the
     * leaks, raw references and leaked handles of those call sites (findings keep no site, so none pass it); the
     * thread does not apply (entries do not keep it). The replay itself always covers every event.
     */
    public Auditor filter(EventFilter f) {
        if (f.byThread()) {
            throw new IllegalArgumentException("--thread does not apply to the audit's lists (leaks and findings do"
                    + " not keep the thread of their events); use dump or history with it");
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
        // A region a writer may be using: read every slot's lastIndex from the table BEFORE reading the journal, so
        // that what was read of the table can only be behind what is read of the journal (write-ahead), and a slot
        // ahead of the journal is real divergence. Only lastIndex decides that comparison; the table is read in place.
        writer = region.clean() ? null : WriterIdentity.describe(region.dir());
        if (region.statusWarning() != null) {
            warnings.add(region.statusWarning());
        }
        long[] early = null;
        String earlyProblem = null;
        if (!region.clean() && at == JournalIndex.NONE && region.hasSlotTable()) {
            try (SlotSource table = SlotTable.openReadOnly(region.layout().slots(), nrSlots)) {
                long[] lastIndex = new long[nrSlots];
                table.forEach((slot, s) -> lastIndex[slot] = s.lastIndex);
                early = lastIndex;
            } catch (RegionException unreadable) {
                earlyProblem = unreadable.getMessage();
            }
        }
        return run(progress, early, earlyProblem);
    }

    /** Opens the replay where {@link #start} says; a journal whose start was retired begins at its oldest checkpoint. */
    private ReplayStart openStart() {
        Path journal = region.layout().journal();
        Path checkpoints = region.layout().checkpoints();
        if (start == Start.NEWEST_CHECKPOINT) {
            ReplayStart s = ReplayStart.open(journal, checkpoints, nrSlots, at, true);
            if (!s.fromCheckpoint()) {
                notes.add("--since-checkpoint: the region has no usable checkpoint"
                        + (at == JournalIndex.NONE ? "" : " at or before " + JournalIndex.format(at))
                        + "; the whole journal was audited");
            }
            return s;
        }
        if (ReplayStart.journalStartRetired(journal)) {
            ReplayStart s = ReplayStart.openOldest(journal, checkpoints, nrSlots, at);
            if (s.fromCheckpoint()) {
                notes.add("the journal's early files were retired: the audit starts from its oldest usable checkpoint"
                        + " (index " + JournalIndex.format(s.checkpoint().index()) + ")");
            }
            return s;
        }
        return ReplayStart.open(journal, checkpoints, nrSlots, at, false);
    }

    private AuditReport run(Progress progress, long[] early, String earlyProblem) {
        String stop;
        try (ReplayStart from = openStart()) {
            replay = from.replay().listener(new FindingDetails()).knownSites(knownSites());
            warnings.addAll(from.warnings());
            if (from.fromCheckpoint()) {
                checkpointIndex = from.checkpoint().index();
                if (filter.isAll()) { // a checkpoint keeps counts, not the entries a filter would judge
                    invariants.count = replay.counter(LedgerReplay.Counter.INVARIANT_FINDINGS);
                    transitions.count = replay.counter(LedgerReplay.Counter.TRANSITION_FINDINGS);
                    leakedHandleCount = replay.counter(LedgerReplay.Counter.LEAKED_HANDLES);
                }
            }
            CheckpointCheck passing = new CheckpointCheck(region, replay.lastRecord(), at);
            JournalReader reader = from.reader();
            LedgerPass.Outcome pass = LedgerPass.run(reader, replay, at, progress, index -> {
                if (index != replay.lastRecord()) {
                    passing.passed(replay, checkpointFindings);
                }
            });
            passing.passed(replay, checkpointFindings);
            replay.addRecordBytes(pass.bytes());
            String missing = from.missingStart(pass.read() == 0 ? -1 : reader.firstSeqRead());
            if (missing != null) {
                warnings.add(missing);
            }
            stop = JournalEnd.problem(reader, region, replay.lastRecord(), pass.stoppedAt() || at != JournalIndex.NONE);
            if (stop == null && at == JournalIndex.NONE && region.clean()) { // a live writer's end moves on
                passing.pastTheEnd(replay, checkpointFindings);
            }
        }
        long events = replay.counter(LedgerReplay.Counter.EVENTS);
        long records = replay.counter(LedgerReplay.Counter.RECORDS);
        long first = replay.counter(LedgerReplay.Counter.FIRST_INDEX);
        return report(events, records, first, replay.lastRecord(), stop, early, earlyProblem);
    }

    /** Details of the replay's findings, kept up to the limit. */
    private final class FindingDetails implements LedgerReplay.Listener {
        @Override
        public void transition(JournalEvent e, String kind, String detail) {
            String d = detail;
            if (d == null) {
                d = kind.equals("UNATTRIBUTED_REDEEM")
                        ? "handle " + Fmt.handle(e.handle) + " redeemed an obligation it never minted on this slot"
                        : e.kind + " " + Fmt.change(e) + " does not follow from the replayed state";
            }
            transitions.detail(e, kind, d);
        }

        @Override
        public void invariant(JournalEvent e, int bad, SlotState slot) {
            invariants.detail(
                    e, (bad & 0xffff) != 0 ? "INVARIANT" : "LEDGER", SlotInvariant.describe(bad) + " (" + slot + ")");
        }

        @Override
        public void marker(JournalEvent e) {
            onMarker(e);
        }
    }

    // ---------------------------------------------------------------- following a live journal

    private long followEvents;
    private long followRecords;
    private long followFirst = JournalIndex.NONE;
    private long followLast = JournalIndex.NONE;

    /** Applies one event of a journal being followed ({@code audit --follow}), in journal order. */
    public void accept(JournalEvent e) {
        if (replay == null) {
            replay = new LedgerReplay(nrSlots).listener(new FindingDetails());
        }
        if (followFirst == JournalIndex.NONE) {
            followFirst = e.index;
        }
        if (e.index != followLast) {
            followRecords++;
        }
        followLast = e.index;
        followEvents++;
        replay.apply(e, 0);
    }

    /** Obligations outstanding now (all, unfiltered). */
    public long outstandingObligations() {
        return replay == null ? 0 : replay.obligations().live();
    }

    /** Raw references outstanding now (all, unfiltered). */
    public long outstandingRaw() {
        return replay == null ? 0 : replay.raw().live();
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
     * The slot state replayed from what {@link #accept} was given ({@code null} before the first event): the state an
     * exporter that feeds the audit can write instead of replaying every event a second time.
     */
    public ReplayState acceptedState() {
        return replay == null ? null : replay.state();
    }

    /**
     * The report of what {@link #accept} was given: the same checks as {@link #run} at its end (outstanding leaks,
     * the ledger, divergence from the slot table as far as a live region allows).
     */
    public AuditReport finishFollowing(String stopReason) {
        return finishFollowing(stopReason, false);
    }

    /**
     * {@link #finishFollowing(String)} for a follow that ended at the writer's close ({@code writerClosed}): the writer
     * marks the region clean just after it appends its REGION_CLOSE, so its status is awaited a moment (at most {@value
     * #CLOSE_STATUS_WAIT_MS} ms) before the report describes the region.
     */
    public AuditReport finishFollowing(String stopReason, boolean writerClosed) {
        if (writerClosed) {
            long deadline =
                    System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CLOSE_STATUS_WAIT_MS);
            while (!io.framejournal.journal.RegionStatus.readsClean(
                            region.layout().status())
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
        if (replay == null) {
            replay = new LedgerReplay(nrSlots).listener(new FindingDetails());
        }
        region = region.statusNow(); // a follow that ended at the writer's close finds the region clean
        writer = region.clean() ? null : WriterIdentity.describe(region.dir());
        String status = region.statusWarning();
        if (status != null && !warnings.contains(status)) {
            warnings.add(status); // as run() says it (an export feeds this audit; audit --follow ends here)
        }
        return report(followEvents, followRecords, followFirst, followLast, stopReason, null, null);
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
                if (!filter.testEntry(e.slot, e.index, (int) e.after, e.handle, e.kind, e.site)) {
                    break;
                }
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

    /** The writer of a region not closed cleanly, live or died; {@code null} when clean or not on record. */
    private String writer;

    private AuditReport report(
            long events, long records, long first, long last, String stop, long[] early, String earlyProblem) {
        List<LeakGroup> leaks = leakGroups();
        List<RawLeak> rawLeaks = new ArrayList<>();
        long[] rawLeakCount = {0};
        long[] rawReferences = {0};
        Collector ledger = new Collector(limit);
        Collector torn = new Collector(limit);
        ledger.filter = filter;
        torn.filter = filter;
        SlotState s = new SlotState();
        ReplayState state = replay.state();
        SlotLedger raw = replay.raw();
        for (int slot = 0; slot < nrSlots; slot++) {
            if (!raw.isEmpty(slot)) {
                raw.forEachWithSite(slot, (sl, h, op, idx, n, site) -> {
                    if (!filter.testEntry(sl, idx, op, h, io.framejournal.journal.EventKind.RAW_FORGET, site)) {
                        return;
                    }
                    rawLeakCount[0]++;
                    rawReferences[0] += n;
                    bySite(site, idx).rawReferences += n;
                    if (rawLeaks.size() < limit) {
                        rawLeaks.add(new RawLeak(sl, h, op, idx, n, site));
                    }
                });
            }
            state.load(slot, s);
            if (replay.midOp(slot)) {
                torn.add(
                        slot,
                        s.lastIndex,
                        replay.lastOp(slot),
                        replay.lastHandle(slot),
                        "TORN_SLOT",
                        "last event lacks the op-end flag: the operation stopped part way (" + s + ")");
                continue;
            }
            int bad = SlotInvariant.checkLedger(s);
            if (bad != 0) {
                ledger.add(
                        slot,
                        s.lastIndex,
                        replay.lastOp(slot),
                        replay.lastHandle(slot),
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
        Map<Integer, CallSite> sites = namedSites(leaks, rawLeaks); // before the warnings are copied: it may add one
        return new AuditReport(
                region.dir(),
                nrSlots,
                region.config().maxPaddr(),
                region.config().formatVersion(),
                region.clean(),
                region.archive(),
                at,
                events,
                records,
                first,
                last,
                stop,
                leaks,
                filter.isAll() ? replay.obligations().live() : leakObligations,
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
                checkpointIndex,
                List.copyOf(checkpointFindings),
                writer,
                filter.describe(),
                siteGroups(),
                siteGroups.size(),
                sites);
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

    /**
     * How many call sites the region's table holds, for judging the sites the records name; -1 (judge none) when the
     * table is damaged (its problem is a warning of its own, and sites past the damage are unknown, not absent), cannot
     * be read, or is missing (an archive made by a build before archives kept {@code sites.fjs} has none, though its
     * records name sites).
     */
    private int knownSites() {
        if (!SiteTable.exists(region.layout().sites())) {
            return -1;
        }
        try {
            SiteTable.Sites table = region.sites();
            if (table.problem() != null) {
                return -1;
            }
            int highest = 0; // ids are given densely from 1; the highest bounds them even if one were missing
            for (int id : table.sites().keySet()) {
                highest = Math.max(highest, id);
            }
            return highest;
        } catch (RegionException unreadable) {
            return -1;
        }
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
        SlotLedger obligations = replay.obligations();
        for (int slot = 0; slot < nrSlots; slot++) {
            if (obligations.isEmpty(slot)) {
                continue;
            }
            obligations.forEachWithSite(slot, (sl, h, op, idx, n, site) -> {
                if (!filter.testEntry(sl, idx, op, h, io.framejournal.journal.EventKind.MINT, site)) {
                    return;
                }
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
        leakObligations = out.stream().mapToLong(LeakGroup::total).sum();
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
    }

    private Divergence divergence(String stop, long[] early, String earlyProblem) {
        if (at != JournalIndex.NONE) {
            return skipped("--at was given: the slot table holds the latest state, not the state at "
                    + JournalIndex.format(at));
        }
        if (region.archive()) {
            return skipped("an archive of retired journal files has no slot table");
        }
        if (!region.hasSlotTable()) {
            warnings.add("slot table " + region.layout().slots() + " is missing: the journal was audited, divergence"
                    + " was not checked");
            return skipped("the slot table is missing");
        }
        boolean full = region.clean() && stop == null;
        String reason = null;
        if (!region.clean()) {
            String who = writer == null
                    ? "the region is open (a writer may be live) or was not closed cleanly"
                    : writer.startsWith("live")
                            ? "the region is live: its writer is " + writer
                            : "the region's writer " + writer.substring("died ".length()) + " died without closing it";
            reason = who + ", so the slot table may lag the journal"
                    + (writer != null && writer.startsWith("live")
                            ? ""
                            : " (that is what `framejournal recover` fixes)")
                    + "; the table was read before the journal, so only slots whose table is AHEAD of the journal are"
                    + " divergence";
        } else if (stop != null) {
            reason = "the journal could not be read to its end; only slots whose table is AHEAD of what was read are"
                    + " divergence";
        }
        Collector found = new Collector(limit);
        found.filter = filter;
        SlotState tableState = new SlotState();
        SlotState journal = new SlotState();
        if (earlyProblem != null) {
            warnings.add(earlyProblem + "; divergence was not checked");
            return skipped("the slot table is unreadable");
        }
        // The table is read in place, in bulk (segment by segment, never mapped whole) to find the differing slots,
        // then each of those is read again to report it, in slot order.
        try (SlotSource table = SlotTable.openReadOnly(region.layout().slots(), nrSlots)) {
            java.util.BitSet differing = new java.util.BitSet(nrSlots);
            if (early != null) {
                for (int slot = 0; slot < nrSlots; slot++) {
                    if (Long.compareUnsigned(early[slot] + 1, replay.state().lastIndex(slot) + 1) > 0) {
                        differing.set(slot);
                    }
                }
            } else {
                SlotState replayed = new SlotState();
                table.forEach((slot, inTable) -> {
                    replay.state().load(slot, replayed);
                    boolean differs = full
                            ? !inTable.sameAs(replayed, true)
                            : Long.compareUnsigned(inTable.lastIndex + 1, replayed.lastIndex + 1) > 0;
                    if (differs) {
                        differing.set(slot);
                    }
                });
            }
            for (int slot = differing.nextSetBit(0); slot >= 0; slot = differing.nextSetBit(slot + 1)) {
                table.load(slot, tableState);
                replay.state().load(slot, journal);
                found.add(
                        slot,
                        tableState.lastIndex,
                        replay.lastOp(slot),
                        replay.lastHandle(slot),
                        "DIVERGENCE",
                        "table\u2260journal: " + tableState.diff(journal));
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
        long count;

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

        /** A finding of the replay's (counted there too, unfiltered): counted here if it passes the filter. */
        void detail(JournalEvent e, String kind, String detail) {
            add(e, kind, detail);
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
