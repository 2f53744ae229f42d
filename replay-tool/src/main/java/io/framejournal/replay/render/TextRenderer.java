package io.framejournal.replay.render;

import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.AuditReport.Findings;
import io.framejournal.replay.analysis.AuditReport.LeakGroup;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.IsoTime;
import io.framejournal.replay.analysis.SlotFinding;
import io.framejournal.replay.analysis.StateAt;
import io.framejournal.replay.analysis.Stats;
import io.framejournal.replay.sim.InjectedLeak;
import io.framejournal.replay.sim.SimulationResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Human output: a short summary first, then tables. */
public final class TextRenderer {
    private final PrintStream out;
    private final int maxRows;

    public TextRenderer(PrintStream out) {
        this(out, Integer.MAX_VALUE);
    }

    /** @param maxRows rows shown per table; the rest are counted ("... and N more") */
    public TextRenderer(PrintStream out, int maxRows) {
        this.out = out;
        this.maxRows = maxRows;
    }

    private <T> List<T> head(List<T> all) {
        return all.size() > maxRows ? all.subList(0, maxRows) : all;
    }

    private void more(long total, long shown) {
        if (total > shown) {
            out.println("  ... and " + Fmt.count(total - shown) + " more");
        }
    }

    // ---------------------------------------------------------------- dump

    /** One event on one line. */
    public static String eventLine(JournalEvent e, StringBuilder sb) {
        return appendEventLine(e, sb, TIME.get(), Fmt.ARROW).toString();
    }

    private static final ThreadLocal<IsoTime> TIME = ThreadLocal.withInitial(IsoTime::new);

    /**
     * One event as one line (no line end), into {@code sb} (cleared first); allocates nothing for slot events.
     * {@code arrow} stands for {@link Fmt#ARROW} (see {@link Fmt#appendChange(StringBuilder, JournalEvent, char)}).
     */
    public static StringBuilder appendEventLine(JournalEvent e, StringBuilder sb, IsoTime time, char arrow) {
        sb.setLength(0);
        if (e.index == JournalIndex.NONE) {
            sb.append("none");
        } else {
            Fmt.appendHex(sb, e.index);
        }
        sb.append("  ");
        time.appendTo(sb, e.timestamp).append("  t").append(e.thread).append("  ");
        sb.append(e.kind.name()).append("  ").append(OpCode.nameOf(e.op));
        if (e.slot >= 0) {
            sb.append("  slot=").append(e.slot).append(" paddr=");
            Fmt.appendHex(sb, Fmt.paddrOf(e.slot));
        }
        Fmt.appendChange(sb.append("  "), e, arrow);
        if (e.kind != io.framejournal.journal.EventKind.REGION_OPEN && e.handle != 0) {
            Fmt.appendHandle(sb.append("  handle="), e.handle);
        }
        if (e.site != 0) {
            sb.append("  site=#").append(Integer.toUnsignedString(e.site));
        }
        if (e.isOpEnd()) {
            sb.append("  [op end]");
        }
        return sb;
    }

    // ---------------------------------------------------------------- audit

