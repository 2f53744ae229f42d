package io.framejournal.allocator;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The close handshake between a region's calls and {@link MetaRegion#close()}: each thread holds a {@link Pin} and
 * raises its {@code active} word <em>before</em> it reads {@code shut}; closing raises {@code shut} <em>before</em> it
 * reads the {@code active} words (both volatile: a Dekker pair). So either a call sees {@code shut} and is refused,
 * or closing sees the call active and waits for it, never both missed: nothing is unmapped under a call. The
 * jcstress tests in the {@code jcstress} module check exactly that outcome is forbidden.
 */
final class CloseGate {
    /** One thread's pin. Owned by that thread; nests. */
    static class Pin {
        /** The thread that made the pin (weakly: a pin must not keep a dead thread's object alive). */
        private final java.lang.ref.WeakReference<Thread> owner =
                new java.lang.ref.WeakReference<>(Thread.currentThread());
        /** Nesting depth of {@link CloseGate#enter} on the owning thread. */
        int depth;
        /** 1 while the owning thread is inside a call. */
        volatile int active;

        /** Whether the thread that made the pin is still alive. */
        final boolean ownerAlive() {
            Thread t = owner.get();
            return t != null && t.isAlive();
        }
    }

    private final Queue<Pin> pins = new ConcurrentLinkedQueue<>();
    private volatile boolean shut;

    /**
     * Registers a thread's pin so that {@link #shutAndWait} waits for it, and drops the pins of threads that have died
     * (a simulator that churns through short-lived threads would otherwise keep every one of them). Runs once per
     * thread, on its first call, never on the hot path.
     */
    <P extends Pin> P register(P pin) {
        pins.removeIf(CloseGate::deadOwner);
        pins.add(pin);
        return pin;
    }

    private static boolean deadOwner(Pin p) {
        Thread t = p.owner.get();
        return (t == null || !t.isAlive()) && p.active == 0;
    }

    /** Pins registered (live threads, and dead ones not yet swept). */
    int registered() {
        return pins.size();
    }

    /** Enters a call. @return false when the gate is shut (then the pin is left as before the call) */
    boolean enter(Pin p) {
        if (p.depth++ == 0) {
            p.active = 1;
            if (shut) {
                p.active = 0;
                p.depth = 0;
                return false;
            }
        }
        return true;
    }

    /**
     * Leaves a call. Lowering {@code active} needs no store-load fence (only raising it is half of the Dekker pair): a
     * release store, so a closer that reads it lowered (a volatile read) sees every access of the call before it.
     */
    void exit(Pin p) {
        if (--p.depth == 0) {
            ACTIVE.setRelease(p, 0);
        }
    }

    private static final java.lang.invoke.VarHandle ACTIVE;

    static {
        try {
            ACTIVE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Pin.class, "active", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Whether the calling thread is inside a call (its pin raised): closing from there would wait for itself. Walks
     * the pins; for {@code close}, not for calls.
     */
    boolean enteredByCurrentThread() {
        Thread me = Thread.currentThread();
        for (Pin p : pins) {
            if (p.active != 0 && p.owner.get() == me) {
                return true;
            }
        }
        return false;
    }

    /** Whether the gate has been shut (the region is closing or closed). */
    boolean isShut() {
        return shut;
    }

    /** Shuts the gate; @return whether no registered pin is inside a call at this moment. */
    boolean shutAndCheckQuiet() {
        shut = true;
        for (Pin p : pins) {
            if (p.active != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Shuts the gate and waits up to {@code timeoutNanos} for the calls in flight: yields a while, then parks (10 µs,
     * doubling to 1 ms), so that a call held long (a segment's metadata function waiting on something) costs the
     * closing thread no core for the up to 10 s of a close. @return whether they all left
     */
    boolean shutAndWait(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        long park = MIN_PARK_NANOS;
        for (int round = 0; !shutAndCheckQuiet(); round++) {
            long left = deadline - System.nanoTime();
            if (left < 0) {
                return false;
            }
            if (round < YIELDS_BEFORE_PARK) {
                Thread.yield();
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(park, left));
                park = Math.min(park << 1, MAX_PARK_NANOS);
            }
        }
        return true;
    }

    private static final int YIELDS_BEFORE_PARK = 1_000;
    private static final long MIN_PARK_NANOS = 10_000;
    private static final long MAX_PARK_NANOS = 1_000_000;
}
