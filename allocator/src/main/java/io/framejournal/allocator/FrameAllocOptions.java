package io.framejournal.allocator;

import io.framejournal.journal.RefCount;
import java.util.function.LongFunction;

/**
 * The frame allocator (OSTD's {@code FrameAllocOptions}): finds free frames by scanning the slot table from a
 * next-fit cursor and claims them through the public constructors, so allocation is journaled like any other call.
 */
public final class FrameAllocOptions {
    private final MetaRegion region;

    public FrameAllocOptions(MetaRegion region) {
        this.region = java.util.Objects.requireNonNull(
                region, "the region is null: pass the open region to allocate frames from");
    }

    public Frame<NoMeta> allocFrame() {
        return allocFrameWith(NoMeta.INSTANCE);
    }

    public <M> Frame<M> allocFrameWith(M meta) {
        return claimFirstFree(meta, false);
    }

    public <M> UniqueFrame<M> allocUniqueFrameWith(M meta) {
        return claimFirstFree(meta, true);
    }

    /**
     * Next-fit: the first free slot from the cursor on whose claim succeeds, claimed through {@code Frame::from_unused}
     * or, for {@code unique}, {@code UniqueFrame::from_unused}. (A flag, not a constructor passed as a lambda: the
     * lambda captured the region and the metadata, an object per allocation.)
     */
    @SuppressWarnings("unchecked") // H is Frame<M> or UniqueFrame<M>, as the flag says
    private <M, H> H claimFirstFree(M meta, boolean unique) {
        region.ensureOpen();
        SlotEngine engine = region.engine();
        SlotTable table = region.table();
        int nr = region.nrSlots();
        int from = region.allocCursor.get();
        if (from < 0 || from >= nr) {
            from = Math.floorMod(from, nr); // the cursor is a slot or one past the last; no division on the way
        }
        SlotEngine.Ctx pinned = engine.pin(); // the scan reads the mapped table: closing waits for it
        try {
            for (int i = 0, slot = from; i < nr; i++, slot = slot + 1 == nr ? 0 : slot + 1) {
                if (table.refCount(slot) != RefCount.UNUSED) {
                    continue;
                }
                try {
                    long paddr = region.paddrOf(slot);
                    H handle = (H)
                            (unique
                                    ? UniqueFrame.fromUnused(region, paddr, meta)
                                    : Frame.fromUnused(region, paddr, meta));
                    region.allocCursor.lazySet(slot + 1);
                    return handle;
                } catch (GetFrameException raced) {
                    // another thread took it between the scan and the claim; keep looking
                }
            }
        } finally {
            engine.unpin(pinned);
        }
        throw new FrameAllocException("no free frame: all " + nr + " frames are in use");
    }

    public Segment<NoMeta> allocSegment(int nrFrames) {
        return allocSegmentWith(nrFrames, paddr -> NoMeta.INSTANCE);
    }

    /** Allocates {@code nrFrames} contiguous free frames; {@code metaFn} gives each frame's metadata by paddr. */
    public <M> Segment<M> allocSegmentWith(int nrFrames, LongFunction<M> metaFn) {
        java.util.Objects.requireNonNull(
                metaFn, "the metadata function is null: pass one giving each frame's metadata by paddr");
        region.ensureOpen();
        if (nrFrames <= 0) {
            throw new IllegalArgumentException("a segment needs at least one frame, not " + nrFrames);
        }
        int nr = region.config().nrSlots();
        if (nrFrames > nr) {
            throw new FrameAllocException("no free run of " + nrFrames + " frames: the region has only " + nr);
        }
        int from = Math.floorMod(region.allocCursor.get(), nr);
        SlotEngine.Ctx pinned = region.engine().pin(); // the scans read the mapped table: closing waits for them
        try {
            Segment<M> s = scan(from, nr, nrFrames, metaFn);
            if (s == null && from > 0) {
                s = scan(0, Math.min(nr, from + nrFrames), nrFrames, metaFn);
            }
            if (s == null) {
                throw new FrameAllocException("no free run of " + nrFrames + " frames (" + describeFree() + ")");
            }
            return s;
        } finally {
            region.engine().unpin(pinned);
        }
    }

    private <M> Segment<M> scan(int from, int to, int n, LongFunction<M> metaFn) {
        int run = 0;
        for (int slot = from; slot < to; slot++) {
            if (region.table().refCount(slot) != RefCount.UNUSED) {
                run = 0;
                continue;
            }
            if (++run < n) {
                continue;
            }
            int start = slot - n + 1;
            try {
                Segment<M> seg = Segment.fromUnused(region, region.paddrOf(start), region.paddrOf(slot + 1), metaFn);
                region.allocCursor.lazySet(slot + 1);
                return seg;
            } catch (GetFrameException raced) {
                slot = (int) (raced.paddr() / region.config().pageSize());
                run = 0;
            }
        }
        return null;
    }

    private String describeFree() {
        int nr = region.config().nrSlots();
        int free = 0;
        int longest = 0;
        int run = 0;
        for (int slot = 0; slot < nr; slot++) {
            if (region.table().refCount(slot) == RefCount.UNUSED) {
                free++;
                longest = Math.max(longest, ++run);
            } else {
                run = 0;
            }
        }
        return free + " frames free, the longest free run is " + longest;
    }
}