    public void audit(AuditReport r) {
        out.println("audit " + r.dir() + ": "
                + (r.findings() == 0 ? "clean, no findings" : Fmt.count(r.findings()) + " finding(s)") + " in "
                + Fmt.count(r.events()) + " events of " + Fmt.count(r.records()) + " records ("
                + JournalIndex.format(r.firstIndex()) + " .. " + JournalIndex.format(r.lastIndex()) + ")");
        if (!r.filter().isEmpty()) {
            out.println("  filter:        " + r.filter() + " (lists and counts cover matching entries only)");
        }
        out.println("  region:        " + Fmt.count(r.nrSlots()) + " frames (maxPaddr " + Fmt.hex(r.maxPaddr()) + "), "
                + regionState(r.clean(), r.archive(), r.writer()));
        if (r.at() != JournalIndex.NONE) {
            out.println("  as of:         journal index " + JournalIndex.format(r.at()));
        }
        if (r.checkpointIndex() != JournalIndex.NONE) {
            out.println("  replayed from: the checkpoint at " + JournalIndex.format(r.checkpointIndex())
                    + " (findings before it are counted, not listed)");
        }
        if (r.stopReason() != null) {
            out.println("  journal:       reading STOPPED after " + JournalIndex.format(r.lastIndex()) + ": "
                    + r.stopReason() + " (the report covers what was read)");
        }
        out.println("  leaks:         " + Fmt.count(r.obligations()) + " obligation(s) outstanding in "
                + Fmt.count(r.leakGroupCount()) + " handle group(s); " + Fmt.count(r.rawReferences())
                + " raw reference(s) never restored");
        out.println("  leak detector: " + Fmt.count(r.leakedHandleCount()) + " handle(s) dropped without close");
        out.println(
                "  ledger:        " + r.ledger().count() + " slot(s) with refCount != obligations + raw at the end");
        out.println("  invariants:    " + r.invariants().count() + " break(s) at quiet points");
        out.println("  transitions:   " + r.transitions().count()
                + " illegal / continuity / double free / under- or overflow");
        if (r.formatVersion() >= 2
                && r.tornCompounds().isEmpty()
                && r.tornSlots().count() == 0) {
            out.println("  torn:          none possible: format " + r.formatVersion() + " journals every public call"
                    + " as one record");
        } else {
            out.println("  torn:          " + r.tornCompounds().size() + " compound operation(s), "
                    + r.tornSlots().count() + " slot(s) mid-operation");
        }
        AuditReport.Divergence d = r.divergence();
        out.println("  divergence:    "
                + (d.mode().equals("skipped")
                        ? "not checked: " + d.reason()
                        : d.findings().count() + " slot(s) (" + d.mode()
                                + " check of the slot table against the journal)"));
        if (d.reason() != null && !d.mode().equals("skipped")) {
            out.println("                 note: " + d.reason());
        }
        for (String c : r.checkpointFindings()) {
            out.println("  CHECKPOINT:    " + c);
        }
        boolean anySite = r.bySite().stream().anyMatch(g -> g.site() != 0);
        if (!r.bySite().isEmpty()) {
            out.println("  call sites:    "
                    + (anySite
                            ? Fmt.count(r.siteGroupCount()) + " group(s) of what is outstanding (below)"
                            : r.formatVersion() < 2
                                    ? "none (format-1 journals record no call sites)"
                                    : "none recorded (leak detection DISABLED, or no leaking handle was sampled)"));
        }
        for (String w : r.warnings()) {
            out.println("  WARNING:       " + Fmt.safe(w));
        }
        if (anySite) {
            sitesSection(r);
        }
        leakTable(r, "Outstanding obligations (leaks), by the handle and op that minted them:");
        rawLeakTable(r, "Raw references never restored (into_raw without from_raw):");
        if (!r.leakedHandles().isEmpty()) {
            out.println();
            out.println("Handles the leak detector saw dropped without close (LEAKED_HANDLE):");
            Table t = new Table("HANDLE", "MINTED BY", "FIRST SLOT", "PADDR", "PAGES", "AT", "CREATED AT");
            for (AuditReport.LeakedHandle l : head(r.leakedHandles())) {
                t.row(
                        Fmt.handle(l.handle()),
                        OpCode.nameOf(l.mintOp()),
                        l.slot(),
                        l.slot() >= 0 ? Fmt.paddr(l.slot()) : "-",
                        l.pages(),
                        JournalIndex.format(l.index()),
                        Fmt.site(r.site(l.site()), l.site()));
            }
            t.print(out, "  ");
            more(r.leakedHandleCount(), head(r.leakedHandles()).size());
        }
        if (!r.tornCompounds().isEmpty()) {
            out.println();
            out.println("Torn compound operations (BEGIN without END):");
            Table t = new Table("OP", "FIRST SLOT", "PADDR", "PAGES", "HANDLE", "BEGAN AT");
            for (AuditReport.TornCompound c : head(r.tornCompounds())) {
                t.row(
                        OpCode.nameOf(c.op()),
                        c.startSlot(),
                        Fmt.paddr(c.startSlot()),
                        c.pages(),
                        Fmt.handle(c.handle()),
                        JournalIndex.format(c.beginIndex()));
            }
            t.print(out, "  ");
            more(r.tornCompounds().size(), head(r.tornCompounds()).size());
        }
        findings("Slots torn mid-operation (last event lacks the op-end flag):", r.tornSlots());
        findings("Ledger at the end (refCount vs handle obligations + raw references):", r.ledger());
        findings("Invariant breaks at quiet points:", r.invariants());
        findings("Transitions (continuity = a lost or reordered event):", r.transitions());
        findings("Divergence (slot table vs replayed journal):", d.findings());
    }

