package io.framejournal.allocator;

import static io.framejournal.journal.EventKind.LIST;
import static io.framejournal.journal.EventKind.META_DROP;
import static io.framejournal.journal.EventKind.META_WRITE;
import static io.framejournal.journal.EventKind.MINT;
import static io.framejournal.journal.EventKind.RAW_FORGET;
import static io.framejournal.journal.EventKind.RAW_RESTORE;
import static io.framejournal.journal.EventKind.REDEEM;
import static io.framejournal.journal.EventKind.REFCOUNT;
import static io.framejournal.journal.EventKind.USAGE;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Usage;
import io.framejournal.journal.Verdict;

/**
 * Every slot-owner mutation, written ahead: with the slot's lock held, each event is appended to the journal,
 * applied to a scratch copy of the slot through {@link Transition#apply} (the same transition replay uses), and
 * the slot is stored, {@code lastIndex} last, only when the operation's events are all journaled. Checks that
 * can fail (seed errors, panics) run before the first event, so a failed call journals nothing.
 */
final class SlotEngine {
    private final SlotTable table;
    private final JournalWriter journal;
    private final int pageSize;
    private final ThreadLocal<Ctx> contexts;
    private final java.util.Queue<Ctx> allContexts = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean shut;

    SlotEngine(SlotTable table, JournalWriter journal, int pageSize) {
        this.table = table;
        this.journal = journal;
        this.pageSize = pageSize;
        this.contexts = ThreadLocal.withInitial(() -> {
            Ctx c = new Ctx(journal.lane());
            allContexts.add(c);
            return c;
        });
    }

    /** One thread's scratch: its journal lane, an event flyweight and the slot being changed. */
    static final class Ctx {
        final JournalWriter.Lane lane;
        final JournalEvent ev = new JournalEvent();
        final SlotState st = new SlotState();
        int slot;
        /** Nesting depth of {@link #pin()} on this thread. */
        int depth;
        /** 1 while this thread is inside an operation: {@link #shutdown()} waits for it before unmapping. */
        volatile int active;

        Ctx(JournalWriter.Lane lane) {
            this.lane = lane;
        }
    }

    SlotTable table() {
        return table;
    }

    /**
     * Marks the calling thread as inside an operation, so that closing the region waits for it instead of
     * unmapping the slot table under it. Nests; pair with {@link #unpin}.
     */
    Ctx pin() {
        Ctx c = contexts.get();
        if (c.depth++ == 0) {
            c.active = 1;
            if (shut) {
                c.active = 0;
                c.depth = 0;
                throw new IllegalStateException("region is closed");
            }
        }
        return c;
    }

    void unpin(Ctx c) {
        if (--c.depth == 0) {
            c.active = 0;
        }
    }

