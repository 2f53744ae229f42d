package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;

/**
 * A shared handle to one physical frame (OSTD's {@code Frame<M>}). Each handle owes one obligation for its slot,
 * redeemed by {@link #close()}; {@link #clone()} makes another handle (refcount +1), {@link #intoRaw()} forgets
 * this one and keeps its reference raw until {@link #fromRaw} restores it.
 *
 * @param <M> the metadata type stored in the frame's slot
 */
public final class Frame<M> extends Handle {
    private final int slot;
    private final MetaCodec<M> codec;

    Frame(MetaRegion region, int slot, MetaCodec<M> codec, long handleId, OpCode mintOp) {
        super(region, handleId, slot, 1, mintOp);
        this.slot = slot;
        this.codec = codec;
    }

    /** Frame::from_unused: claims a free frame, writes its metadata, refcount 1. */
    @SuppressWarnings("unchecked")
    public static <M> Frame<M> fromUnused(MetaRegion region, long paddr, M meta) throws GetFrameException {
        MetaRegion.require(region);
        MetaCodec<M> codec = MetaCodec.of((Class<M>) MetaCodec.requireMeta(meta).getClass());
        region.ensureOpen();
        int slot = region.checkedSlot(paddr);
        long h = region.nextHandleId();
        region.engine()
                .claim(slot, OpCode.FRAME_FROM_UNUSED, h, codec.typeId(), codec.word0(meta), codec.word1(meta), false);
        return new Frame<>(region, slot, codec, h, OpCode.FRAME_FROM_UNUSED);
    }

    /** Frame::from_in_use: another handle to a frame in use, which must hold metadata of {@code type}. */
    public static <M> Frame<M> fromInUse(MetaRegion region, long paddr, Class<M> type) throws GetFrameException {
        MetaRegion.require(region);
        MetaCodec<M> codec = MetaCodec.of(type);
        region.ensureOpen();
        int slot = region.checkedSlot(paddr);
        long h = region.nextHandleId();
        region.engine().acquire(slot, OpCode.FRAME_FROM_IN_USE, h, codec.typeId());
        return new Frame<>(region, slot, codec, h, OpCode.FRAME_FROM_IN_USE);
    }

    /**
     * Frame::from_in_use for a frame holding {@link NoMeta}: this overload means {@code NoMeta.class}. A frame whose
     * slot holds any other metadata type fails with {@link MetaTypeMismatchException}; name the type with
     * {@link #fromInUse(MetaRegion, long, Class)}.
     */
    public static Frame<NoMeta> fromInUse(MetaRegion region, long paddr) throws GetFrameException {
        return fromInUse(region, paddr, NoMeta.class);
    }

    /**
     * Frame::from_raw: restores a reference forgotten by {@link #intoRaw()}. Restoring one that was not forgotten
     * (a double free) is an {@link IllegalStateException}; another metadata type a {@link MetaTypeMismatchException}.
     */
    public static <M> Frame<M> fromRaw(MetaRegion region, long paddr, Class<M> type) {
        MetaRegion.require(region);
        MetaCodec<M> codec = MetaCodec.of(type);
        region.ensureOpen();
        int slot = region.slotOf(paddr);
        long h = region.nextHandleId();
        region.engine().restore(slot, OpCode.FRAME_FROM_RAW, h, codec.typeId());
        return new Frame<>(region, slot, codec, h, OpCode.FRAME_FROM_RAW);
    }

    /** Frame::from_raw for a frame holding {@link NoMeta}: this overload means {@code NoMeta.class}. */
    public static Frame<NoMeta> fromRaw(MetaRegion region, long paddr) {
        return fromRaw(region, paddr, NoMeta.class);
    }

    /** Frame::from(UniqueFrame): UNIQUE→1; the unique handle is consumed. */
    public static <M> Frame<M> fromUnique(UniqueFrame<M> unique) {
        return unique.intoShared();
    }

    public long startPaddr() {
        ensureLive();
        return region.paddrOf(slot);
    }

    /** Bytes in the frame: one page (a {@code long}, like {@link Segment#size()}). */
    public long size() {
        return region.config().pageSize();
    }

    /** The frame's metadata, decoded from its slot. */
    public M meta() {
        ensureLive();
        var st = region.engine().metaOf(slot, new io.framejournal.journal.SlotState());
        return codec.decode(st.meta0, st.meta1);
    }

    /** The slot's reference count as it is now (handles plus raw references). */
    public long referenceCount() {
        ensureLive();
        return region.engine().refCount(slot);
    }

    /** A new handle to the same frame: refcount +1, one more obligation. */
    @Override
    public Frame<M> clone() {
        ensureLive();
        long h = region.nextHandleId();
        try {
            region.engine().acquire(slot, OpCode.FRAME_CLONE, h, -1);
        } catch (GetFrameException e) {
            throw new IllegalStateException(
                    "frame 0x" + Long.toHexString(region.paddrOf(slot)) + " cannot be cloned: " + e.getMessage(), e);
        }
        return new Frame<>(region, slot, codec, h, OpCode.FRAME_CLONE);
    }

    /** A borrowed reference that leaves the reference count alone; valid while this handle is. */
    public FrameRef<M> borrow() {
        ensureLive();
        return new FrameRef<>(this);
    }

    /** Forgets this handle (its obligation is redeemed) and keeps its reference raw. @return the frame's paddr */
    public long intoRaw() {
        ensureLive();
        region.engine().forget(slot, OpCode.FRAME_INTO_RAW, id, sampled());
        retire("turned into a raw reference");
        return region.paddrOf(slot);
    }

    /** Drops this handle: refcount -1; the last reference drops the metadata and frees the frame. */
    @Override
    public void close() {
        ensureLive();
        boolean freed = region.engine().release(slot, OpCode.FRAME_DROP, id);
        retire("closed");
        if (freed) {
            region.allocCursor.lazySet(slot);
        }
    }

    int slot() {
        return slot;
    }

    MetaCodec<M> codec() {
        return codec;
    }

    /** Marks this handle consumed by a conversion that took over its obligation. */
    void consumed(String how) {
        ensureLive();
        retire(how);
    }

    @Override
    String kind() {
        return "Frame";
    }

    @Override
    public String toString() {
        return "Frame[paddr=0x" + Long.toHexString(region.paddrOf(slot)) + ", handle=" + id
                + (isClosed() || region.isClosed()
                        ? ", closed]"
                        : ", refCount=" + RefCount.describe(region.engine().refCount(slot)) + "]");
    }
}
