package io.framejournal.replay.render;

import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.CallSite;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.AuditReport.Findings;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.SlotFinding;
import io.framejournal.replay.analysis.StateAt;
import io.framejournal.replay.analysis.Stats;
import io.framejournal.replay.sim.InjectedLeak;
import io.framejournal.replay.sim.SimulationResult;
import java.util.Map;

/**
 * {@code --json} output; the schemas are documented in {@code docs/JSON.md}. Every document has {@code "command"}
 * and {@code "schema"} (bumped on incompatible change). Indices and paddrs are {@code "0x…"} strings (null for
 * none), handles are numbers with a {@code handleText} twin ({@code session:counter}).
 */
public final class JsonRenderer {
    public static final int SCHEMA = 2;

    private JsonRenderer() {}

    static JsonWriter header(JsonWriter w, String command) {
        return w.beginObject().field("command", command).field("schema", SCHEMA);
    }

    private static String index(long i) {
        return i == JournalIndex.NONE ? null : JournalIndex.format(i);
    }

    private static void handle(JsonWriter w, long h) {
        w.int64("handle", h).field("handleText", Fmt.handle(h));
    }

    /** {@code "site": id}, or null for none. */
    private static void site(JsonWriter w, int id) {
        w.name("site");
        if (id == 0) {
            w.nullValue();
        } else {
            w.value(Integer.toUnsignedLong(id));
        }
    }

    /**
     * {@code "sites": [...]}: each named call site with its whole stack, innermost frame first. The strings come from
     * the region's site table, which may have been made elsewhere: the writer encodes every control character.
     */
    private static void sites(JsonWriter w, Map<Integer, CallSite> sites) {
        w.name("sites").beginArray();
        for (CallSite s : sites.values()) {
            w.beginObject()
                    .field("site", Integer.toUnsignedLong(s.id()))
                    .name("frames")
                    .beginArray();
            for (CallSite.Frame f : s.frames()) {
                w.beginObject()
                        .field("class", f.className())
                        .field("method", f.method())
                        .field("file", f.file().isEmpty() ? null : f.file())
                        .field("line", f.line())
                        .field("text", f.text())
                        .endObject();
            }
            w.endArray().endObject();
        }
        w.endArray();
    }

    // ---------------------------------------------------------------- dump

    /** One event as one JSON object (a line of {@code dump --json}). */
    public static void event(JsonWriter w, JournalEvent e) {
        w.beginObject()
                .field("index", JournalIndex.format(e.index))
                .time("time", e.timestamp)
                .field("thread", e.thread)
                .field("site", e.site)
                .field("kind", e.kind.name())
                .field("op", OpCode.nameOf(e.op))
                .field("flags", e.flags)
                .field("opEnd", e.isOpEnd())
                .field("slot", e.slot)
                .field("paddr", e.slot >= 0 ? Fmt.paddr(e.slot) : null)
                .field("metaType", e.metaType)
                .int64("before", e.before)
                .int64("after", e.after);
        handle(w, e.handle);
        w.field("change", Fmt.change(e)).endObject();
    }

    // ---------------------------------------------------------------- audit

    public static String audit(AuditReport r) {
        JsonWriter w = new JsonWriter(true);
        audit(w, r);
        return w.take();
    }

