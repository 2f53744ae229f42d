package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotInvariant;
import io.framejournal.journal.SlotState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The allocator and {@link SlotModel} side by side for one action sequence: every action runs on the region and on
 * the model, expected failures are asserted, and {@link #check()} holds table against model after each step.
 * Handle choices are indexes taken modulo the live count, so a shrunk sequence still runs.
 */
final class AllocatorWorld {
    static final int PAGE = TestRegions.PAGE;
    static final int LISTS = 2;

    /** A live frame handle and the slot the model says it holds. */
    record FrameH(Frame<LongMeta> frame, int slot) {}

    /** A live unique handle, and the list it is on (-1: none). */
    static final class UniqueH {
        final UniqueFrame<LongMeta> frame;
        final int slot;
        int list = -1;

        UniqueH(UniqueFrame<LongMeta> frame, int slot) {
            this.frame = frame;
            this.slot = slot;
        }
    }

    /** A live segment handle and the slots the model says it covers, {@code [start, end)}. */
    static final class SegH {
        final Segment<LongMeta> segment;
        int start;
        final int end;

        SegH(Segment<LongMeta> segment, int start, int end) {
            this.segment = segment;
            this.start = start;
            this.end = end;
        }
    }

    final MetaRegion region;
    final FrameAllocOptions alloc;
    final SlotModel model;
    private final List<FrameH> frames = new ArrayList<>();
    private final List<UniqueH> uniques = new ArrayList<>();
    private final List<SegH> segments = new ArrayList<>();
    private final List<Integer> rawFrames = new ArrayList<>();
    private final List<int[]> rawSegments = new ArrayList<>();
    private final List<FrameList<LongMeta>> lists = new ArrayList<>();
    private final List<ArrayDeque<UniqueH>> listed = new ArrayList<>();
    private final BitSet touched = new BitSet();
    private final SlotState scratch = new SlotState();
    private long steps;

    AllocatorWorld(MetaRegion region) {
        this.region = region;
        this.alloc = new FrameAllocOptions(region);
        this.model = new SlotModel(region.config().nrSlots());
        for (int i = 0; i < LISTS; i++) {
            lists.add(new FrameList<>(region));
            listed.add(new ArrayDeque<>());
        }
    }

    private static int slotOf(long paddr) {
        return (int) (paddr / PAGE);
    }

    private void touch(int slot) {
        touched.set(slot);
    }

    private void touch(int from, int to) {
        touched.set(from, to);
    }

    // ---- checks ----

    /** After every step: per-slot invariant, ledger, and table == model for every slot touched so far. */
    void check() {
        steps++;
        List<String> problems = new ArrayList<>();
        for (int slot = touched.nextSetBit(0); slot >= 0; slot = touched.nextSetBit(slot + 1)) {
            region.slotStateAt(slot, scratch);
            int bad = SlotInvariant.check(scratch);
            if (bad != 0) {
                problems.add("slot " + slot + " breaks the invariant: " + SlotInvariant.describe(bad) + " (" + scratch
                        + ")");
            }
            int ledger = SlotInvariant.checkLedger(scratch);
            if (ledger != 0) {
                problems.add("slot " + slot + " breaks the ledger: " + SlotInvariant.describe(ledger) + " (" + scratch
                        + ")");
            }
            String mismatch = model.mismatch(slot, scratch);
            if (mismatch != null) {
                problems.add(mismatch);
            }
        }
        for (FrameH h : frames) {
            if (h.frame.startPaddr() != (long) h.slot * PAGE) {
                problems.add(h.frame + " is not at slot " + h.slot);
            }
        }
        for (SegH h : segments) {
            if (h.segment.startPaddr() != (long) h.start * PAGE || h.segment.endPaddr() != (long) h.end * PAGE) {
                problems.add(h.segment + " does not cover slots " + h.start + ".." + h.end);
            }
        }
        assertThat(problems).as("after step %d", steps).isEmpty();
    }

    /** The call fails with {@code type} and journals nothing. */
    private void assertRefused(
            Class<? extends Throwable> type, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        long before = region.lastJournalIndex();
        assertThatThrownBy(call).isInstanceOf(type);
        assertThat(region.lastJournalIndex())
                .as("a refused call journals nothing")
                .isEqualTo(before);
    }

    // ---- allocation ----

    void allocFrame(long tag) {
        LongMeta meta = new LongMeta(tag, steps);
        if (model.freeCount() == 0) {
            assertRefused(FrameAllocException.class, () -> alloc.allocFrameWith(meta));
            return;
        }
        Frame<LongMeta> f = alloc.allocFrameWith(meta);
        int slot = slotOf(f.startPaddr());
        touch(slot);
        model.claim(slot, false, meta);
        frames.add(new FrameH(f, slot));
    }

    void allocUnique(long tag) {
        LongMeta meta = new LongMeta(tag, -steps);
        if (model.freeCount() == 0) {
            assertRefused(FrameAllocException.class, () -> alloc.allocUniqueFrameWith(meta));
            return;
        }
        UniqueFrame<LongMeta> u = alloc.allocUniqueFrameWith(meta);
        int slot = slotOf(u.startPaddr());
        touch(slot);
        model.claim(slot, true, meta);
        uniques.add(new UniqueH(u, slot));
    }

    void allocSegment(int n, long tag) {
        if (model.longestFreeRun() < n) {
            assertRefused(FrameAllocException.class, () -> alloc.allocSegmentWith(n, p -> new LongMeta(tag, p)));
            return;
        }
        Segment<LongMeta> s = alloc.allocSegmentWith(n, p -> new LongMeta(tag, p));
        int start = slotOf(s.startPaddr());
        assertThat(s.nrPages()).isEqualTo(n);
        touch(start, start + n);
        for (int slot = start; slot < start + n; slot++) {
            model.claim(slot, false, new LongMeta(tag, (long) slot * PAGE));
        }
        segments.add(new SegH(s, start, start + n));
    }

    // ---- frames ----

    void fromInUse(int pick) {
        int slot = pickSlot(pick);
        touch(slot);
        long rc = model.refCount[slot];
        if (rc == RefCount.UNUSED || rc == RefCount.UNIQUE) {
            GetFrameError expected = rc == RefCount.UNUSED ? GetFrameError.UNUSED : GetFrameError.UNIQUE;
            long before = region.lastJournalIndex();
            assertThatThrownBy(() -> Frame.fromInUse(region, (long) slot * PAGE, LongMeta.class))
                    .isInstanceOfSatisfying(
                            GetFrameException.class, e -> assertThat(e.error()).isEqualTo(expected));
            assertThat(region.lastJournalIndex()).isEqualTo(before);
            return;
        }
        try {
            frames.add(new FrameH(Frame.fromInUse(region, (long) slot * PAGE, LongMeta.class), slot));
        } catch (GetFrameException e) {
            throw new AssertionError("from_in_use of shared slot " + slot + " failed: " + e.getMessage(), e);
        }
        model.acquire(slot);
    }

    /** Half the picks go to a used slot (when there is one), the rest to any slot. */
    private int pickSlot(int pick) {
        if ((pick & 1) == 0) {
            List<Integer> used = new ArrayList<>();
            for (int s = touched.nextSetBit(0); s >= 0; s = touched.nextSetBit(s + 1)) {
                if (!model.isFree(s)) {
                    used.add(s);
                }
            }
            if (!used.isEmpty()) {
                return used.get((pick >>> 1) % used.size());
            }
        }
        return (pick >>> 1) % model.nrSlots;
    }

    void cloneFrame(int pick) {
        if (frames.isEmpty()) {
            return;
        }
        FrameH h = frames.get(pick % frames.size());
        frames.add(new FrameH(h.frame.clone(), h.slot));
        model.acquire(h.slot);
    }

    void closeFrame(int pick) {
        if (frames.isEmpty()) {
            return;
        }
        FrameH h = frames.remove(pick % frames.size());
        h.frame.close();
        model.drop(h.slot);
    }

    void frameIntoRaw(int pick) {
        if (frames.isEmpty()) {
            return;
        }
        FrameH h = frames.remove(pick % frames.size());
        assertThat(h.frame.intoRaw()).isEqualTo((long) h.slot * PAGE);
        model.forget(h.slot);
        rawFrames.add(h.slot);
    }

    void frameFromRaw(int pick) {
        if (rawFrames.isEmpty()) {
            return;
        }
        int slot = rawFrames.remove(pick % rawFrames.size());
        frames.add(new FrameH(Frame.fromRaw(region, (long) slot * PAGE, LongMeta.class), slot));
        model.restore(slot);
    }

    /** from_raw of a frame with no forgotten reference: a double free, refused. */
    void frameFromRawDoubleFree(int pick) {
        int slot = pickSlot(pick);
        if (model.raw[slot] != 0) {
            return;
        }
        touch(slot);
        assertRefused(IllegalStateException.class, () -> Frame.fromRaw(region, (long) slot * PAGE, LongMeta.class));
    }

    void tryFromShared(int pick) {
        if (frames.isEmpty()) {
            return;
        }
        int i = pick % frames.size();
        FrameH h = frames.get(i);
        boolean expected = model.refCount[h.slot] == 1 && model.raw[h.slot] == 0;
        long before = region.lastJournalIndex();
        Optional<UniqueFrame<LongMeta>> u = UniqueFrame.tryFromShared(h.frame);
        assertThat(u.isPresent())
                .as("try_from_shared at refcount %d, raw %d", model.refCount[h.slot], model.raw[h.slot])
                .isEqualTo(expected);
        if (u.isEmpty()) {
            assertThat(region.lastJournalIndex()).isEqualTo(before);
            assertThat(h.frame.isClosed()).isFalse();
            return;
        }
        frames.remove(i);
        model.refCount[h.slot] = RefCount.UNIQUE;
        uniques.add(new UniqueH(u.get(), h.slot));
    }

    // ---- unique frames and lists ----

    private List<UniqueH> unlisted() {
        List<UniqueH> out = new ArrayList<>();
        for (UniqueH u : uniques) {
            if (u.list < 0) {
                out.add(u);
            }
        }
        return out;
    }

    void closeUnique(int pick, boolean reset) {
        List<UniqueH> free = unlisted();
        if (free.isEmpty()) {
            return;
        }
        UniqueH h = free.get(pick % free.size());
        uniques.remove(h);
        if (reset) {
            h.frame.resetAsUnused();
        } else {
            h.frame.close();
        }
        model.drop(h.slot);
    }

    void intoShared(int pick) {
        List<UniqueH> free = unlisted();
        if (free.isEmpty()) {
            return;
        }
        UniqueH h = free.get(pick % free.size());
        uniques.remove(h);
        frames.add(new FrameH(h.frame.intoShared(), h.slot));
        model.refCount[h.slot] = 1;
    }

    void setMeta(int pick, long tag) {
        if (uniques.isEmpty()) {
            return;
        }
        UniqueH h = uniques.get(pick % uniques.size());
        LongMeta meta = new LongMeta(tag, steps);
        h.frame.setMeta(meta);
        model.tag[h.slot] = meta.tag();
        model.value[h.slot] = meta.value();
    }

    void push(int pick, int list, boolean front) {
        List<UniqueH> free = unlisted();
        if (free.isEmpty()) {
            return;
        }
        UniqueH h = free.get(pick % free.size());
        int l = list % LISTS;
        if (front) {
            lists.get(l).pushFront(h.frame);
            listed.get(l).addFirst(h);
        } else {
            lists.get(l).pushBack(h.frame);
            listed.get(l).addLast(h);
        }
        h.list = l;
        model.inList[h.slot] = lists.get(l).id();
    }

    void pop(int list, boolean front) {
        int l = list % LISTS;
        UniqueH expected = front ? listed.get(l).pollFirst() : listed.get(l).pollLast();
        UniqueFrame<LongMeta> popped =
                front ? lists.get(l).popFront() : lists.get(l).popBack();
        if (expected == null) {
            assertThat(popped).isNull();
            return;
        }
        assertThat(popped).isSameAs(expected.frame);
        expected.list = -1;
        model.inList[expected.slot] = 0;
    }

    // ---- segments ----

    private SegH segment(int pick) {
        return segments.isEmpty() ? null : segments.get(pick % segments.size());
    }

    void closeSegment(int pick) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        segments.remove(h);
        h.segment.close();
        for (int slot = h.start; slot < h.end; slot++) {
            model.drop(slot);
        }
    }

    void cloneSegment(int pick) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        segments.add(new SegH(h.segment.clone(), h.start, h.end));
        for (int slot = h.start; slot < h.end; slot++) {
            model.acquire(slot);
        }
    }

    void slice(int pick, int a, int b) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        int pages = h.end - h.start;
        int from = a % (pages + 1);
        int to = b % (pages + 1);
        if (from > to) {
            int lo = to;
            assertRefused(FramePanicException.class, () -> h.segment.slice((long) from * PAGE, (long) lo * PAGE));
            return;
        }
        Segment<LongMeta> s = h.segment.slice((long) from * PAGE, (long) to * PAGE);
        segments.add(new SegH(s, h.start + from, h.start + to));
        for (int slot = h.start + from; slot < h.start + to; slot++) {
            model.acquire(slot);
        }
    }

    void split(int pick, int at) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        int pages = h.end - h.start;
        int offset = at % (pages + 1);
        if (offset == 0 || offset == pages) {
            assertRefused(FramePanicException.class, () -> h.segment.split((long) offset * PAGE));
            return;
        }
        Segment.Halves<LongMeta> halves = h.segment.split((long) offset * PAGE);
        segments.remove(h);
        segments.add(new SegH(halves.left(), h.start, h.start + offset));
        segments.add(new SegH(halves.right(), h.start + offset, h.end));
    }

    void next(int pick) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        Frame<LongMeta> f = h.segment.next();
        if (h.start == h.end) {
            assertThat(f).isNull();
            return;
        }
        assertThat(f.meta()).isEqualTo(new LongMeta(model.tag[h.start], model.value[h.start]));
        frames.add(new FrameH(f, h.start));
        h.start++;
    }

    void segmentIntoRaw(int pick) {
        SegH h = segment(pick);
        if (h == null) {
            return;
        }
        segments.remove(h);
        PaddrRange range = h.segment.intoRaw();
        assertThat(range).isEqualTo(new PaddrRange((long) h.start * PAGE, (long) h.end * PAGE));
        for (int slot = h.start; slot < h.end; slot++) {
            model.forget(slot);
        }
        if (h.start < h.end) {
            rawSegments.add(new int[] {h.start, h.end});
        }
    }

    void segmentFromRaw(int pick) {
        if (rawSegments.isEmpty()) {
            return;
        }
        int[] r = rawSegments.remove(pick % rawSegments.size());
        Segment<LongMeta> s =
                Segment.fromRaw(region, new PaddrRange((long) r[0] * PAGE, (long) r[1] * PAGE), LongMeta.class);
        segments.add(new SegH(s, r[0], r[1]));
        for (int slot = r[0]; slot < r[1]; slot++) {
            model.restore(slot);
        }
    }

    // ---- end of a sequence ----

    /** Releases everything this sequence holds (the model follows), then checks the region is clean. */
    void releaseAll() {
        for (int l = 0; l < LISTS; l++) {
            while (!listed.get(l).isEmpty()) {
                pop(l, true);
            }
        }
        while (!rawFrames.isEmpty()) {
            frameFromRaw(0);
        }
        while (!rawSegments.isEmpty()) {
            segmentFromRaw(0);
        }
        while (!frames.isEmpty()) {
            closeFrame(0);
        }
        while (!uniques.isEmpty()) {
            closeUnique(0, false);
        }
        while (!segments.isEmpty()) {
            closeSegment(0);
        }
        check();
        SlotState s = new SlotState();
        for (int slot = 0; slot < model.nrSlots; slot++) {
            region.slotStateAt(slot, s);
            assertThat(s.isFree() && s.obligations == 0 && s.raw == 0 && s.inList == 0 && !s.metaInitialized())
                    .as("slot %d clean after releasing everything: %s", slot, s)
                    .isTrue();
        }
    }
}
