package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/**
 * A handle to a contiguous range of frames (OSTD's {@code Segment<M>}), owing one obligation per frame it covers.
 * Iterating ({@link #next()}) hands its frames out one by one as {@link Frame} handles, shrinking it.
 *
 * @param <M> the metadata type stored in its frames' slots
 */
public final class Segment<M> extends Handle implements Iterable<Frame<M>> {
    private final MetaCodec<M> codec;
    private int startSlot;
    private final int endSlot;
    /** The operation that minted this handle's obligations; split halves keep it. */
    private final OpCode mintOp;

    /** The two halves {@link #split} returns. */
    public record Halves<M>(Segment<M> left, Segment<M> right) {}

    private Segment(MetaRegion region, int startSlot, int endSlot, MetaCodec<M> codec, long handleId, OpCode mintOp) {
        super(region, handleId, startSlot, endSlot - startSlot, mintOp);
        this.startSlot = startSlot;
        this.endSlot = endSlot;
        this.codec = codec;
        this.mintOp = mintOp;
    }

    /** A split half: shares {@code parent}'s obligations, its leak tracking and its creation site. */
    private Segment(Segment<M> parent, int startSlot, int endSlot) {
        super(parent.region, parent.id, startSlot, endSlot - startSlot, parent.mintOp, parent);
        this.startSlot = startSlot;
        this.endSlot = endSlot;
        this.codec = parent.codec;
        this.mintOp = parent.mintOp;
    }

    /** The operation that minted this handle's obligations (a split half: the original's). */
    OpCode mintOp() {
        return mintOp;
    }

    /** Segment::from_unused over {@code range}; see {@link #fromUnused(MetaRegion, long, long, LongFunction)}. */
    public static <M> Segment<M> fromUnused(MetaRegion region, PaddrRange range, LongFunction<M> metaFn)
            throws GetFrameException {
        requireRange(range);
        return fromUnused(region, range.start(), range.end(), metaFn);
    }

    /**
     * Segment::from_unused: claims every frame of {@code [start, end)}, with metadata {@code metaFn(paddr)}.
     * Errors, in the seed's order: NotAligned, OutOfBound; {@code start >= end} is a panic. {@code metaFn} is called
     * frame by frame in ascending order, each call before that frame is checked, as in the seed. When a frame cannot
     * be claimed, its error is thrown with slots, ledger and journal as before: the seed's rollback of the frames
     * already made is folded into one record that is never written (the whole call is one journal record).
     */
    public static <M> Segment<M> fromUnused(MetaRegion region, long start, long end, LongFunction<M> metaFn)
            throws GetFrameException {
        MetaRegion.require(region);
        java.util.Objects.requireNonNull(
                metaFn, "the metadata function is null: pass one giving each frame's metadata by paddr");
        region.ensureOpen();
        int page = region.config().pageSize();
        if (start % page != 0 || end % page != 0) {
            throw new GetFrameException(GetFrameError.NOT_ALIGNED, start % page != 0 ? start : end);
        }
        // the seed's check is on the end, and its addresses are unsigned: a negative end is past MAX_PADDR too. A
        // negative start (no seed address) is out of bound as well, reported as itself (docs/DESIGN.md)
        boolean endOut = end > region.config().maxPaddr() || end < 0;
        if (endOut || start < 0) {
            throw new GetFrameException(GetFrameError.OUT_OF_BOUND, endOut ? end : start);
        }
        if (start >= end) {
            throw new FramePanicException(
                    "empty or reversed segment range 0x" + Long.toHexString(start) + "..0x" + Long.toHexString(end));
        }
        int s0 = (int) (start / page);
        int s1 = (int) (end / page);
        long h = region.nextHandleId();
        java.util.concurrent.atomic.AtomicReference<MetaCodec<M>> codec =
                new java.util.concurrent.atomic.AtomicReference<>();
        region.engine().claimRange(s0, s1, OpCode.SEGMENT_FROM_UNUSED, h, (slot, out) -> {
            M meta = metaFn.apply(region.paddrOf(slot));
            MetaCodec<M> c = codecOf(meta);
            MetaCodec<M> first = codec.get();
            if (first == null) {
                codec.set(c);
            } else if (c != first) {
                throw new IllegalArgumentException(
                        "metadata function returned " + meta.getClass().getName() + " after "
                                + first.type().getName() + "; a segment holds one metadata type");
            }
            out.set(c.typeId(), c.word0(meta), c.word1(meta));
        });
        return new Segment<>(region, s0, s1, codec.get(), h, OpCode.SEGMENT_FROM_UNUSED);
    }