    /** The audit document as the next value of {@code w}. */
    public static void audit(JsonWriter w, AuditReport r) {
        header(w, "audit");
        w.field("dir", r.dir().toString());
        w.name("region")
                .beginObject()
                .field("frames", r.nrSlots())
                .field("maxPaddr", Fmt.hex(r.maxPaddr()))
                .field("clean", r.clean())
                .field("archive", r.archive())
                .field("writer", r.writer())
                .field("format", r.formatVersion())
                .endObject();
        w.name("journal")
                .beginObject()
                .field("events", r.events())
                .field("records", r.records())
                .field("first", index(r.firstIndex()))
                .field("last", index(r.lastIndex()))
                .field("at", index(r.at()))
                .field("checkpoint", index(r.checkpointIndex()))
                .field("stopReason", r.stopReason())
                .endObject();
        w.field("findings", r.findings());
        w.field("filter", r.filter());
        leaksAndRawReferences(w, r);
        w.field("leakedHandleCount", r.leakedHandleCount());
        w.name("leakedHandles").beginArray();
        for (AuditReport.LeakedHandle l : r.leakedHandles()) {
            w.beginObject()
                    .field("index", index(l.index()))
                    .field("slot", l.slot())
                    .field("paddr", l.slot() >= 0 ? Fmt.paddr(l.slot()) : null)
                    .field("pages", l.pages())
                    .field("op", OpCode.nameOf(l.mintOp()));
            handle(w, l.handle());
            site(w, l.site());
            w.endObject();
        }
        w.endArray();
        bySite(w, r);
        w.name("tornCompounds").beginArray();
        for (AuditReport.TornCompound c : r.tornCompounds()) {
            w.beginObject()
                    .field("compound", c.compound())
                    .field("op", OpCode.nameOf(c.op()))
                    .field("slot", c.startSlot())
                    .field("paddr", Fmt.paddr(c.startSlot()))
                    .field("pages", c.pages())
                    .field("index", index(c.beginIndex()));
            handle(w, c.handle());
            w.endObject();
        }
        w.endArray();
        findings(w, "tornSlots", r.tornSlots());
        findings(w, "ledger", r.ledger());
        findings(w, "invariants", r.invariants());
        findings(w, "transitions", r.transitions());
        w.name("divergence")
                .beginObject()
                .field("mode", r.divergence().mode())
                .field("reason", r.divergence().reason());
        findingsBody(w, r.divergence().findings());
        w.endObject();
        w.name("checkpoints").beginArray();
        r.checkpointFindings().forEach(w::value);
        w.endArray();
        w.name("warnings").beginArray();
        r.warnings().forEach(w::value);
        w.endArray();
        w.endObject();
    }

    private static void findings(JsonWriter w, String name, Findings f) {
        w.name(name).beginObject();
        findingsBody(w, f);
        w.endObject();
    }

    private static void findingsBody(JsonWriter w, Findings f) {
        w.field("count", f.count()).name("entries").beginArray();
        for (SlotFinding s : f.shown()) {
            w.beginObject()
                    .field("kind", s.kind())
                    .field("slot", s.slot())
                    .field("paddr", s.slot() >= 0 ? Fmt.paddr(s.slot()) : null)
                    .field("index", index(s.index()))
                    .field("op", s.opName());
            handle(w, s.handle());
            w.field("detail", s.detail()).endObject();
        }
        w.endArray();
    }

    // ---------------------------------------------------------------- history / state

    static void slotState(JsonWriter w, SlotState s) {
        w.beginObject()
                .field("status", RefCount.status(s.refCount))
                .int64("refCount", s.refCount)
                .field("refCountText", RefCount.describe(s.refCount))
                .field("usage", Usage.nameOf(s.usage))
                .field("metaType", s.metaType)
                .int64("meta0", s.meta0)
                .int64("meta1", s.meta1)
                .field("inList", s.inList)
                .field("obligations", s.obligations)
                .field("raw", s.raw)
                .field("lastIndex", index(s.lastIndex))
                .endObject();
    }

    public static String history(History.Report r) {
        JsonWriter w = header(new JsonWriter(true), "history");
        w.field("dir", r.dir().toString())
                .field("slot", r.slot())
                .field("paddr", Fmt.paddr(r.slot()))
                .field("slotTo", r.slotTo())
                .field("eventsRead", r.events())
                .field("matched", r.matched())
                .field("filter", r.filter())
                .field("stopReason", r.stopReason());
        if (r.note() != null) {
            w.field("note", r.note());
        }
        w.name("state");
        slotState(w, r.finalState());
        w.name("states").beginArray();
        r.states().forEach((slot, st) -> {
            w.beginObject().field("slot", slot).field("paddr", Fmt.paddr(slot)).name("state");
            slotState(w, st);
            w.endObject();
        });
        w.endArray();
        w.name("events").beginArray();
        for (History.Entry e : r.entries()) {
            w.beginObject()
                    .field("index", index(e.index()))
                    .time("time", e.timestamp())
                    .field("thread", e.thread())
                    .field("slot", e.slot())
                    .field("kind", e.kind().name())
                    .field("op", OpCode.nameOf(e.op()))
                    .field("opEnd", (e.flags() & JournalEvent.FLAG_OP_END) != 0)
                    .int64("before", e.before())
                    .int64("after", e.after())
                    .field("metaType", e.metaType());
            handle(w, e.handle());
            w.field("change", e.change()).field("verdict", e.verdict());
            site(w, e.site());
            w.endObject();
        }
        w.endArray();
        w.field("siteProblem", r.siteProblem());
        sites(w, r.sites());
        return w.endObject().take();
    }

