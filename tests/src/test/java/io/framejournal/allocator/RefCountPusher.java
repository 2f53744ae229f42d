package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;

/**
 * Test access to {@code inc_frame_ref_count} (package-private {@link SlotEngine#incRefCount}): pushes a shared frame's
 * reference count to {@link RefCount#MAX} the way the seed would, through the journaled engine (the extra references
 * live raw, so the ledger still balances).
 */
public final class RefCountPusher {
    private RefCountPusher() {}

    public static void pushToMax(MetaRegion region, long paddr) throws GetFrameException {
        int slot = region.slotOf(paddr);
        long rc = region.table().refCount(slot);
        region.engine().incRefCount(slot, OpCode.INC_REF_COUNT, 0, RefCount.MAX - rc);
    }
}