    /** Frames of a call site shown in text; JSON has them all. */
    static final int SITE_FRAMES_SHOWN = 3;

    /** What is outstanding, by the call site that left it (Netty's "Created at:", heaptrack's grouping by stack). */
    private void sitesSection(AuditReport r) {
        out.println();
        out.println("Outstanding by call site (the calls that minted, forgot or made the leaked handles; top "
                + SITE_FRAMES_SHOWN + " frames, --json has the whole stack):");
        for (AuditReport.SiteGroup g : head(r.bySite())) {
            List<String> parts = new java.util.ArrayList<>();
            if (g.obligations() > 0) {
                parts.add(Fmt.count(g.obligations()) + " obligation(s) of " + Fmt.count(g.handles()) + " handle(s)");
            }
            if (g.rawReferences() > 0) {
                parts.add(Fmt.count(g.rawReferences()) + " raw reference(s)");
            }
            if (g.leakedHandles() > 0) {
                parts.add(Fmt.count(g.leakedHandles()) + " handle(s) dropped without close");
            }
            String what = String.join(", ", parts) + "; first at " + JournalIndex.format(g.firstIndex());
            if (g.site() == 0) {
                out.println("  no site recorded (handles not sampled): " + what);
                continue;
            }
            io.framejournal.journal.CallSite site = r.site(g.site());
            out.println("  site #" + Integer.toUnsignedString(g.site()) + ": " + what);
            if (site == null) {
                out.println("      (not in the region's site table)");
                continue;
            }
            int n = Math.min(SITE_FRAMES_SHOWN, site.frames().size());
            for (int i = 0; i < n; i++) {
                out.println("      at " + Fmt.frame(site.frames().get(i)));
            }
            if (site.frames().size() > n) {
                out.println("      ... " + (site.frames().size() - n) + " more frame(s)");
            }
        }
        more(r.siteGroupCount(), head(r.bySite()).size());
    }

    private void findings(String title, Findings f) {
        if (f.count() == 0) {
            return;
        }
        out.println();
        out.println(title);
        Table t = new Table("KIND", "SLOT", "PADDR", "INDEX", "OP", "HANDLE", "DETAIL");
        for (SlotFinding s : head(f.shown())) {
            t.row(
                    s.kind(),
                    s.slot(),
                    s.slot() >= 0 ? Fmt.paddr(s.slot()) : "-",
                    JournalIndex.format(s.index()),
                    s.opName(),
                    Fmt.handle(s.handle()),
                    s.detail());
        }
        t.print(out, "  ");
        more(f.count(), head(f.shown()).size());
    }