    private static void requireRange(PaddrRange range) {
        java.util.Objects.requireNonNull(range, "the paddr range is null: pass the frames' [start, end)");
    }

    @SuppressWarnings("unchecked")
    private static <M> MetaCodec<M> codecOf(M meta) {
        if (meta == null) {
            throw new IllegalArgumentException("metadata function returned null");
        }
        return MetaCodec.of((Class<M>) meta.getClass());
    }

    /**
     * Restores a segment forgotten by {@link #intoRaw()}. Every frame must have a forgotten reference and hold
     * metadata of {@code type}; this is checked for all frames before anything changes. The empty range an exhausted
     * segment's {@code intoRaw()} returns gives back an empty segment (the seed allows one): nothing is journaled.
     */
    public static <M> Segment<M> fromRaw(MetaRegion region, PaddrRange range, Class<M> type) {
        MetaRegion.require(region);
        requireRange(range);
        region.ensureOpen();
        MetaCodec<M> codec = MetaCodec.of(type);
        if (range.start() == range.end()
                && range.start() % region.config().pageSize() == 0
                && range.start() >= 0
                && range.start() <= region.config().maxPaddr()) {
            int at = (int) (range.start() / region.config().pageSize());
            return new Segment<>(region, at, at, codec, region.nextHandleId(), OpCode.SEGMENT_FROM_RAW);
        }
        int s0 = region.slotOf(range.start());
        int s1 = range.end() == region.config().maxPaddr() ? region.config().nrSlots() : region.slotOf(range.end());
        if (s0 >= s1) {
            throw new FramePanicException("empty or reversed segment range " + range);
        }
        long h = region.nextHandleId();
        region.engine().restoreRange(s0, s1, OpCode.SEGMENT_FROM_RAW, h, codec.typeId());
        return new Segment<>(region, s0, s1, codec, h, OpCode.SEGMENT_FROM_RAW);
    }

    /** Segment::from(frame): a one-frame segment; the frame handle's obligation moves to the segment. */
    public static <M> Segment<M> from(Frame<M> frame) {
        frame.ensureLive();
        MetaRegion region = frame.region;
        long h = region.nextHandleId();
        region.engine().transfer(frame.slot(), OpCode.SEGMENT_FROM_FRAME, frame.id, h);
        frame.consumed("turned into a segment");
        return new Segment<>(region, frame.slot(), frame.slot() + 1, frame.codec(), h, OpCode.SEGMENT_FROM_FRAME);
    }

    public long startPaddr() {
        ensureLive();
        return region.paddrOf(startSlot);
    }

    public long endPaddr() {
        ensureLive();
        return region.paddrOf(endSlot);
    }

    /** Bytes covered. */
    public long size() {
        ensureLive();
        return (long) (endSlot - startSlot) * region.config().pageSize();
    }

    public int nrPages() {
        ensureLive();
        return endSlot - startSlot;
    }

    /**
     * Splits at byte {@code offset}: offset page-aligned and {@code 0 < offset < size()}, else a panic. No slot
     * changes: the two halves share this segment's obligations (and its handle id); this handle is consumed.
     */
    public Halves<M> split(long offset) {
        ensureLive();
        if (offset % region.config().pageSize() != 0) {
            throw new FramePanicException("split offset " + offset + " is not page-aligned");
        }
        if (!(0 < offset && offset < size())) {
            throw new FramePanicException("split offset " + offset + " is not inside (0, " + size() + ")");
        }
        int at = startSlot + (int) (offset / region.config().pageSize());
        retire("split");
        return new Halves<>(new Segment<>(this, startSlot, at), new Segment<>(this, at, endSlot));
    }

