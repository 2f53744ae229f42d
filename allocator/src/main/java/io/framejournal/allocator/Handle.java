package io.framejournal.allocator;

import io.framejournal.journal.OpCode;

/**
 * What every frame handle shares: its region, its id (named in every event it causes) and its life: live until
 * closed or consumed (into_raw, conversion), then any use is an {@link IllegalStateException}. Like OSTD's
 * handles, one handle is used by one thread at a time; different handles may be used from any threads.
 */
abstract class Handle implements AutoCloseable {
    final MetaRegion region;
    final long id;
    private final LeakTracker.Token leakToken;
    private String retiredBy;

    /** A handle made by the call that just committed on this thread: sampled (tracked, with its site) or not. */
    Handle(MetaRegion region, long id, int slot, int pages, OpCode mintOp) {
        this(region, id, slot, pages, mintOp, region.engine().takeSample());
    }

    /** A handle that takes over {@code parent}'s obligations without a call (a split half, a repurposed frame). */
    Handle(MetaRegion region, long id, int slot, int pages, OpCode mintOp, Handle parent) {
        this(
                region,
                id,
                slot,
                pages,
                mintOp,
                parent.leakToken == null ? SlotEngine.NOT_SAMPLED : parent.leakToken.site() & 0xffff_ffffL);
    }

    private Handle(MetaRegion region, long id, int slot, int pages, OpCode mintOp, long sample) {
        this.region = region;
        this.id = id;
        this.leakToken = sample == SlotEngine.NOT_SAMPLED
                ? null
                : region.leaks().track(this, slot, pages, id, mintOp, (int) sample);
    }

    /** Whether the leak detector watches this handle (it was sampled when made). */
    final boolean sampled() {
        return leakToken != null;
    }

    /** The id journaled with every event this handle causes. */
    public final long handleId() {
        return id;
    }

    public final boolean isClosed() {
        return retiredBy != null;
    }

    final void ensureLive() {
        if (retiredBy != null) {
            throw new IllegalStateException(
                    kind() + " handle " + id + " was already " + retiredBy + "; it cannot be used");
        }
        if (region.isClosed()) {
            // a handle that outlived its region's close: say what became of what it holds, and how to release it
            throw new IllegalStateException("region " + region.dir() + " is closed: this " + kind() + " handle was"
                    + " live when it closed, so what it holds stays outstanding in the journal (audit lists it) and"
                    + " reopening the region does not release it; close handles before their region, or release"
                    + " everything such handles held with MetaRegion.recover(dir, true) (`framejournal recover"
                    + " --reclaim`) while the region is closed");
        }
        region.ensureOpen();
    }

    /** Marks the handle dead (closed or consumed) and disarms its leak tracking. */
    final void retire(String how) {
        retiredBy = how;
        if (leakToken != null) {
            leakToken.disarm();
        }
    }

    final void trackRange(int slot, int pages) {
        if (leakToken != null) {
            leakToken.update(slot, pages);
        }
    }

    abstract String kind();

    /** Releases what the handle owes; never throws a checked exception. */
    @Override
    public abstract void close();
}