    /** Refuses new operations and waits (up to 10 s) for those in flight on other threads to finish. */
    void shutdown() {
        shut = true;
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Ctx c : allContexts) {
            while (c.active != 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("threads are still inside operations on this region after 10 s;"
                            + " stop them before closing it");
                }
                Thread.yield();
            }
        }
    }

    /** A slot's reference count, read without its lock, for scans and accessors. */
    long refCount(int slot) {
        Ctx c = pin();
        try {
            return table.refCount(slot);
        } finally {
            unpin(c);
        }
    }

    private Ctx enter(int slot) {
        Ctx c = pin();
        try {
            table.lock(slot);
        } catch (RuntimeException e) {
            unpin(c);
            throw e;
        }
        c.slot = slot;
        table.load(slot, c.st);
        return c;
    }

    /** Stores what was journaled (possibly nothing) and releases the lock. */
    private void exit(Ctx c) {
        try {
            table.store(c.slot, c.st);
        } finally {
            table.unlock(c.slot);
            unpin(c);
        }
    }

    private void emit(Ctx c, EventKind kind, OpCode op, long before, long after, long handle, int flags) {
        emitTyped(c, kind, op, before, after, handle, (short) 0, flags);
    }

    private void emitTyped(Ctx c, EventKind kind, OpCode op, long before, long after, long handle, short metaType,
            int flags) {
        JournalEvent e = c.ev.set(kind, op, c.slot, before, after, handle);
        e.flags = flags;
        e.metaType = metaType;
        c.lane.append(e);
        Verdict v = Transition.apply(c.st, e);
        if (v != Verdict.OK) {
            throw new IllegalStateException("internal error: journaled event " + e + " is " + v + " for slot state " + c.st);
        }
    }

    private long paddr(int slot) {
        return (long) slot * pageSize;
    }

    private static GetFrameError errorFor(long rc) {
        if (rc == RefCount.UNIQUE) {
            return GetFrameError.UNIQUE;
        }
        return rc == 0 ? GetFrameError.BUSY : GetFrameError.IN_USE;
    }

    /** {@code Frame::from_unused} / {@code UniqueFrame::from_unused} on one slot. */
    void claim(int slot, OpCode op, long handle, short type, long w0, long w1, boolean unique) throws GetFrameException {
        Ctx c = enter(slot);
        try {
            long rc = c.st.refCount;
            if (rc != RefCount.UNUSED) {
                throw new GetFrameException(errorFor(rc), paddr(slot));
            }
            emit(c, REFCOUNT, op, RefCount.UNUSED, 0, handle, 0);
            emitTyped(c, META_WRITE, op, w0, w1, handle, type, 0);
            emit(c, REFCOUNT, op, 0, unique ? RefCount.UNIQUE : 1, handle, 0);
            emit(c, USAGE, op, c.st.usage, Usage.FRAME.code(), handle, 0);
            emit(c, MINT, op, c.st.obligations, c.st.obligations + 1, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** {@code Frame::from_in_use} and {@code clone}: one more reference and a handle for it. */
    void acquire(int slot, OpCode op, long handle, int expectedType) throws GetFrameException {
        Ctx c = enter(slot);
        try {
            long rc = c.st.refCount;
            if (rc == RefCount.UNUSED) {
                throw new GetFrameException(GetFrameError.UNUSED, paddr(slot));
            }
            if (rc == RefCount.UNIQUE) {
                throw new GetFrameException(GetFrameError.UNIQUE, paddr(slot));
            }
            if (rc == 0) {
                throw new GetFrameException(GetFrameError.BUSY, paddr(slot));
            }
            if (rc >= RefCount.MAX) {
                throw new FramePanicException("reference count of frame 0x" + Long.toHexString(paddr(slot)) + " is at MAX");
            }
            checkType(c, expectedType);
            emit(c, REFCOUNT, op, rc, rc + 1, handle, 0);
            emit(c, MINT, op, c.st.obligations, c.st.obligations + 1, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    private void checkType(Ctx c, int expectedType) {
        if (expectedType >= 0 && c.st.metaType != expectedType) {
            throw new MetaTypeMismatchException(paddr(c.slot), c.st.metaType, expectedType);
        }
    }

    /** Drops one handle's reference; at the last one the metadata goes and the frame is free. @return freed */
    boolean release(int slot, OpCode op, long handle) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            long rc = s.refCount;
            if (s.obligations <= 0 || !(rc > 0 || rc == RefCount.UNIQUE)) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " has no reference to drop ("
                        + s + ")");
            }
            boolean last = rc == 1 || rc == RefCount.UNIQUE;
            emit(c, REDEEM, op, s.obligations, s.obligations - 1, handle, 0);
            if (!last) {
                emit(c, REFCOUNT, op, rc, rc - 1, handle, JournalEvent.FLAG_OP_END);
                return false;
            }
            emit(c, REFCOUNT, op, rc, 0, handle, 0);
            if (s.inList != 0) {
                emit(c, LIST, op, s.inList, 0, handle, 0);
            }
            emitTyped(c, META_DROP, op, s.meta0, s.meta1, handle, s.metaType, 0);
            emit(c, REFCOUNT, op, 0, RefCount.UNUSED, handle, 0);
            emit(c, USAGE, op, s.usage, Usage.UNUSED.code(), handle, JournalEvent.FLAG_OP_END);
            return true;
        } finally {
            exit(c);
        }
    }

    /** into_raw: the handle's obligation is redeemed, its reference lives on raw. */
    void forget(int slot, OpCode op, long handle) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            if (s.obligations <= 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " has no obligation to forget");
            }
            emit(c, REDEEM, op, s.obligations, s.obligations - 1, handle, 0);
            emit(c, RAW_FORGET, op, s.raw, s.raw + 1, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** Checks that {@link #restore} would succeed, without changing anything. */
    void checkRestorable(int slot, int expectedType) {
        Ctx c = enter(slot);
        try {
            checkRestorable(c, expectedType);
        } finally {
            table.unlock(slot);
            unpin(c);
        }
    }

    private void checkRestorable(Ctx c, int expectedType) {
        if (c.st.raw <= 0) {
            throw new IllegalStateException("double free: frame 0x" + Long.toHexString(paddr(c.slot))
                    + " has no forgotten reference to restore (from_raw without into_raw)");
        }
        checkType(c, expectedType);
    }

    /** from_raw: a forgotten reference becomes a handle again. */
    void restore(int slot, OpCode op, long handle, int expectedType) {
        Ctx c = enter(slot);
        try {
            checkRestorable(c, expectedType);
            SlotState s = c.st;
            emit(c, RAW_RESTORE, op, s.raw, s.raw - 1, handle, 0);
            emit(c, MINT, op, s.obligations, s.obligations + 1, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** Moves one obligation from one handle to another (Segment::next, Segment::from(frame)). */
    void transfer(int slot, OpCode op, long from, long to) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            emit(c, REDEEM, op, s.obligations, s.obligations - 1, from, 0);
            emit(c, MINT, op, s.obligations, s.obligations + 1, to, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** Frame::from_unique: UNIQUE→1, the unique handle's obligation moves to the shared one. */
    void uniqueToShared(int slot, long from, long to) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            if (s.refCount != RefCount.UNIQUE) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is not unique");
            }
            if (s.inList != 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is on list " + s.inList
                        + "; pop it before sharing it");
            }
            emit(c, REFCOUNT, OpCode.FRAME_FROM_UNIQUE, RefCount.UNIQUE, 1, to, 0);
            emit(c, REDEEM, OpCode.FRAME_FROM_UNIQUE, s.obligations, s.obligations - 1, from, 0);
            emit(c, MINT, OpCode.FRAME_FROM_UNIQUE, s.obligations, s.obligations + 1, to, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** TryFrom&lt;Frame&gt; for UniqueFrame: 1→UNIQUE only when this is the one reference. @return success */
    boolean sharedToUnique(int slot, long from, long to) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            if (s.refCount != 1 || s.raw != 0) {
                return false;
            }
            emit(c, REFCOUNT, OpCode.UNIQUE_TRY_FROM_SHARED, 1, RefCount.UNIQUE, to, 0);
            emit(c, REDEEM, OpCode.UNIQUE_TRY_FROM_SHARED, s.obligations, s.obligations - 1, from, 0);
            emit(c, MINT, OpCode.UNIQUE_TRY_FROM_SHARED, s.obligations, s.obligations + 1, to, JournalEvent.FLAG_OP_END);
            return true;
        } finally {
            exit(c);
        }
    }

    /** Rewrites a unique frame's metadata in place (same type). */
    void updateMeta(int slot, long handle, short type, long w0, long w1) {
        Ctx c = enter(slot);
        try {
            checkType(c, type);
            emitTyped(c, META_WRITE, OpCode.UNIQUE_META_UPDATE, w0, w1, handle, type,
                    JournalEvent.FLAG_UPDATE | JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** UniqueFrame::repurpose: drop the old metadata, write new metadata of any type. */
    void repurpose(int slot, long handle, short type, long w0, long w1) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            if (s.inList != 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is on list " + s.inList
                        + "; pop it before repurposing it");
            }
            emitTyped(c, META_DROP, OpCode.UNIQUE_REPURPOSE, s.meta0, s.meta1, handle, s.metaType, 0);
            emitTyped(c, META_WRITE, OpCode.UNIQUE_REPURPOSE, w0, w1, handle, type, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** Sets or clears a unique frame's list membership. */
    void setList(int slot, OpCode op, long handle, int listId) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            if (s.refCount != RefCount.UNIQUE) {
                throw new IllegalStateException("only unique frames go on frame lists");
            }
            if (listId != 0 && s.inList != 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is already on list " + s.inList);
            }
            emit(c, LIST, op, s.inList, listId, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /** inc_frame_ref_count: {@code delta} more references with no handle; they live raw. */
    void incRefCount(int slot, OpCode op, long handle, long delta) throws GetFrameException {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            long rc = s.refCount;
            if (rc <= 0) {
                throw new GetFrameException(rc == RefCount.UNUSED ? GetFrameError.UNUSED
                        : rc == RefCount.UNIQUE ? GetFrameError.UNIQUE : GetFrameError.BUSY, paddr(slot));
            }
            if (delta <= 0 || rc > RefCount.MAX - delta) {
                throw new FramePanicException("reference count of frame 0x" + Long.toHexString(paddr(slot))
                        + " would pass MAX");
            }
            emit(c, REFCOUNT, op, rc, rc + delta, handle, 0);
            emit(c, RAW_FORGET, op, s.raw, s.raw + delta, handle, JournalEvent.FLAG_OP_END);
        } finally {
            exit(c);
        }
    }

    /**
     * Recovery's reclaim: releases everything a dead process held on one slot (obligations, raw references, list
     * membership, its reference and metadata) so the frame is free again. @return whether the frame was in use
     */
    boolean reclaim(int slot) {
        Ctx c = enter(slot);
        try {
            SlotState s = c.st;
            OpCode op = OpCode.RECOVERY_RECLAIM;
            boolean inUse = !s.isFree();
            if (s.obligations > 0) {
                emit(c, REDEEM, op, s.obligations, 0, 0, 0);
            }
            if (s.raw > 0) {
                emit(c, RAW_RESTORE, op, s.raw, 0, 0, 0);
            }
            if (s.inList != 0) {
                emit(c, LIST, op, s.inList, 0, 0, 0);
            }
            if (s.refCount != 0 && !s.isFree()) {
                emit(c, REFCOUNT, op, s.refCount, 0, 0, 0);
            }
            if (s.metaInitialized()) {
                emitTyped(c, META_DROP, op, s.meta0, s.meta1, 0, s.metaType, 0);
            }
            if (s.refCount == 0) {
                emit(c, REFCOUNT, op, 0, RefCount.UNUSED, 0, 0);
            }
            emit(c, USAGE, op, s.usage, Usage.UNUSED.code(), 0, JournalEvent.FLAG_OP_END);
            return inUse;
        } finally {
            exit(c);
        }
    }

    /** A copy of one slot's state, read under its lock. */
    SlotState snapshot(int slot, SlotState into) {
        Ctx c = pin();
        table.lock(slot);
        try {
            table.load(slot, into);
            return into;
        } finally {
            table.unlock(slot);
            unpin(c);
        }
    }

    /** Journals an event that changes no slot (region, compound, leak and recovery markers). @return its index */
    long marker(EventKind kind, OpCode op, int slot, long before, long after, long handle, short metaType) {
        Ctx c = pin();
        try {
            return markerUnguarded(c, kind, op, slot, before, after, handle, metaType);
        } finally {
            unpin(c);
        }
    }

    /** The region's last event, journaled after {@link #shutdown()} has drained every operation. */
    long closingMarker(EventKind kind, OpCode op, long handle) {
        return markerUnguarded(contexts.get(), kind, op, JournalEvent.NO_SLOT, 0, 0, handle, (short) 0);
    }

    private static long markerUnguarded(Ctx c, EventKind kind, OpCode op, int slot, long before, long after,
            long handle, short metaType) {
        JournalEvent e = c.ev.set(kind, op, slot, before, after, handle);
        e.metaType = metaType;
        return c.lane.append(e);
    }

    JournalWriter journal() {
        return journal;
    }
}
