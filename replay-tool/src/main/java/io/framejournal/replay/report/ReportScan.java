package io.framejournal.replay.report;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.replay.analysis.JournalEnd;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.Replays;
import io.framejournal.replay.export.EventFields;
import java.util.Arrays;

/**
 * One pass over a journal into fixed-size grids, whatever its length: time is cut into at most {@link #maxCols}
 * columns of equal event counts (when they fill up, neighbours merge and the bucket doubles), frames into at most
 * {@link #rows} rows. Per column it keeps each frame row's status mix at the column's end (the memory map), events
 * by kind and by op (the rates), and the refcount, obligations and raw references of a few watched frames (the leak
 * timelines). Nothing per event is kept, so the report's size does not grow with the journal.
 */
final class ReportScan {
    static final int FREE = 0;
    static final int UNIQUE = 1;
    static final int SHARED = 2;
    static final int BUSY = 3;
    static final int ILLEGAL = 4;
    static final int STATUSES = 5;

    final RegionInput region;
    final long at;
    final int nrSlots;
    final int rows;
    final int maxCols;
    final int[] watched;
    /**
     * Each watched slot's place in {@link #watched}, in pages of {@code 1 << PAGE_BITS} slots made only for pages that
     * hold a watched slot: a region.conf may claim 2^28 frames, and a whole array cost 1 GiB to find a few.
     */
    private final int[][] watchOf;

    private static final int PAGE_BITS = 12;
    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;

    static {
        if (Transition.FIELDS > Byte.SIZE) { // deriveStart keeps a slot's undone fields in one byte
            throw new AssertionError("Transition.FIELDS is " + Transition.FIELDS + ": more than a byte's bits");
        }
    }

    private final long[] marks;
    final long[] markOrdinal;
    final int[] markSite;

    // the grid
    int cols;
    long bucket = 1;
    final byte[][] map;
    final long[] colEvents;
    final long[] colIndex;
    final long[] colTime;
    final long[][] kinds;
    final long[][] ops;
    final long[][] wRc;
    final long[][] wOb;
    final long[][] wRaw;
    final long[] eventsOnWatched;

    // running state
    private final long[][] rowCounts;
    private final int[] rowSize;
    private final long[] curKinds = new long[EventKind.values().length];
    private final long[] curOps = new long[OpCode.values().length];
    final long[] totalKinds = new long[EventKind.values().length];
    final long[] totalOps = new long[OpCode.values().length];
    ReplayState state;
    /**
     * The checkpoint the frames' states at the oldest kept record were derived from, for a journal whose early files
     * were retired ({@link #runRetired}), or {@link JournalIndex#NONE}.
     */
    long seededFrom = JournalIndex.NONE;

    long events;
    long first = JournalIndex.NONE;
    long last = JournalIndex.NONE;
    long firstTime;
    long lastTime;
    String stopReason;

    /**
     * @param region  the region
     * @param at      last index to read, or {@link JournalIndex#NONE}
     * @param maxCols time columns at most (even)
     * @param maxRows frame rows at most
     * @param watched slots whose refcount/obligations are kept per column
     * @param marks   journal indices whose event ordinal (and site) to note, ascending
     */
    ReportScan(RegionInput region, long at, int maxCols, int maxRows, int[] watched, long[] marks) {
        this.region = region;
        this.at = at;
        this.nrSlots = region.nrSlots();
        this.rows = Math.max(1, Math.min(nrSlots, maxRows));
        this.maxCols = maxCols;
        this.watched = watched;
        this.watchOf = new int[(nrSlots + PAGE_MASK) >>> PAGE_BITS][];
        for (int i = 0; i < watched.length; i++) {
            int[] page = watchOf[watched[i] >>> PAGE_BITS];
            if (page == null) {
                page = watchOf[watched[i] >>> PAGE_BITS] = new int[1 << PAGE_BITS];
                Arrays.fill(page, -1);
            }
            page[watched[i] & PAGE_MASK] = i;
        }
        this.marks = marks;
        this.markOrdinal = new long[marks.length];
        Arrays.fill(markOrdinal, -1);
        this.markSite = new int[marks.length];
        map = new byte[maxCols][rows];
        colEvents = new long[maxCols];
        colIndex = new long[maxCols];
        colTime = new long[maxCols];
        kinds = new long[maxCols][EventKind.values().length];
        ops = new long[maxCols][OpCode.values().length];
        wRc = new long[watched.length][maxCols];
        wOb = new long[watched.length][maxCols];
        wRaw = new long[watched.length][maxCols];
        eventsOnWatched = new long[watched.length];
        rowCounts = new long[rows][STATUSES];
        rowSize = new int[rows];
        for (int s = 0; s < nrSlots; s++) {
            rowSize[rowOf(s)]++;
        }
        for (int r = 0; r < rows; r++) {
            rowCounts[r][FREE] = rowSize[r];
        }
        state = new ReplayState(nrSlots);
    }

