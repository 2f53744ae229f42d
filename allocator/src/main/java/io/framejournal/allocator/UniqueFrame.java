package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import io.framejournal.journal.SlotState;
import java.util.Optional;

/**
 * The one handle to a frame (OSTD's {@code UniqueFrame<M>}): refcount UNIQUE, metadata mutable in place, may go on
 * a {@link FrameList}. Converts to a shared {@link Frame} and back ({@link #tryFromShared}, only at refcount 1).
 *
 * @param <M> the metadata type
 */
public final class UniqueFrame<M> extends Handle {
    private final int slot;
    private final MetaCodec<M> codec;

    UniqueFrame(MetaRegion region, int slot, MetaCodec<M> codec, long handleId, OpCode mintOp) {
        super(region, handleId, slot, 1, mintOp);
        this.slot = slot;
        this.codec = codec;
    }

    /** The same frame under new metadata ({@link #repurpose}): keeps {@code parent}'s tracking and creation site. */
    private UniqueFrame(UniqueFrame<?> parent, MetaCodec<M> codec) {
        super(parent.region, parent.id, parent.slot, 1, OpCode.UNIQUE_REPURPOSE, parent);
        this.slot = parent.slot;
        this.codec = codec;
    }

    /** UniqueFrame::from_unused: claims a free frame as UNIQUE with {@code meta}. */
    @SuppressWarnings("unchecked")
    public static <M> UniqueFrame<M> fromUnused(MetaRegion region, long paddr, M meta) throws GetFrameException {
        MetaRegion.require(region);
        MetaCodec<M> codec = MetaCodec.of((Class<M>) MetaCodec.requireMeta(meta).getClass());
        region.ensureOpen();
        int slot = region.checkedSlot(paddr);
        long h = region.nextHandleId();
        region.engine()
                .claim(slot, OpCode.UNIQUE_FROM_UNUSED, h, codec.typeId(), codec.word0(meta), codec.word1(meta), true);
        return new UniqueFrame<>(region, slot, codec, h, OpCode.UNIQUE_FROM_UNUSED);
    }

    /**
     * TryFrom&lt;Frame&gt;: succeeds only when {@code frame} holds the frame's one reference (refcount 1, nothing raw);
     * then {@code frame} is consumed. Otherwise nothing changes and {@code frame} stays usable.
     */
    public static <M> Optional<UniqueFrame<M>> tryFromShared(Frame<M> frame) {
        frame.ensureLive();
        MetaRegion region = frame.region;
        long h = region.nextHandleId();
        if (!region.engine().sharedToUnique(frame.slot(), frame.id, h)) {
            return Optional.empty();
        }
        frame.consumed("made unique");
        return Optional.of(new UniqueFrame<>(region, frame.slot(), frame.codec(), h, OpCode.UNIQUE_TRY_FROM_SHARED));
    }

    public long startPaddr() {
        ensureLive();
        return region.paddrOf(slot);
    }

    /** Bytes in the frame: one page (a {@code long}, like {@link Segment#size()}). */
    public long size() {
        return region.config().pageSize();
    }

    public long referenceCount() {
        ensureLive();
        return region.engine().refCount(slot);
    }

    public M meta() {
        ensureLive();
        SlotState st = region.engine().metaOf(slot, new SlotState());
        return codec.decode(st.meta0, st.meta1);
    }

    /**
     * Rewrites the metadata in place (same type). A {@code null} one is refused (a {@link NullPointerException}) with
     * nothing journaled.
     */
    public void setMeta(M meta) {
        MetaCodec.requireMeta(meta);
        ensureLive();
        region.engine().updateMeta(slot, id, codec.typeId(), codec.word0(meta), codec.word1(meta));
    }

    /** Drops the metadata and stores {@code meta} of another type; this handle is consumed, the result owns the frame. */
    @SuppressWarnings("unchecked")
    public <N> UniqueFrame<N> repurpose(N meta) {
        ensureLive();
        MetaCodec<N> next = MetaCodec.of((Class<N>) MetaCodec.requireMeta(meta).getClass());
        region.engine().repurpose(slot, id, next.typeId(), next.word0(meta), next.word1(meta));
        retire("repurposed");
        return new UniqueFrame<>(this, next);
    }

    /** Frame::from_unique: UNIQUE→1; this handle is consumed. */
    public Frame<M> intoShared() {
        ensureLive();
        long h = region.nextHandleId();
        region.engine().uniqueToShared(slot, id, h);
        retire("made shared");
        return new Frame<>(region, slot, codec, h, OpCode.FRAME_FROM_UNIQUE);
    }

    /** Drops the metadata and frees the frame; this handle is consumed. */
    public void resetAsUnused() {
        ensureLive();
        region.engine().release(slot, OpCode.UNIQUE_RESET_AS_UNUSED, id);
        retire("reset as unused");
        region.allocCursor.lazySet(slot);
    }

    @Override
    public void close() {
        ensureLive();
        region.engine().release(slot, OpCode.UNIQUE_DROP, id);
        retire("closed");
        region.allocCursor.lazySet(slot);
    }

    int slot() {
        return slot;
    }

    @Override
    String kind() {
        return "UniqueFrame";
    }

    @Override
    public String toString() {
        return "UniqueFrame[paddr=0x" + Long.toHexString(region.paddrOf(slot)) + ", handle=" + id
                + (isClosed() ? ", closed]" : "]");
    }
}