    public static String state(StateAt.Report r) {
        JsonWriter w = header(new JsonWriter(true), "state");
        stateBody(w, r);
        return w.endObject().take();
    }

    private static void stateBody(JsonWriter w, StateAt.Report r) {
        w.field("dir", r.dir().toString())
                .field("at", index(r.at()))
                .field("lastApplied", index(r.lastApplied()))
                .field("events", r.events())
                .field("frames", r.nrSlots())
                .field("stopReason", r.stopReason());
        w.name("warnings").beginArray();
        r.warnings().forEach(w::value);
        w.endArray();
        counts(w, "byStatus", r.byStatus());
        counts(w, "byUsage", r.byUsage());
        w.field("obligations", r.obligations()).field("raw", r.raw()).field("onLists", r.onLists());
        if (r.slotState() != null) {
            w.name("frame")
                    .beginObject()
                    .field("slot", r.slot())
                    .field("paddr", Fmt.paddr(r.slot()))
                    .name("state");
            slotState(w, r.slotState());
            w.endObject();
        }
    }

    private static void counts(JsonWriter w, String name, Map<String, Long> counts) {
        w.name(name).beginObject();
        counts.forEach(w::field);
        w.endObject();
    }

    // ---------------------------------------------------------------- diff

    public static String diffWindow(io.framejournal.replay.analysis.Diff.WindowReport r) {
        JsonWriter w = header(new JsonWriter(true), "diff");
        AuditReport a = r.leaks();
        w.field("dir", r.dir().toString())
                .index("from", r.from())
                .index("to", r.to())
                .index("lastRead", r.lastRead())
                .field("events", r.events())
                .field("changedCount", r.changedCount())
                .field("stopReason", r.stopReason());
        w.name("warnings").beginArray();
        r.warnings().forEach(w::value);
        w.endArray();
        w.name("changed").beginArray();
        for (var c : r.changed()) {
            w.beginObject()
                    .field("slot", c.slot())
                    .field("paddr", Fmt.paddr(c.slot()))
                    .name("before");
            slotState(w, c.before());
            w.name("after");
            slotState(w, c.after());
            w.field("changes", c.changes()).endObject();
        }
        w.endArray();
        leaksAndRawReferences(w, a);
        bySite(w, a);
        return w.endObject().take();
    }

    public static String diffRegions(io.framejournal.replay.analysis.Diff.PartReport r) {
        JsonWriter w = header(new JsonWriter(true), "diff");
        w.field("dirA", r.dirA().toString())
                .field("dirB", r.dirB().toString())
                .field("compared", r.compared())
                .field("parted", r.parted())
                .field("fields", r.fields())
                .field("stopReason", r.stopReason())
                .field("formatA", r.formatA())
                .field("formatB", r.formatB());
        w.name("eventA");
        if (r.eventA() == null) {
            w.nullValue();
        } else {
            event(w, r.eventA());
        }
        w.name("eventB");
        if (r.eventB() == null) {
            w.nullValue();
        } else {
            event(w, r.eventB());
        }
        return w.endObject().take();
    }

    // ---------------------------------------------------------------- stats

