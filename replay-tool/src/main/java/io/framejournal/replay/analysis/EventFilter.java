package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which events (or report entries) a forensic command shows: the one filter behind {@code dump}, {@code history},
 * the audit's lists, {@code diff} and the {@code --follow} modes. Every criterion given must hold (they combine with
 * AND; the values of one criterion combine with OR). Immutable; {@link #test} allocates nothing.
 *
 * <ul>
 *   <li>frames {@code slotFrom..slotTo}: slot events of those frames, and compound or leaked-handle markers whose
 *       range overlaps them (region-wide markers have no frame and never match);
 *   <li>ops, kinds, handles, threads, call-site ids;
 *   <li>{@code since}/{@code until}: journal index or time, both inclusive.
 * </ul>
 */
public final class EventFilter {
    /** Shows everything. */
    public static final EventFilter ALL = new Builder().build();

    private final int slotFrom;
    private final int slotTo;
    private final boolean bySlot;
    private final BitSet ops;
    private final Set<EventKind> kinds;
    private final long[] handles;
    private final int[] threads;
    private final int[] sites;
    private final Position since;
    private final Position until;
    /**
     * How {@link #describe} names a bound (after "since "/"until ") once times were resolved to indices: the time as
     * given and what it resolved to; "" for a bound not to name; {@code null}: the bound itself.
     */
    private final String sinceShown;

    private final String untilShown;

    private EventFilter(Builder b) {
        this.slotFrom = b.slotFrom;
        this.slotTo = b.slotTo;
        this.bySlot = b.bySlot;
        this.ops = b.ops.isEmpty() ? null : (BitSet) b.ops.clone();
        this.kinds = b.kinds.isEmpty() ? null : EnumSet.copyOf(b.kinds);
        this.handles = sorted(b.handles);
        this.threads = sortedInts(b.threads);
        this.sites = sortedInts(b.sites);
        this.since = b.since;
        this.until = b.until;
        this.sinceShown = b.sinceShown;
        this.untilShown = b.untilShown;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether a journal event passes every criterion. */
    public boolean test(JournalEvent e) {
        if (bySlot && !overlaps(e)) {
            return false;
        }
        if (since != null && !since.eventAtOrAfter(e.index, e.timestamp)) {
            return false;
        }
        if (until != null && !until.eventAtOrBefore(e.index, e.timestamp)) {
            return false;
        }
        return testFields(e.op, e.kind, e.handle)
                && (threads == null || Arrays.binarySearch(threads, e.thread) >= 0)
                && (sites == null || Arrays.binarySearch(sites, e.site) >= 0);
    }

    /**
     * Whether a report entry passes: its frame, the index and op of the event behind it, its handle, and that
     * event's kind when known ({@code null}: an entry about a slot rather than an event, which no {@code --kind}
     * matches). Time bounds must have been resolved to indices first ({@link #withTimesAsIndices}).
     */
    public boolean testEntry(int slot, long index, int op, long handle, EventKind kind) {
        return testEntry(slot, index, op, handle, kind, NO_SITE_KEPT);
    }

    /** An entry that keeps no call site: no {@code --site} matches it. */
    public static final int NO_SITE_KEPT = -1;

    /**
     * {@link #testEntry(int, long, int, long, EventKind)} for an entry that keeps the call site of the record behind
     * it ({@code 0}: none recorded; {@link #NO_SITE_KEPT}: the entry does not know it).
     */
    public boolean testEntry(int slot, long index, int op, long handle, EventKind kind, int site) {
        if (sites != null && (site == NO_SITE_KEPT || Arrays.binarySearch(sites, site) < 0)) {
            return false;
        }
        if (bySlot && (slot < slotFrom || slot > slotTo)) {
            return false;
        }
        if (since != null && !since.eventAtOrAfter(index, Long.MAX_VALUE)) {
            return false;
        }
        if (until != null && !until.eventAtOrBefore(index, Long.MIN_VALUE)) {
            return false;
        }
        if (kinds != null && kind == null) {
            return false;
        }
        return testFields(op, kind, handle);
    }

    private boolean testFields(int op, EventKind kind, long handle) {
        return (ops == null || ops.get(op & 0xff))
                && (kinds == null || kinds.contains(kind))
                && (handles == null || Arrays.binarySearch(handles, handle) >= 0);
    }

    private boolean overlaps(JournalEvent e) {
        if (e.slot < 0) {
            return false;
        }
        if (e.kind == EventKind.BEGIN || e.kind == EventKind.LEAKED_HANDLE) {
            long end = e.slot + Math.max(1, e.before) - 1; // markers cover `before` pages from their slot
            return e.slot <= slotTo && end >= slotFrom;
        }
        return e.slot >= slotFrom && e.slot <= slotTo;
    }

    /**
     * Whether no later event can pass: reading can stop. Only an index bound says so (a journal's indices only grow;
     * its times need not, when several threads write).
     */
    public boolean pastUntil(JournalEvent e) {
        return until != null && !until.isTime() && Long.compareUnsigned(e.index, until.value()) > 0;
    }

    /** Whether this filter lets everything through. */
    public boolean isAll() {
        return !bySlot
                && ops == null
                && kinds == null
                && handles == null
                && threads == null
                && sites == null
                && since == null
                && until == null;
    }

    public boolean bySlot() {
        return bySlot;
    }

    public int slotFrom() {
        return slotFrom;
    }

    public int slotTo() {
        return slotTo;
    }

    public Position since() {
        return since;
    }

    public Position until() {
        return until;
    }

    public boolean byThreadOrSite() {
        return threads != null || sites != null;
    }

    /** Whether it selects by writing thread (which the audit's entries do not keep). */
    public boolean byThread() {
        return threads != null;
    }

    /**
     * This filter with time bounds replaced by the journal indices they fall on (one pass over the journal when there
     * is a time bound): {@code since} a time becomes the first event at or after it, {@code until} the last event at
     * or before it (by journal order; with several writing threads, times are not quite in order).
     */
    public EventFilter withTimesAsIndices(RegionInput region) {
        if ((since == null || !since.isTime()) && (until == null || !until.isTime())) {
            return this;
        }
        Builder b = toBuilder();
        // the report names a time bound as given, with the event it resolved to or why nothing passes it
        if (since != null && since.isTime()) {
            long first = firstAtOrAfter(region, since.value());
            // nothing at or after it: a bound past the end, which no entry passes
            b.since(Position.index(first == JournalIndex.NONE ? -1L : first));
            b.sinceShown = since
                    + (first == JournalIndex.NONE
                            ? " (after the last event)"
                            : " (the first event at or after it: " + JournalIndex.format(first) + ")");
        }
        if (until != null && until.isTime()) {
            long last = lastAtOrBefore(region, until.value());
            if (last == JournalIndex.NONE) {
                b.until(Position.index(0)); // before the first event: nothing passes
                b.since(Position.index(-1L));
                if (b.sinceShown == null) {
                    b.sinceShown = since == null ? "" : since.toString();
                }
                b.untilShown = until + " (before the first event)";
            } else {
                b.until(Position.index(last));
                b.untilShown = until + " (the last event at or before it: " + JournalIndex.format(last) + ")";
            }
        }
        return new EventFilter(b); // not build(): "nothing passes" bounds may be the wrong way round on purpose
    }

    /** This filter without its time bounds (index bounds stay): for an audit that follows a journal still growing. */
    public EventFilter withoutTimes() {
        Builder b = toBuilder();
        if (since != null && since.isTime()) {
            b.since = null;
        }
        if (until != null && until.isTime()) {
            b.until = null;
        }
        return new EventFilter(b);
    }

    /** Index of the first event written at or after {@code time}, or {@link JournalIndex#NONE}. */
    public static long firstAtOrAfter(RegionInput region, long time) {
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                if (e.timestamp >= time) {
                    return e.index;
                }
            }
        }
        return JournalIndex.NONE;
    }

    /** Index of the last event written at or before {@code time}, or {@link JournalIndex#NONE}. */
    public static long lastAtOrBefore(RegionInput region, long time) {
        return lastAtOrBeforeChecked(region, time).index();
    }

    /**
     * Where a time falls in a journal, and whether the answer can be trusted.
     *
     * @param index      the last event written at or before the time, or {@link JournalIndex#NONE}
     * @param lastRead   the last event that could be read, or {@link JournalIndex#NONE}
     * @param unreadPast when reading stopped before the end and no event read was written after the time (so the
     *                   time may fall in the part that could not be read), why reading stopped; else {@code null}
     */
    public record AtOrBefore(long index, long lastRead, String unreadPast) {}

    /**
     * {@link #lastAtOrBefore}, telling a time that lies past where a damaged or cut journal could be read (then the
     * last readable event is not the last one at or before it) from one the readable part answers.
     */
    public static AtOrBefore lastAtOrBeforeChecked(RegionInput region, long time) {
        JournalEvent e = new JournalEvent();
        long last = JournalIndex.NONE;
        long lastRead = JournalIndex.NONE;
        boolean later = false;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                lastRead = e.index;
                if (e.timestamp <= time) {
                    last = e.index;
                } else {
                    later = true;
                }
            }
            return new AtOrBefore(last, lastRead, later ? null : JournalEnd.problem(reader, region, lastRead, false));
        }
    }

    /** One line for report headers: {@code frames 21..23, op FRAME_CLONE, since 0x…}; empty for {@link #ALL}. */
    public String describe() {
        return describe(true);
    }

    /** {@link #describe()}, without the frames when {@code withFrames} is false (a history names them already). */
    public String describe(boolean withFrames) {
        List<String> parts = new ArrayList<>();
        if (bySlot && withFrames) {
            parts.add(
                    slotFrom == slotTo
                            ? "frame " + slotFrom + " (paddr " + Fmt.paddr(slotFrom) + ")"
                            : "frames " + slotFrom + ".." + slotTo + " (paddr " + Fmt.paddr(slotFrom) + ".."
                                    + Fmt.hex(Fmt.paddrOf(slotTo) + io.framejournal.journal.RegionConfig.PAGE_SIZE - 1)
                                    + ")");
        }
        if (ops != null) {
            parts.add("op " + ops.stream().mapToObj(OpCode::nameOf).collect(Collectors.joining(",")));
        }
        if (kinds != null) {
            parts.add("kind " + kinds.stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        if (handles != null) {
            parts.add("handle " + Arrays.stream(handles).mapToObj(Fmt::handle).collect(Collectors.joining(",")));
        }
        if (threads != null) {
            parts.add("thread "
                    + Arrays.stream(threads).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        }
        if (sites != null) {
            parts.add("site "
                    + Arrays.stream(sites).mapToObj(Integer::toUnsignedString).collect(Collectors.joining(",")));
        }
        if (sinceShown != null) {
            if (!sinceShown.isEmpty()) {
                parts.add("since " + sinceShown);
            }
        } else if (since != null) {
            parts.add("since " + since);
        }
        if (untilShown != null) {
            parts.add("until " + untilShown);
        } else if (until != null) {
            parts.add("until " + until);
        }
        return String.join(", ", parts);
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        if (bySlot) {
            b.frames(slotFrom, slotTo);
        }
        if (ops != null) {
            b.ops.or(ops);
        }
        if (kinds != null) {
            b.kinds.addAll(kinds);
        }
        if (handles != null) {
            Arrays.stream(handles).forEach(b.handles::add);
        }
        if (threads != null) {
            Arrays.stream(threads).forEach(b.threads::add);
        }
        if (sites != null) {
            Arrays.stream(sites).forEach(b.sites::add);
        }
        b.since = since;
        b.until = until;
        b.sinceShown = sinceShown;
        b.untilShown = untilShown;
        return b;
    }

    private static long[] sorted(List<Long> values) {
        return values.isEmpty()
                ? null
                : values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static int[] sortedInts(List<Integer> values) {
        return values.isEmpty()
                ? null
                : values.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Collects the criteria; {@link #build} checks that they can ever match. */
    public static final class Builder {
        private int slotFrom;
        private int slotTo = Integer.MAX_VALUE;
        private boolean bySlot;
        private final BitSet ops = new BitSet(256);
        private final Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        private final List<Long> handles = new ArrayList<>();
        private final List<Integer> threads = new ArrayList<>();
        private final List<Integer> sites = new ArrayList<>();
        private Position since;
        private Position until;
        private String sinceShown;
        private String untilShown;

        public Builder frames(int from, int to) {
            this.slotFrom = from;
            this.slotTo = to;
            this.bySlot = true;
            return this;
        }

        public Builder op(OpCode op) {
            ops.set(op.code());
            return this;
        }

        public Builder kind(EventKind kind) {
            kinds.add(kind);
            return this;
        }

        public Builder handle(long handle) {
            handles.add(handle);
            return this;
        }

        public Builder thread(int thread) {
            threads.add(thread);
            return this;
        }

        public Builder site(int site) {
            sites.add(site);
            return this;
        }

        public Builder since(Position p) {
            this.since = p;
            return this;
        }

        public Builder until(Position p) {
            this.until = p;
            return this;
        }

        /** @throws IllegalArgumentException when the bounds are the wrong way round (same kind of bound) */
        public EventFilter build() {
            if (bySlot && slotFrom > slotTo) {
                throw new IllegalArgumentException("frame range " + slotFrom + ".." + slotTo + " is empty (the first"
                        + " frame is after the last)");
            }
            if (since != null
                    && until != null
                    && since.isTime() == until.isTime()
                    && (since.isTime()
                            ? since.value() > until.value()
                            : Long.compareUnsigned(since.value(), until.value()) > 0)) {
                throw new IllegalArgumentException("--since " + since + " is after --until " + until
                        + ": the range holds nothing; give a start at or before the end");
            }
            return new EventFilter(this);
        }
    }
}