    int rowOf(int slot) {
        return (int) ((long) slot * rows / nrSlots);
    }

    static int status(long rc) {
        if (rc == RefCount.UNUSED) {
            return FREE;
        }
        if (rc == RefCount.UNIQUE) {
            return UNIQUE;
        }
        if (rc > 0) {
            return SHARED;
        }
        return rc == 0 ? BUSY : ILLEGAL;
    }

    /** Draws the whole journal from its start. */
    void run(Progress progress) {
        try (JournalReader reader = region.journal()) {
            scan(reader, progress);
        }
    }

    /**
     * Draws a journal whose early files were retired, from its oldest kept record, each frame's state there derived
     * back from a checkpoint ({@link #seededFrom}): the state at the journal's end is replayed from the newest usable
     * checkpoint, then every field whose events carry its previous value (refcount, usage, obligations, raw
     * references, list: {@link Transition#undo}) is set to the value the first kept event about it started from
     * (journal continuity, which the audit checks, makes that the value at the oldest kept record); a field no kept
     * event touches has its end value all along. Without a usable checkpoint every frame starts free at the oldest kept
     * record ({@link #seededFrom} stays {@link JournalIndex#NONE}).
     */
    void runRetired(Progress progress) {
        ReplayState start = stateAtOldestKeptRecord();
        if (start != null) {
            seed(start);
        }
        run(progress);
    }

    /**
     * Every frame's state at the kept journal's oldest record, derived from a checkpoint (see {@link #runRetired}),
     * exact but for metadata (whose events carry payloads, not previous values); {@link #seededFrom} names the
     * checkpoint. {@code null} without a usable checkpoint.
     */
    ReplayState stateAtOldestKeptRecord() {
        Replays.Result end = Replays.upTo(region, JournalIndex.NONE, Progress.none());
        if (end.checkpoint() == JournalIndex.NONE) {
            return null;
        }
        ReplayState s = end.replay().state();
        deriveStart(s);
        seededFrom = end.checkpoint();
        return s;
    }