    public static String stats(Stats.Report r) {
        JsonWriter w = header(new JsonWriter(true), "stats");
        w.field("dir", r.dir().toString())
                .field("frames", r.nrSlots())
                .field("maxPaddr", Fmt.hex(r.maxPaddr()))
                .field("clean", r.clean())
                .field("archive", r.archive())
                .field("writer", r.writer())
                .field("events", r.events())
                .field("firstIndex", index(r.firstIndex()))
                .field("lastIndex", index(r.lastIndex()))
                .time("firstTime", r.firstTimestamp())
                .time("lastTime", r.lastTimestamp())
                .field("sessions", r.sessions())
                .field("cleanCloses", r.cleanCloses())
                .field("recoveries", r.recoveries())
                .field("journalFiles", r.journalFiles())
                .field("journalBytes", r.journalBytes())
                .field("records", r.records())
                .field("recordBytes", r.recordBytes())
                .field("bytesPerEvent", Math.round(r.bytesPerEvent() * 100) / 100.0)
                .field("slotTableBytes", r.slotTableBytes())
                .field("stopReason", r.stopReason());
        w.name("warnings").beginArray();
        r.frames().warnings().forEach(w::value);
        w.endArray();
        counts(w, "byKind", r.byKind());
        counts(w, "byOp", r.byOp());
        StateAt.Report f = r.frames();
        counts(w, "byStatus", f.byStatus());
        counts(w, "byUsage", f.byUsage());
        w.field("obligations", f.obligations()).field("raw", f.raw()).field("onLists", f.onLists());
        return w.endObject().take();
    }

    // ---------------------------------------------------------------- recover / simulate

    public static String recovery(RecoveryReport r) {
        JsonWriter w = new JsonWriter(true);
        recovery(w, r);
        return w.take();
    }

    /** The recovery document as the next value of {@code w}. */
    public static void recovery(JsonWriter w, RecoveryReport r) {
        header(w, "recover");
        recoveryBody(w, r);
        w.endObject();
    }

    static void recoveryBody(JsonWriter w, RecoveryReport r) {
        w.field("dir", r.dir().toString())
                .field("alreadyClean", r.alreadyClean())
                .field("verdict", r.verdict())
                .field("fromIndex", index(r.fromIndex()))
                .field("recordsScanned", r.recordsScanned())
                .field("eventsScanned", r.eventsScanned())
                .field("slotsRedone", r.slotsRedone())
                .field("slotsAhead", r.slotsAhead())
                .field("slotsDisagreed", r.slotsDisagreed())
                .field("slotsRepaired", r.slotsRepaired())
                .field("locksCleared", r.locksCleared())
                .field("framesReclaimed", r.framesReclaimed())
                .field("obligationsRedeemed", r.obligationsRedeemed())
                .field("rawRestored", r.rawRestored())
                .field("journalProblem", r.journalProblem())
                .field("lastIndex", index(r.lastIndex()))
                .field("checkpointIndex", index(r.checkpointIndex()))
                .field(
                        "redoPoint",
                        r.redoPoint() == null ? null : index(r.redoPoint().anchor()))
                .field(
                        "redoPointInclusive",
                        r.redoPoint() != null && r.redoPoint().inclusive())
                .field("journalReadWhole", r.journalReadWhole())
                .field("damageBeforeStart", r.damageBeforeStart());
        w.name("repairs").beginArray();
        r.repairs().forEach(w::value);
        w.endArray();
        w.name("warnings").beginArray();
        r.warnings().forEach(w::value);
        w.endArray();
        if (r.salvage() != null) {
            w.name("salvage")
                    .beginObject()
                    .field("recordsKept", r.salvage().recordsKept())
                    .field("lastKeptIndex", index(r.salvage().lastKeptIndex()))
                    .field("reason", r.salvage().reason())
                    .field("damagedJournal", r.salvage().damagedJournal().toString())
                    .field("report", r.salvage().reportFile().toString())
                    .endObject();
        }
    }