    /** Slots as compact paddr ranges: {@code 0x5000, 0x8000..0xb000}. */
    public static String ranges(List<Integer> slots) {
        StringBuilder sb = new StringBuilder();
        int[] sorted = slots.stream().mapToInt(Integer::intValue).sorted().toArray();
        int i = 0;
        int shown = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            if (shown++ == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(Fmt.paddr(sorted[i]));
            if (j > i) {
                sb.append("..").append(Fmt.hex(Fmt.paddrOf(sorted[j]) + 4096));
            }
            i = j + 1;
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- history

    /** Frames of a range listed as "now" in text at most (all of them in JSON). */
    static final int RANGE_NOW_LINES = 20;

    /**
     * A range's frames now: how many are free and in use, then the frames in use (a leak's are among them), at most as
     * many lines as events were shown or {@value #RANGE_NOW_LINES}, whichever is more.
     */
    private void rangeNow(History.Report r) {
        long inUse = r.states().values().stream().filter(st -> !st.isFree()).count();
        out.println("  " + Fmt.count(r.states().size()) + " frame(s) of the range touched; now: "
                + Fmt.count(r.states().size() - inUse) + " free, " + Fmt.count(inUse) + " in use"
                + (inUse == 0 ? "" : ":"));
        int room = Math.max(RANGE_NOW_LINES, r.entries().size());
        int shown = 0;
        for (var s : r.states().entrySet()) {
            if (s.getValue().isFree()) {
                continue;
            }
            if (shown == room) {
                out.println("    ... " + Fmt.count(inUse - shown) + " more in use (--json lists every frame; `state DIR"
                        + " --frame N` shows one)");
                break;
            }
            out.println("    " + s.getKey() + " (" + Fmt.paddr(s.getKey()) + "): " + slotState(s.getValue()));
            shown++;
        }
    }

    public void history(History.Report r) {
        String what = r.oneFrame()
                ? "frame " + r.slot() + " (paddr " + Fmt.paddr(r.slot()) + ")"
                : "frames " + r.slot() + ".." + r.slotTo() + " (paddr " + Fmt.paddr(r.slot()) + ".."
                        + Fmt.paddr(r.slotTo()) + ")";
        out.println("history of " + what + " in " + r.dir() + ": " + r.entries().size() + " event(s)"
                + (r.matched() > r.entries().size() ? " shown of " + Fmt.count(r.matched()) + " matching" : "")
                + " of " + Fmt.count(r.events()) + " read");
        if (!r.filter().isEmpty()) {
            out.println("  filter: " + r.filter());
        }
        if (r.oneFrame()) {
            out.println("  now: " + slotState(r.finalState()));
        } else {
            rangeNow(r);
        }
        long bad = r.entries().stream().filter(e -> !e.verdict().equals("OK")).count();
        if (bad > 0) {
            out.println("  " + bad + " event(s) do not follow from the state before them (see VERDICT)");
        }
        if (r.stopReason() != null) {
            out.println("  journal: reading STOPPED: " + r.stopReason());
        }
        if (r.note() != null) {
            out.println("  note: " + r.note());
        }
        if (r.siteProblem() != null) {
            out.println("  WARNING: call-site table: " + Fmt.safe(r.siteProblem()));
        }
        if (r.entries().isEmpty()) {
            return;
        }
        out.println();
        Table t = r.oneFrame()
                ? new Table("INDEX", "TIME", "THREAD", "KIND", "OP", "HANDLE", "CHANGE", "VERDICT", "CALL SITE")
                : new Table(
                        "INDEX", "TIME", "THREAD", "FRAME", "KIND", "OP", "HANDLE", "CHANGE", "VERDICT", "CALL SITE");
        for (History.Entry e : r.entries()) {
            String change = e.change() + ((e.flags() & JournalEvent.FLAG_OP_END) != 0 ? " ." : "");
            String site = Fmt.site(r.site(e.site()), e.site());
            if (r.oneFrame()) {
                t.row(
                        JournalIndex.format(e.index()),
                        Fmt.time(e.timestamp()),
                        e.thread(),
                        e.kind(),
                        OpCode.nameOf(e.op()),
                        Fmt.handle(e.handle()),
                        change,
                        e.verdict(),
                        site);
            } else {
                t.row(
                        JournalIndex.format(e.index()),
                        Fmt.time(e.timestamp()),
                        e.thread(),
                        e.slot(),
                        e.kind(),
                        OpCode.nameOf(e.op()),
                        Fmt.handle(e.handle()),
                        change,
                        e.verdict(),
                        site);
            }
        }
        t.print(out, "  ");
        out.println("  (a trailing '.' marks the last event of an operation: a quiet point)");
    }

    // ---------------------------------------------------------------- diff

    public void diffWindow(io.framejournal.replay.analysis.Diff.WindowReport r) {
        AuditReport a = r.leaks();
        out.println("diff " + r.dir() + " from "
                + (r.from() == JournalIndex.NONE ? "the start" : JournalIndex.format(r.from()))
                + " to " + JournalIndex.format(r.to())
                + (r.stopReason() != null && r.lastRead() != r.to()
                        ? " (reading stopped after " + JournalIndex.format(r.lastRead()) + ")"
                        : "")
                + ": " + Fmt.count(r.events()) + " event(s); "
                + Fmt.count(r.changedCount()) + " frame(s) changed; " + Fmt.count(a.obligations())
                + " obligation(s) minted in the window still outstanding (" + Fmt.count(a.leakGroupCount())
                + " handle group(s)); " + Fmt.count(a.rawReferences())
                + " raw reference(s) forgotten and not restored");
        if (r.stopReason() != null) {
            out.println("  journal: reading STOPPED: " + r.stopReason());
        }
        if (!r.changed().isEmpty()) {
            out.println();
            out.println("Frames whose state changed:");
            Table t = new Table("FRAME", "PADDR", "BEFORE", "AFTER", "CHANGES");
            for (var c : r.changed()) {
                t.row(
                        c.slot(),
                        Fmt.paddr(c.slot()),
                        RefCount.status(c.before().refCount),
                        RefCount.status(c.after().refCount),
                        c.changes());
            }
            t.print(out, "  ");
            more(r.changedCount(), r.changed().size());
        }
        if (a.bySite().stream().anyMatch(g -> g.site() != 0)) {
            sitesSection(a); // what the window left behind, by the code that did it
        }
        leakTable(a, "Obligations minted in the window and outstanding at its end, by handle and op:");
        rawLeakTable(a, "Raw references forgotten in the window and not restored by its end:");
    }

    public void diffRegions(io.framejournal.replay.analysis.Diff.PartReport r) {
        if (!r.parted()) {
            out.println("diff " + r.dirA() + " " + r.dirB() + ": the same " + Fmt.count(r.compared())
                    + " event(s) (timestamps, thread ids and journal indices not compared)");
        } else {
            out.println("diff " + r.dirA() + " " + r.dirB() + ": they part after " + Fmt.count(r.compared())
                    + " equal event(s): " + r.fields());
            StringBuilder sb = new StringBuilder(160);
            out.println("  A: " + (r.eventA() == null ? "(no more events)" : eventLine(r.eventA(), sb)));
            out.println("  B: " + (r.eventB() == null ? "(no more events)" : eventLine(r.eventB(), sb)));
        }
        if (r.acrossFormats()) {
            out.println("  formats: A is format " + r.formatA() + ", B is format " + r.formatB() + ": "
                    + io.framejournal.replay.analysis.Diff.ACROSS_FORMATS);
        }
        if (r.stopReason() != null) {
            out.println("  journal: reading STOPPED: " + r.stopReason());
        }
    }

    public static String slotState(SlotState s) {
        return RefCount.status(s.refCount) + ", refCount " + RefCount.describe(s.refCount) + ", usage "
                + Usage.nameOf(s.usage) + ", metadata "
                + (s.metaType == 0 ? "none" : "type " + s.metaType + " " + Fmt.hex(s.meta0) + "/" + Fmt.hex(s.meta1))
                + ", obligations " + s.obligations + ", raw " + s.raw
                + (s.inList != 0 ? ", on list " + s.inList : "") + ", last event " + JournalIndex.format(s.lastIndex);
    }

    // ---------------------------------------------------------------- state

    public void state(StateAt.Report r) {
        out.println("state of " + r.dir() + " as of "
                + (r.at() == JournalIndex.NONE
                        ? "the end of the journal"
                        : "journal index " + JournalIndex.format(r.at()))
                + " (last event applied " + JournalIndex.format(r.lastApplied())
                + ", " + Fmt.count(r.events()) + " events)");
        if (r.stopReason() != null) {
            out.println("  journal: reading STOPPED: " + r.stopReason());
        }
        if (r.slotState() != null) {
            out.println("  frame " + r.slot() + " (paddr " + Fmt.paddr(r.slot()) + "): " + slotState(r.slotState()));
            return;
        }
        out.println("  " + Fmt.count(r.nrSlots()) + " frames; obligations outstanding " + Fmt.count(r.obligations())
                + ", raw references " + Fmt.count(r.raw()) + ", on frame lists " + Fmt.count(r.onLists()));
        out.println();
        counts("STATUS", r.byStatus());
        out.println();
        counts("USAGE", r.byUsage());
    }

    private void counts(String what, Map<String, Long> counts) {
        counts(what, "FRAMES", counts);
    }

    private void counts(String what, String unit, Map<String, Long> counts) {
        Table t = new Table(what, unit);
        counts.forEach((k, v) -> t.row(k, Fmt.count(v)));
        t.print(out, "  ");
    }

    // ---------------------------------------------------------------- stats

    /** An archive's region line: it has no status and no slot table, and nothing to recover. */
    private static final String ARCHIVE =
            "an archive of retired journal files (`retain --archive`): no status or slot table, nothing to recover";

    /** How the region stands, for audit's and stats' region lines. */
    private static String regionState(boolean clean, boolean archive, String writer) {
        if (clean) {
            return "closed cleanly";
        }
        if (archive) {
            return ARCHIVE;
        }
        if (writer == null) {
            return "OPEN or not closed cleanly (writer live or died; see `recover`)";
        }
        return writer.startsWith("live")
                ? "LIVE: a writer has it open, " + writer
                : "NOT CLOSED CLEANLY: its writer " + writer + "; run `framejournal recover`";
    }

    public void stats(Stats.Report r) {
        double seconds = (r.lastTimestamp() - r.firstTimestamp()) / 1e9;
        out.println(
                "stats of " + r.dir() + ": " + Fmt.count(r.events()) + " events in " + r.sessions() + " session(s), "
                        + r.cleanCloses() + " clean close(s), " + r.recoveries() + " recovery(ies); region "
                        + regionState(r.clean(), r.archive(), r.writer()));
        out.println("  frames:  " + Fmt.count(r.nrSlots()) + " (maxPaddr " + Fmt.hex(r.maxPaddr()) + ")");
        out.println("  span:    "
                + (r.events() == 0
                        ? "empty"
                        : Fmt.time(r.firstTimestamp()) + " .. " + Fmt.time(r.lastTimestamp())
                                + String.format(java.util.Locale.ROOT, " (%.3f s)", seconds)));
        out.println("  indices: " + JournalIndex.format(r.firstIndex()) + " .. " + JournalIndex.format(r.lastIndex()));
        out.println("  journal: " + r.journalFiles() + " queue file(s), " + Fmt.bytes(r.journalBytes())
                + " apparent (sparse, grown in 4 MiB blocks); " + Fmt.count(r.records()) + " records of "
                + Fmt.bytes(r.recordBytes())
                + String.format(java.util.Locale.ROOT, " = %.1f bytes/event", r.bytesPerEvent())
                + " (with Chronicle's 4-byte headers)"
                + (r.events() > 0
                        ? String.format(
                                java.util.Locale.ROOT,
                                "; %.1f apparent bytes/event",
                                r.journalBytes() / (double) r.events())
                        : ""));
        if (!r.archive()) {
            out.println("  slots:   "
                    + (r.slotTableMissing()
                            ? "no slot table (missing)"
                            : Fmt.bytes(r.slotTableBytes()) + " slot table"));
        }
        if (r.stopReason() != null) {
            out.println("  journal: reading STOPPED: " + r.stopReason());
        }
        out.println();
        counts("KIND", "EVENTS", r.byKind());
        out.println();
        counts("OP", "EVENTS", r.byOp());
        out.println();
        StateAt.Report f = r.frames();
        counts("STATUS", f.byStatus());
        out.println();
        counts("USAGE", f.byUsage());
        out.println();
        out.println("  obligations outstanding " + Fmt.count(f.obligations()) + ", raw references " + Fmt.count(f.raw())
                + ", on frame lists " + Fmt.count(f.onLists()));
    }

    // ---------------------------------------------------------------- recover

    public void recovery(RecoveryReport r) {
        if (r.alreadyClean()) {
            out.println("recover " + r.dir() + ": already clean, nothing to do (nothing was changed)");
            if (r.damageBeforeStart() != null) {
                out.println("  DAMAGE:    " + damageBeforeStart(r));
            }
            return;
        }
        String what =
                switch (r.verdict()) {
                    case RecoveryReport.REPAIRED ->
                        "DAMAGE REPAIRED from the journal; the region is now consistent and marked" + " clean";
                    case RecoveryReport.SALVAGED ->
                        "journal SALVAGED (cut at the last record that checks), slot table rebuilt;"
                                + " the region is now consistent and marked clean";
                    default -> "region is consistent and marked clean";
                };
        out.println("recover " + r.dir() + ": " + what
                + (r.damageBeforeStart() != null ? "; its journal is DAMAGED before the checkpoint (below)" : ""));
        String start = r.redoPoint() != null
                ? "the redo point (" + r.redoPoint() + ")"
                : r.checkpointIndex() == JournalIndex.NONE
                        ? null
                        : "the checkpoint at " + JournalIndex.format(r.checkpointIndex());
        if (r.recordsScanned() == 0 && r.fromIndex() == JournalIndex.NONE) {
            // "0 records (0 events) from none" said nothing: no record follows where the replay started
            out.println(
                    "  scanned:   no record: " + (start == null ? "the journal has none" : "none follows " + start));
        } else {
            out.println("  scanned:   " + Fmt.count(r.recordsScanned()) + " records (" + Fmt.count(r.eventsScanned())
                    + " events) from " + JournalIndex.format(r.fromIndex())
                    + (start == null ? ", the whole journal, replayed" : ", replayed from " + start));
        }
        out.println("  journal:   " + journalRead(r, start));
        if (r.damageBeforeStart() != null) {
            out.println("  DAMAGE:    " + damageBeforeStart(r));
        }
        for (String warning : r.warnings()) {
            out.println("  warning:   " + warning);
        }
        out.println((r.redoPoint() != null
                        ? "  verified:  every slot the journal after the redo point touches, against its chain (the"
                                + " rest as forced to disk at the point, structure checked): "
                        : "  verified:  every slot of the table against the replay: ")
                + r.slotsRedone()
                + " behind (redone), " + r.slotsAhead() + " ahead of the journal, " + r.slotsDisagreed()
                + " disagreeing; " + r.locksCleared() + " slot lock(s) cleared");
        out.println("  calls:     every call is one record: each was wholly redone or wholly absent, none torn");
        out.println("  reclaimed: " + r.framesReclaimed() + " frame(s), " + r.obligationsRedeemed()
                + " obligation(s) redeemed, " + r.rawRestored() + " raw reference(s) released");
        if (r.salvage() != null) {
            RecoveryReport.Salvage sv = r.salvage();
            out.println("  salvage:   kept " + Fmt.count(sv.recordsKept()) + " record(s) up to "
                    + JournalIndex.format(sv.lastKeptIndex()) + "; dropped everything after it: " + sv.reason());
            out.println("             damaged journal kept whole in " + sv.damagedJournal() + "; report "
                    + sv.reportFile());
        }
        out.println("  last index " + JournalIndex.format(r.lastIndex()));
        if (!r.repairs().isEmpty()) {
            out.println();
            out.println("  Repaired slots (table set to the journal's state):");
            for (String line : r.repairs()) {
                out.println("    " + line);
            }
            if (r.slotsAhead() + r.slotsDisagreed() > r.repairs().size()) {
                out.println("    ... "
                        + (r.slotsAhead() + r.slotsDisagreed() - r.repairs().size()) + " more");
            }
        }
    }

    /**
     * Which records recovery read and checked (CRC-32C, sequence numbers): never more than it did. A start at a
     * checkpoint or at the redo point leaves the records before it unread, and a record damaged there unseen.
     */
    private static String journalRead(RecoveryReport r, String from) {
        String start = from != null ? from : "where the replay started";
        if (r.journalReadWhole()) {
            return "every record it holds read and checked (CRC-32C, sequence numbers)";
        }
        if (r.damageBeforeStart() != null) {
            return "read and checked to its end; DAMAGED before " + start + " (below)";
        }
        String read = r.fromIndex() == JournalIndex.NONE
                ? "no record follows " + start + "; the records before it"
                : "read and checked from " + JournalIndex.format(r.fromIndex())
                        + " to its end only; the records before " + start;
        return read + " were not read (recovery does not need them), so a record damaged there is not seen:"
                + " `framejournal audit " + r.dir() + "` or `recover --verify-all` reads them all";
    }

    private static String damageBeforeStart(RecoveryReport r) {
        return r.damageBeforeStart() + "; recovery did not need those records (the checkpoint holds their state) and"
                + " left them as they are, but audit, history, dump and state read the journal from its start and stop"
                + " there";
    }

    // ---------------------------------------------------------------- simulate

    public void simulation(SimulationResult r) {
        out.println("simulate " + r.dir() + ": " + (r.stopped() ? "stopped (interrupted) after " : "")
                + Fmt.count(r.ops()) + " ops on " + r.threads() + " thread(s) in "
                + String.format(java.util.Locale.ROOT, "%.2f s", r.nanos() / 1e9) + ", seed " + r.seed() + ", region "
                + (r.created() ? "created" : "reopened") + " and closed cleanly");
        out.println("  injected " + r.leakedHandles() + " leaked handles, " + r.unrestoredRaw() + " unrestored raw refs"
                + " over " + r.unrestoredRawFrames() + " frame(s) (audit counts them per frame)");
        out.println("  journal " + JournalIndex.format(r.firstIndex()) + " .. " + JournalIndex.format(r.lastIndex()));
        if (!r.expectedErrors().isEmpty()) {
            out.println("  allocator errors met and handled: " + r.expectedErrors());
        }
        if (r.checkpointProblem() != null) {
            out.println("  WARNING: " + r.checkpointProblem());
        }
        if (r.redoPointProblem() != null) {
            out.println("  WARNING: " + r.redoPointProblem());
        }
        out.println();
        counts("OP", "COUNT", r.byOp());
        if (!r.injected().isEmpty()) {
            out.println();
            Table t = new Table("INJECTED", "TYPE", "HANDLE", "PADDR", "PAGES");
            for (InjectedLeak l : r.injected()) {
                t.row(l.kind(), l.type(), Fmt.handle(l.handle()), Fmt.hex(l.start()), l.pages());
            }
            t.print(out, "  ");
        }
    }

    /** The outstanding obligations of an audit (or a diff's window) by minting handle and op, under {@code title}. */
    private void leakTable(AuditReport r, String title) {
        if (r.leaks().isEmpty()) {
            return;
        }
        out.println();
        out.println(title);
        Table t = new Table("HANDLE", "MINTED BY", "FRAMES", "FIRST MINT", "PADDRS", "CALL SITE");
        for (LeakGroup g : head(r.leaks())) {
            t.row(
                    Fmt.handle(g.handle()),
                    OpCode.nameOf(g.op()),
                    g.total(),
                    JournalIndex.format(g.firstIndex()),
                    ranges(g.slots()),
                    Fmt.site(r.site(g.site()), g.site()));
        }
        t.print(out, "  ");
        more(r.leakGroupCount(), head(r.leaks()).size());
    }

    /** The raw references an audit (or a diff's window) found never restored, under {@code title}. */
    private void rawLeakTable(AuditReport r, String title) {
        if (r.rawLeaks().isEmpty()) {
            return;
        }
        out.println();
        out.println(title);
        Table t = new Table("SLOT", "PADDR", "COUNT", "FORGOTTEN BY", "OP", "AT", "CALL SITE");
        for (AuditReport.RawLeak l : head(r.rawLeaks())) {
            t.row(
                    l.slot(),
                    Fmt.paddr(l.slot()),
                    l.count(),
                    Fmt.handle(l.handle()),
                    OpCode.nameOf(l.op()),
                    JournalIndex.format(l.index()),
                    Fmt.site(r.site(l.site()), l.site()));
        }
        t.print(out, "  ");
        more(r.rawLeakCount(), head(r.rawLeaks()).size());
    }
}
