package io.framejournal.allocator;

import net.openhft.chronicle.core.UnsafeMemory;

/**
 * The slot lock: one 32-bit word inside each slot's 64-byte value (0 free, 1 held), taken with a CAS and released
 * with a release store, so the unlock publishes every store made under the lock to the next holder. Spins briefly,
 * then yields, then parks (10 µs, doubling to 1 ms) so that a lock held long (a segment call's metadata function
 * running) costs its waiters no core, an interrupted waiter's included. The jcstress tests in the {@code jcstress}
 * module check mutual exclusion and visibility on this word.
 */
final class SlotLock {
    private static final UnsafeMemory MEM = UnsafeMemory.MEMORY;
    private static final int SPINS_BEFORE_YIELD = 64;

    private SlotLock() {}

    /** Takes the lock word at {@code address}. */
    static void lock(long address) {
        if (MEM.compareAndSwapInt(address, 0, 1)) {
            return;
        }
        int spins = 0;
        long park = MIN_PARK_NANOS;
        boolean interrupted = false;
        while (!MEM.compareAndSwapInt(address, 0, 1)) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else if (spins < SPINS_BEFORE_YIELD + YIELDS_BEFORE_PARK) {
                Thread.yield();
            } else {
                // held for long (a segment call's metadata function running, a holder descheduled): stop burning a
                // core; the unlocker does not know its waiters, so the wait is a park that doubles up to the most.
                // A park returns at once while the interrupt status is set (a worker stopped with shutdownNow that
                // closes its frames): the status is cleared for the wait and set again once the lock is taken
                interrupted |= Thread.interrupted();
                java.util.concurrent.locks.LockSupport.parkNanos(park);
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }
        if (interrupted) { // no call otherwise: the lock is held now, and the caller has not yet noted it
            Thread.currentThread().interrupt();
        }
    }

    /** Yields after the spins before a waiter parks. */
    private static final int YIELDS_BEFORE_PARK = 1_000;

    private static final long MIN_PARK_NANOS = 10_000;
    private static final long MAX_PARK_NANOS = 1_000_000;

    /** Takes the lock word when it is free. @return whether it was taken */
    static boolean tryLock(long address) {
        return MEM.compareAndSwapInt(address, 0, 1);
    }

    /**
     * Releases the lock word with a release store (an ordered write): every store made under the lock is visible to
     * the next holder, whose CAS acquires it. No store-load fence: nothing after an unlock waits on another thread.
     */
    static void unlock(long address) {
        MEM.writeOrderedInt(address, 0);
    }

    /** Clears a lock word a dead process held (recovery only). @return whether it was held */
    static boolean clear(long address) {
        if (MEM.readVolatileInt(address) != 0) {
            MEM.writeVolatileInt(address, 0);
            return true;
        }
        return false;
    }
}