    public static String simulation(SimulationResult r) {
        JsonWriter w = header(new JsonWriter(true), "simulate");
        w.field("dir", r.dir().toString())
                .field("created", r.created())
                .field("stopped", r.stopped())
                .int64("seed", r.seed())
                .field("threads", r.threads())
                .field("checkpointProblem", r.checkpointProblem())
                .field("redoPointProblem", r.redoPointProblem())
                .field("ops", r.ops())
                .int64("nanos", r.nanos())
                .field("firstIndex", index(r.firstIndex()))
                .field("lastIndex", index(r.lastIndex()))
                .field("leakedHandles", r.leakedHandles())
                .field("unrestoredRaw", r.unrestoredRaw())
                .field("unrestoredRawFrames", r.unrestoredRawFrames());
        counts(w, "byOp", r.byOp());
        counts(w, "expectedErrors", r.expectedErrors());
        w.name("injected").beginArray();
        for (InjectedLeak l : r.injected()) {
            w.beginObject()
                    .field("kind", l.kind())
                    .field("type", l.type())
                    .int64("handle", l.handle())
                    .field("handleText", Fmt.handle(l.handle()))
                    .field("start", Fmt.hex(l.start()))
                    .field("pages", l.pages())
                    .endObject();
        }
        w.endArray();
        return w.endObject().take();
    }

    public static String retention(java.nio.file.Path dir, io.framejournal.journal.Retention.Result r) {
        JsonWriter w = header(new JsonWriter(true), "retain");
        w.field("dir", dir.toString())
                .field("archive", r.archivedTo() == null ? null : r.archivedTo().toString())
                .field("bytesRetired", r.bytesRetired())
                .field("checkpointsKept", r.checkpointsKept())
                .field("checkpointsDeleted", r.checkpointsDeleted())
                .field("kept", r.kept())
                .field("keptFrom", index(r.protectedFrom()))
                .field("journalBytes", r.journalBytes())
                .field("note", r.note());
        w.name("filesRetired").beginArray();
        r.filesRetired().forEach(p -> w.value(p.getFileName().toString()));
        w.endArray();
        return w.endObject().take();
    }

    /** What is outstanding, grouped by call site, and the sites it names (whole stacks). */
    private static void bySite(JsonWriter w, AuditReport r) {
        w.name("bySite")
                .beginObject()
                .field("groupCount", r.siteGroupCount())
                .name("groups")
                .beginArray();
        for (AuditReport.SiteGroup g : r.bySite()) {
            w.beginObject();
            site(w, g.site());
            w.field("obligations", g.obligations())
                    .field("handles", g.handles())
                    .field("rawReferences", g.rawReferences())
                    .field("leakedHandles", g.leakedHandles())
                    .field("firstIndex", index(g.firstIndex()))
                    .endObject();
        }
        w.endArray().endObject();
        sites(w, r.sites());
    }

    /** The outstanding obligations (by minting handle and op) and raw references of an audit (or a diff's window). */
    private static void leaksAndRawReferences(JsonWriter w, AuditReport r) {
        w.name("leaks")
                .beginObject()
                .field("obligations", r.obligations())
                .field("groupCount", r.leakGroupCount())
                .name("groups")
                .beginArray();
        for (AuditReport.LeakGroup g : r.leaks()) {
            w.beginObject();
            handle(w, g.handle());
            w.field("op", OpCode.nameOf(g.op())).field("frames", g.total()).field("firstIndex", index(g.firstIndex()));
            site(w, g.site());
            w.name("slots").beginArray();
            for (int i = 0; i < g.slots().size(); i++) {
                int slot = g.slots().get(i);
                w.beginObject()
                        .field("slot", slot)
                        .field("paddr", Fmt.paddr(slot))
                        .field("index", index(g.indices().get(i)))
                        .endObject();
            }
            w.endArray().endObject();
        }
        w.endArray().endObject();
        w.name("rawLeaks")
                .beginObject()
                .field("references", r.rawReferences())
                .field("entryCount", r.rawLeakCount())
                .name("entries")
                .beginArray();
        for (AuditReport.RawLeak l : r.rawLeaks()) {
            w.beginObject()
                    .field("slot", l.slot())
                    .field("paddr", Fmt.paddr(l.slot()))
                    .field("index", index(l.index()))
                    .field("op", OpCode.nameOf(l.op()));
            handle(w, l.handle());
            w.field("count", l.count());
            site(w, l.site());
            w.endObject();
        }
        w.endArray().endObject();
    }
}