    /** Turns the end state {@code s} into the state at the kept journal's first record (see {@link #runRetired}). */
    private void deriveStart(ReplayState s) {
        // per slot, a bit per field already undone; in pages made for the slots the journal touches (nrSlots * FIELDS
        // bits overflowed an int at 2^28 frames, and a whole bitmap is 256 MiB there)
        byte[][] taken = new byte[(nrSlots + PAGE_MASK) >>> PAGE_BITS][];
        JournalEvent e = new JournalEvent();
        SlotState slot = new SlotState();
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                int f = e.kind.changesSlot() && e.slot >= 0 && e.slot < nrSlots ? Transition.undoneField(e.kind) : -1;
                if (f < 0) {
                    continue;
                }
                byte[] page = taken[e.slot >>> PAGE_BITS];
                if (page == null) {
                    page = taken[e.slot >>> PAGE_BITS] = new byte[1 << PAGE_BITS];
                }
                int bit = 1 << f; // Transition.FIELDS is 8: one byte a slot
                if ((page[e.slot & PAGE_MASK] & bit) != 0) {
                    continue;
                }
                page[e.slot & PAGE_MASK] |= (byte) bit;
                s.load(e.slot, slot);
                Transition.undo(slot, e);
                s.store(e.slot, slot);
            }
        }
    }

    /** Takes {@code from} as every frame's state where the drawing starts: the rows' status counts follow. */
    private void seed(ReplayState from) {
        state = from;
        for (long[] counts : rowCounts) {
            Arrays.fill(counts, 0);
        }
        for (int slot = 0; slot < nrSlots; slot++) {
            rowCounts[rowOf(slot)][status(state.refCount(slot))]++;
        }
    }

    private void scan(JournalReader reader, Progress progress) {
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        int mark = 0;
        boolean stoppedAt = false;
        while (reader.next(e)) {
            if (at != JournalIndex.NONE && Long.compareUnsigned(e.index, at) > 0) {
                stoppedAt = true;
                break;
            }
            if (first == JournalIndex.NONE) {
                first = e.index;
                firstTime = e.timestamp;
            }
            last = e.index;
            lastTime = e.timestamp;
            while (mark < marks.length && marks[mark] < e.index) {
                mark++;
            }
            if (mark < marks.length && marks[mark] == e.index && markOrdinal[mark] < 0) {
                markOrdinal[mark] = events;
                markSite[mark] = EventFields.site(e);
            }
            int slot = e.slot;
            if (e.kind.changesSlot() && slot >= 0 && slot < nrSlots) {
                int before = status(state.refCount(slot));
                state.apply(e, scratch);
                int after = status(state.refCount(slot));
                if (before != after) {
                    long[] rc = rowCounts[rowOf(slot)];
                    rc[before]--;
                    rc[after]++;
                }
                int[] page = watchOf[slot >>> PAGE_BITS];
                int w = page == null ? -1 : page[slot & PAGE_MASK];
                if (w >= 0) {
                    eventsOnWatched[w]++;
                }
            }
            curKinds[e.kind.ordinal()]++;
            curOps[e.op]++;
            if ((++events & Progress.TICK_MASK) == 0) {
                progress.update(events, reader.recordsRead());
            }
            if (events % bucket == 0) {
                column(e.index, e.timestamp);
            }
        }
        stopReason = JournalEnd.problem(reader, region, last, stoppedAt || at != JournalIndex.NONE);
        if (events % bucket != 0) {
            column(last, lastTime);
        }
    }

    /** Closes the current column: the state at its end, the counts within it. */
    private void column(long index, long time) {
        int c = cols++;
        byte[] m = map[c];
        for (int r = 0; r < rows; r++) {
            m[r] = cell(rowCounts[r], rowSize[r]);
        }
        colEvents[c] = events;
        colIndex[c] = index;
        colTime[c] = time;
        for (int k = 0; k < curKinds.length; k++) {
            kinds[c][k] = curKinds[k];
            totalKinds[k] += curKinds[k];
            curKinds[k] = 0;
        }
        for (int o = 0; o < curOps.length; o++) {
            ops[c][o] = curOps[o];
            totalOps[o] += curOps[o];
            curOps[o] = 0;
        }
        for (int w = 0; w < watched.length; w++) {
            wRc[w][c] = state.refCount(watched[w]);
            wOb[w][c] = state.obligations(watched[w]);
            wRaw[w][c] = state.raw(watched[w]);
        }
        if (cols == maxCols && events % bucket == 0) {
            halve();
        }
    }

    /** Merges neighbouring columns: state from the later one, counts summed; the bucket doubles. */
    private void halve() {
        int n = cols / 2;
        for (int i = 0; i < n; i++) {
            int a = 2 * i;
            int b = a + 1;
            System.arraycopy(map[b], 0, map[i], 0, rows);
            colEvents[i] = colEvents[b];
            colIndex[i] = colIndex[b];
            colTime[i] = colTime[b];
            for (int k = 0; k < kinds[i].length; k++) {
                kinds[i][k] = kinds[a][k] + kinds[b][k];
            }
            for (int o = 0; o < ops[i].length; o++) {
                ops[i][o] = ops[a][o] + ops[b][o];
            }
            for (int w = 0; w < watched.length; w++) {
                wRc[w][i] = wRc[w][b];
                wOb[w][i] = wOb[w][b];
                wRaw[w][i] = wRaw[w][b];
            }
        }
        cols = n;
        bucket *= 2;
    }

    /**
     * A map cell: bits 7..5 the dominant status among the row's frames that are not free (free when all are), bits
     * 4..0 how many of them are not free, 0..31 of the row.
     */
    private static byte cell(long[] counts, int size) {
        long used = size - counts[FREE];
        if (used <= 0 || size == 0) {
            return 0;
        }
        int dom = SHARED;
        for (int s : new int[] {UNIQUE, BUSY, ILLEGAL}) {
            if (counts[s] > counts[dom]) {
                dom = s;
            }
        }
        if (counts[ILLEGAL] > 0) {
            dom = ILLEGAL;
        }
        int level = (int) Math.max(1, Math.min(31, (used * 31 + size - 1) / size));
        return (byte) (dom << 5 | level);
    }

    /** Column of an event ordinal (0-based), in the final grid. */
    int columnOf(long ordinal) {
        if (ordinal < 0 || cols == 0) {
            return -1;
        }
        return (int) Math.min(cols - 1, ordinal / bucket);
    }
}