    /**
     * Segment::slice: a new handle to the frames at byte offsets {@code [start, end)} of this segment, refcount +1
     * on each. Misaligned, reversed or out-of-range offsets, or a frame at refcount MAX, are panics.
     */
    public Segment<M> slice(long start, long end) {
        ensureLive();
        int page = region.config().pageSize();
        if (start % page != 0 || end % page != 0) {
            throw new FramePanicException("slice range " + start + ".." + end + " is not page-aligned");
        }
        if (start < 0 || start > end || end > size()) {
            throw new FramePanicException("slice range " + start + ".." + end + " is outside 0.." + size());
        }
        int s0 = startSlot + (int) (start / page);
        int s1 = startSlot + (int) (end / page);
        return bump(s0, s1, OpCode.SEGMENT_SLICE);
    }

    /** A new handle to the same frames: refcount +1 on each. */
    @Override
    public Segment<M> clone() {
        ensureLive();
        return bump(startSlot, endSlot, OpCode.SEGMENT_CLONE);
    }

    private Segment<M> bump(int s0, int s1, OpCode op) {
        long h = region.nextHandleId();
        if (s0 == s1) {
            return new Segment<>(region, s0, s1, codec, h, op);
        }
        try {
            region.engine().acquireRange(s0, s1, op, h);
        } catch (GetFrameException e) {
            throw new IllegalStateException("segment frame changed under a live handle: " + e.getMessage(), e);
        }
        return new Segment<>(region, s0, s1, codec, h, op);
    }

    /**
     * Takes the first frame out as a {@link Frame} handle; the segment shrinks by one page. A segment emptied this
     * way (or by iterating it) owes nothing and stays a live, empty handle: it need not be closed (the leak detector
     * ignores a handle that covers no frame, and the audit finds nothing), and closing it is harmless: it journals
     * nothing, so try-with-resources around a segment that is iterated to the end is fine.
     *
     * @return null when empty
     */
    public Frame<M> next() {
        ensureLive();
        if (startSlot == endSlot) {
            return null;
        }
        int slot = startSlot;
        long h = region.nextHandleId();
        region.engine().transfer(slot, OpCode.SEGMENT_NEXT, id, h);
        startSlot++;
        trackRange(startSlot, endSlot - startSlot);
        return new Frame<>(region, slot, codec, h, OpCode.SEGMENT_NEXT);
    }

    /**
     * Iterates by {@link #next()}: each frame is handed out as a handle the caller must close. The emptied segment
     * owes nothing; closing it is optional (see {@link #next()}).
     */
    @Override
    public Iterator<Frame<M>> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !isClosed() && startSlot < endSlot;
            }

            @Override
            public Frame<M> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return Segment.this.next();
            }
        };
    }

    /** Forgets this handle: each frame's obligation is redeemed and its reference kept raw. */
    public PaddrRange intoRaw() {
        ensureLive();
        PaddrRange range = new PaddrRange(region.paddrOf(startSlot), region.paddrOf(endSlot));
        if (startSlot < endSlot) {
            region.engine().forgetRange(startSlot, endSlot, OpCode.SEGMENT_INTO_RAW, id, sampled());
        }
        retire("turned into a raw range");
        return range;
    }

    /** Drops every frame's reference; frames whose last reference this was are freed. */
    @Override
    public void close() {
        ensureLive();
        if (startSlot < endSlot) {
            region.engine().releaseRange(startSlot, endSlot, OpCode.SEGMENT_DROP, id);
            region.allocCursor.lazySet(startSlot);
        }
        retire("closed");
    }

    @Override
    String kind() {
        return "Segment";
    }

    @Override
    public String toString() {
        return "Segment[0x" + Long.toHexString(region.paddrOf(startSlot)) + "..0x"
                + Long.toHexString(region.paddrOf(endSlot)) + ", handle=" + id + (isClosed() ? ", closed]" : "]");
    }
}
