package io.framejournal.journal;

import java.util.function.LongConsumer;
import net.openhft.chronicle.queue.impl.single.WriteLock;

/**
 * Chronicle's write lock for a journal writer's queue: the writer's own append lock. Every append already runs under
 * that lock (it also assigns the record's sequence number), so an append costs one lock instead of two: Chronicle's
 * lock is a word in the queue's metadata file, taken with a CAS and released with another, around every document.
 * Chronicle also takes its write lock when it makes an appender (to mend the end-of-file markers of earlier cycles)
 * and in its own checks; those calls take the append lock like an append, or, on a thread that already holds it,
 * pass straight through (Chronicle's own lock is not reentrant; this one is, for its holder).
 *
 * <p>What Chronicle's lock word gave besides and this does not: exclusion between processes. A region has one writing
 * process, held by its file lock ({@code RegionLock}), and every append of ours goes through {@link JournalWriter}; a
 * process killed in an append leaves no lock word behind for the next writer to wait out.
 */
final class AppendLockAsWriteLock implements WriteLock {
    private AppendCombiner<?> lock;
    /** Nested {@link #lock()} calls of the thread holding the append lock, to undo without releasing it. */
    private int reentries;

    /** Binds the append lock, once the writer that owns it exists (the queue is built before the writer). */
    void bind(AppendCombiner<?> appendLock) {
        this.lock = appendLock;
    }

    private AppendCombiner<?> appendLock() {
        AppendCombiner<?> l = lock;
        if (l == null) {
            throw new IllegalStateException("the journal's append lock is not bound yet");
        }
        return l;
    }

    @Override
    public void lock() {
        AppendCombiner<?> l = appendLock();
        if (l.isHeldByCurrentThread()) {
            reentries++; // guarded by the append lock: only its holder gets here
            return;
        }
        l.lock();
    }

    @Override
    public void unlock() {
        if (reentries > 0) {
            reentries--;
            return;
        }
        appendLock().unlock();
    }

    @Override
    public boolean locked() {
        return lock != null && lock.isLocked();
    }

    /** Held only ever by this process: nothing to force. @return whether it is free */
    @Override
    public boolean forceUnlockIfProcessIsDead() {
        return !locked();
    }

    /** Free, or held by this process: never by another. */
    @Override
    public boolean isLockedByCurrentProcess(LongConsumer notCurrentProcessConsumer) {
        return true;
    }

    /** The append lock belongs to the writer, which outlives the queue's use of it. */
    @Override
    public void close() {}
}
