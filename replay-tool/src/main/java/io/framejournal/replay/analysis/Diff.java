package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What changed between two points of one journal, and where two journals part. Built on the existing replay: two
 * {@link StateAt#replay} passes give every slot's state at both points, and an {@link Auditor} run to the later point,
 * filtered to entries minted after the earlier one, gives the obligations and raw references the window left behind.
 */
public final class Diff {
    private Diff() {}

    /**
     * One frame whose state differs between the two points.
     *
     * @param slot    the frame
     * @param before  its state at {@code from}
     * @param after   its state at {@code to}
     * @param changes the fields that differ, {@code name a→b, …}
     */
    public record FrameChange(int slot, SlotState before, SlotState after, String changes) {}

    /**
     * The window diff.
     *
     * @param dir          the region
     * @param from         the earlier point (its events applied), {@link JournalIndex#NONE} for before the first event
     * @param to           the later point (its events applied)
     * @param lastRead     the last event read up to {@code to}: {@code to} itself, or before it when reading stopped
     * @param events       events in the window
     * @param changedCount frames whose state changed, in all
     * @param changed      the first {@code limit} of them, by frame
     * @param leaks        the audit at {@code to}, its lists cut to what was minted or forgotten in the window
     * @param stopReason   why reading stopped early, or {@code null}
     * @param warnings     what limits the replayed states (a checkpoint that could not be used, a retired journal
     *                     start that no checkpoint covers), one line each
     */
    public record WindowReport(
            Path dir,
            long from,
            long to,
            long lastRead,
            long events,
            long changedCount,
            List<FrameChange> changed,
            AuditReport leaks,
            String stopReason,
            List<String> warnings) {}

    /**
     * The diff of {@code region} between journal indices {@code from} and {@code to} (both already checked;
     * {@code to} {@link JournalIndex#NONE} for the end of the journal).
     */
    public static WindowReport window(RegionInput region, long from, long to, int limit, Progress progress) {
        StateAt.ReplayResult a = from == JournalIndex.NONE
                ? new StateAt.ReplayResult(
                        new ReplayState(region.nrSlots()), 0, JournalIndex.NONE, null, java.util.List.of())
                : StateAt.replay(region, from, progress);
        StateAt.ReplayResult b = StateAt.replay(region, to, progress);
        // "To the end" is where the replay could read to: a journal cut or damaged before the end it should have
        // (a clean region's close) then says so, where the queue's own last index would have ended the window quietly.
        long end = to == JournalIndex.NONE ? b.last() : to;
        long shownTo = to != JournalIndex.NONE ? to : b.stopReason() != null ? queueLast(region, end) : end;
        List<FrameChange> changed = new ArrayList<>();
        long changedCount = 0;
        SlotState sa = new SlotState();
        SlotState sb = new SlotState();
        for (int slot = 0; slot < region.nrSlots(); slot++) {
            a.state().load(slot, sa);
            b.state().load(slot, sb);
            if (!sa.sameAs(sb, false)) {
                changedCount++;
                if (changed.size() < limit) {
                    changed.add(new FrameChange(slot, copy(sa), copy(sb), changes(sa, sb)));
                }
            }
        }
        EventFilter window = from == JournalIndex.NONE
                ? EventFilter.ALL
                : EventFilter.builder().since(Position.index(from + 1)).build();
        AuditReport leaks = new Auditor(region, end, limit).filter(window).run(Progress.none());
        String stop = a.stopReason() != null ? a.stopReason() : b.stopReason();
        return new WindowReport(
                region.dir(),
                from,
                shownTo,
                b.last(),
                b.events() - a.events(),
                changedCount,
                List.copyOf(changed),
                leaks,
                stop,
                warningsOf(a, b));
    }

    /** The last index the journal's queue claims (where a window to the end meant to go), else {@code fallback}. */
    private static long queueLast(RegionInput region, long fallback) {
        try (io.framejournal.journal.JournalReader reader = region.journal()) {
            long last = reader.lastIndex();
            return last == JournalIndex.NONE || last < fallback ? fallback : last;
        } catch (RuntimeException unreadable) {
            return fallback;
        }
    }

    /** The two replays' warnings, each once. */
    private static List<String> warningsOf(StateAt.ReplayResult a, StateAt.ReplayResult b) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(a.warnings());
        all.addAll(b.warnings());
        return List.copyOf(all);
    }

    private static SlotState copy(SlotState s) {
        SlotState c = new SlotState();
        c.copyFrom(s);
        return c;
    }

    /** {@code refCount 1→2, obligations 1→2}: the fields that differ (lastIndex aside). */
    static String changes(SlotState a, SlotState b) {
        List<String> out = new ArrayList<>();
        if (a.refCount != b.refCount) {
            out.add("refCount " + RefCount.describe(a.refCount) + Fmt.ARROW + RefCount.describe(b.refCount));
        }
        if (a.usage != b.usage) {
            out.add("usage " + Usage.nameOf(a.usage) + Fmt.ARROW + Usage.nameOf(b.usage));
        }
        if (a.metaType != b.metaType || a.meta0 != b.meta0 || a.meta1 != b.meta1) {
            out.add("meta " + a.metaType + ":" + Fmt.hex(a.meta0) + "/" + Fmt.hex(a.meta1) + Fmt.ARROW + b.metaType
                    + ":" + Fmt.hex(b.meta0) + "/" + Fmt.hex(b.meta1));
        }
        if (a.inList != b.inList) {
            out.add("inList " + a.inList + Fmt.ARROW + b.inList);
        }
        if (a.obligations != b.obligations) {
            out.add("obligations " + a.obligations + Fmt.ARROW + b.obligations);
        }
        if (a.raw != b.raw) {
            out.add("raw " + a.raw + Fmt.ARROW + b.raw);
        }
        return String.join(", ", out);
    }

    // ---------------------------------------------------------------- two regions

    /**
     * Where two regions part.
     *
     * @param dirA       the first region
     * @param dirB       the second
     * @param compared   events that agreed before the first difference (or in all, when none)
     * @param parted     whether they differ at all
     * @param eventA     the first event of A that differs, or {@code null} (A ended there)
     * @param eventB     the same for B
     * @param fields     which compared fields differ ({@code op, after, …}), or why one side has no event
     * @param stopReason why reading either journal stopped early, or {@code null}
     * @param formatA    the journal format of A (1 or 2)
     * @param formatB    the same for B
     */
    public record PartReport(
            Path dirA,
            Path dirB,
            long compared,
            boolean parted,
            JournalEvent eventA,
            JournalEvent eventB,
            String fields,
            String stopReason,
            int formatA,
            int formatB) {
        /** Whether the journals are of two formats, compared as {@link #ACROSS_FORMATS} says. */
        public boolean acrossFormats() {
            return formatA != formatB;
        }
    }

    /**
     * What a diff of a format-1 journal against a format-2 one leaves out, as the reports say it: what only the
     * format differs in. A format-1 writer put a BEGIN and an END marker around each segment call's events (format 2
     * writes the call as one record, its events in the same order), recorded no call site, and its REGION_OPEN names
     * format 1. Compared event by event with these, an old run and the same run of this build parted at the very first
     * event (the REGION_OPEN's format), and at the first segment call after that.
     */
    public static final String ACROSS_FORMATS =
            "format 1's BEGIN/END markers, the REGION_OPEN's format and call-site ids not compared";

    /**
     * Reads two journals side by side, event by event, and finds the first pair that differs. Compared: what an event
     * says about the allocator (kind, op, flags, slot, metadata type, before, after, handle, call-site id). Not
     * compared: the wall-clock timestamp, the writing thread's id (JVM-assigned, differs run to run) and the journal
     * index (a Chronicle index encodes the roll cycle, i.e. the day of the run); their order in the journal is
     * compared by reading both in step. Only single-threaded runs of one seed are expected to agree.
     */
    public static PartReport regions(RegionInput a, RegionInput b, Progress progress) {
        JournalEvent ea = new JournalEvent();
        JournalEvent eb = new JournalEvent();
        long compared = 0;
        String stop;
        int formatA = a.config().formatVersion();
        int formatB = b.config().formatVersion();
        boolean across = formatA != formatB;
        try (JournalReader ra = a.journal();
                JournalReader rb = b.journal()) {
            while (true) {
                boolean hasA = next(ra, ea, across && formatA == 1);
                boolean hasB = next(rb, eb, across && formatB == 1);
                if (!hasA || !hasB) {
                    // A side that ended is checked as every read to the end is: against its queue's index and,
                    // for a clean region, the close its status names (a cut there reads like a shorter run).
                    String problemA = hasA ? null : JournalEnd.problem(ra, a, ra.lastGoodIndex(), false);
                    String problemB = hasB ? null : JournalEnd.problem(rb, b, rb.lastGoodIndex(), false);
                    stop = problemA != null ? "A: " + problemA : problemB != null ? "B: " + problemB : null;
                    if (hasA == hasB) {
                        return new PartReport(
                                a.dir(), b.dir(), compared, false, null, null, null, stop, formatA, formatB);
                    }
                    return new PartReport(
                            a.dir(),
                            b.dir(),
                            compared,
                            true,
                            hasA ? ea : null,
                            hasB ? eb : null,
                            (hasA ? "B" : "A") + " ends after " + Fmt.count(compared) + " events",
                            stop,
                            formatA,
                            formatB);
                }
                String fields = differences(ea, eb, across);
                if (!fields.isEmpty()) {
                    return new PartReport(a.dir(), b.dir(), compared, true, ea, eb, fields, null, formatA, formatB);
                }
                if ((++compared & Progress.TICK_MASK) == 0) {
                    progress.update(compared, ra.recordsRead());
                }
            }
        }
    }

    /**
     * The next event of {@code reader}, past a format-1 journal's BEGIN/END markers when {@code skipMarkers} (see
     * {@link #ACROSS_FORMATS}); whether there was one.
     */
    private static boolean next(JournalReader reader, JournalEvent into, boolean skipMarkers) {
        while (reader.next(into)) {
            if (!skipMarkers || (into.kind != EventKind.BEGIN && into.kind != EventKind.END)) {
                return true;
            }
        }
        return false;
    }

    static String differences(JournalEvent a, JournalEvent b) {
        return differences(a, b, false);
    }

    /**
     * The compared fields that differ, by name; with {@code acrossFormats} (a format-1 journal against a format-2 one)
     * without what only the format differs in: a REGION_OPEN's format and the call-site id.
     */
    static String differences(JournalEvent a, JournalEvent b, boolean acrossFormats) {
        List<String> out = new ArrayList<>();
        // a REGION_OPEN carries the journal's format version, maxPaddr and page size in these fields: named as such (a
        // format-1 run against a format-2 one parts at "format", not at a metadata type)
        boolean open = a.kind == EventKind.REGION_OPEN && b.kind == EventKind.REGION_OPEN;
        if (a.kind != b.kind) {
            out.add("kind");
        }
        if (a.op != b.op) {
            out.add("op");
        }
        if (a.flags != b.flags) {
            out.add("flags");
        }
        if (a.slot != b.slot) {
            out.add("slot");
        }
        if (a.metaType != b.metaType && !(open && acrossFormats)) {
            out.add(open ? "format" : "metaType");
        }
        if (a.before != b.before) {
            out.add(open ? "maxPaddr" : "before");
        }
        if (a.after != b.after) {
            out.add(open ? "pageSize" : "after");
        }
        if (a.handle != b.handle) {
            out.add("handle");
        }
        if (a.site != b.site && !acrossFormats) {
            out.add("site");
        }
        return String.join(", ", out);
    }
}
