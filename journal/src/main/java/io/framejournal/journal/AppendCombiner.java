package io.framejournal.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock with flat combining, for {@link JournalWriter}'s appends: a thread that submits a request while the lock is
 * free takes it and serves its own request, then every request other threads have posted meanwhile, in one pass; a
 * thread that finds the lock held posts its request and waits until the holder has served it (its request word goes
 * to DONE) or the lock is free, in which case it takes the lock and serves itself and the others. The server is
 * sticky: a thread other than the one that served the last pass posts its request and leaves it to that thread's next
 * pass for a while even when the lock is free, so that appends stay on one core while the threads keep coming (see
 * {@link #awaitServer}). Every submitted request is served exactly once, under the lock (a serving that throws
 * included: the request is never served again, and its owner gets what was thrown). The protocol is here alone, apart from what a request is, so that
 * jcstress can check it without a queue ({@code AppendCombinerStress} in the {@code jcstress} module).
 *
 * <p>A request's word: {@link #IDLE} (nothing posted), {@link #PENDING} (posted with a release store: whatever its
 * owner wrote before is visible to the thread that serves it), {@link #DONE} (served by another thread, marked with a
 * release store after the serving: what the server wrote is visible to the owner). A thread that serves its own
 * posted request withdraws it (IDLE) under the lock, before it releases the lock, so that no later holder finds it
 * still pending.
 *
 * @param <R> the requests served
 */
abstract class AppendCombiner<R extends AppendCombiner.Request> {
    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int DONE = 2;

    private static final int SPINS_BEFORE_YIELD = 64;
    /** How long a thread leaves its posted request to the last pass's server before serving it itself. */
    private static final int STICKY_SPINS = Integer.getInteger("framejournal.stickySpins", 64);

    /** One thread's request word; a subclass carries what is asked and what it got. Owned by one thread at a time. */
    abstract static class Request {
        /** {@link #IDLE}, {@link #PENDING} or {@link #DONE}. */
        @SuppressWarnings("unused") // through STATE
        volatile int state;

        /**
         * What {@link #serve} threw for this request, or {@code null}: written by the thread that served it before it
         * marked it DONE, thrown to the owner by {@link #submit} (and cleared).
         */
        Throwable thrown;
    }

    /** 0 free, 1 held: taken with a CAS, released with a release store. */
    @SuppressWarnings("unused") // through LOCK
    private volatile int lock;
    /**
     * The thread holding the lock, or {@code null}: written by the holder right after it takes the lock and cleared
     * before it releases it. Plain: a thread reads its own thread here only while it holds the lock (the last value it
     * wrote itself, or a later holder's, which is never its own), so {@link #isHeldByCurrentThread} needs no fence.
     */
    private Thread owner;
    /** Every registered request (copy on write), for the lock's holder to scan without allocating. */
    private volatile Request[] requests = new Request[0];
    /** The request of the thread that served the last pass: a hint, read without the lock. */
    private volatile Request lastServer;
    /** Requests a thread served for another (guarded by the lock). */
    private long servedForOthers;

    /** Under the lock, once per pass, before its first {@link #serve}; {@code server} is the calling thread's request. */
    abstract void beginPass(R server);

    /**
     * Under the lock: serves one request, on the calling thread, whose own request is {@code server} (the same object
     * as {@code request} when it serves itself: whatever the thread owns, e.g. a Chronicle appender, is reached through
     * it). Should not throw (a failure goes into the request); whatever it throws all the same (a {@code
     * StackOverflowError}, a bug) is caught, the request counts as served (never served again: the serving may have
     * done its work before it threw), {@link #servingThrew} is told, and {@link #submit} throws it to the request's
     * owner.
     */
    abstract void serve(R server, R request);

    /**
     * Under the lock: {@link #serve} threw {@code thrown} for {@code request}, which will not be served again; its
     * owner gets {@code thrown} from {@link #submit}. The place to refuse what follows (the journal writer fails for
     * good: it cannot know whether the record was written). Must not throw; does nothing unless overridden.
     */
    void servingThrew(R server, R request, Throwable thrown) {}

    /** Under the lock, once per pass, after its last {@link #serve} (also when one threw). */
    abstract void endPass();

    /** Makes {@code request} one that lock holders look for. Not on the hot path. */
    final synchronized void register(R request) {
        Request[] grown = java.util.Arrays.copyOf(requests, requests.length + 1);
        grown[grown.length - 1] = request;
        requests = grown;
    }

    /**
     * Has {@code self} (registered, owned by the calling thread, IDLE) served exactly once, by this thread or another.
     * Throws what its serving threw, if it did (see {@link #serve}).
     */
    final void submit(R self) {
        if (lastServer != self || !serveIfFree(self)) { // unless the thread that served last found the lock free
            submitAfterAnother(self);
        }
        Throwable t = self.thrown; // the server wrote it before its release store of DONE, read with acquire after
        if (t != null) {
            self.thrown = null;
            if (t instanceof Error e) {
                throw e;
            }
            throw unchecked(t);
        }
    }

    /**
     * {@code t} as an unchecked exception: itself, or, for a checked one (Chronicle throws some undeclared), a wrapper
     * whose cause it is (an {@link java.io.IOException} stays in the cause chain, where the region's error messages
     * look for it).
     */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof java.io.IOException io) {
            return new java.io.UncheckedIOException(RegionException.oneLine(io), io);
        }
        return new IllegalStateException(RegionException.oneLine(t), t);
    }

    /** {@link #submit} for a thread that did not serve the last pass, or that found the lock held. */
    private void submitAfterAnother(R self) {
        Request server = lastServer;
        if (server != self && server != null) {
            awaitServer(self);
        } else if (!serveIfFree(self)) {
            awaitServed(self);
        }
    }

    /** Takes the lock if it is free and serves {@code self}, then the others. @return whether it did */
    private boolean serveIfFree(R self) {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            return false;
        }
        boolean released = false;
        try {
            owner = Thread.currentThread();
            pass(self, true);
            unlock();
            released = true;
        } finally {
            if (!released) {
                // the pass threw (a StackOverflowError out of any call made under the lock, the one that reads the
                // thread included), or unlock() did before its store. This runs where the stack ran out, so it calls
                // nothing (a call could overflow again and leave the lock held for good, every later append waiting
                // for it for ever): a plain write and a volatile store. Not the way out of a pass that returned: the
                // volatile store's fence is not paid per append
                owner = null;
                lock = 0;
            }
        }
        return true;
    }

    /**
     * Another thread served the last pass: its core holds the journal's tail (Chronicle's header, index and lock lines),
     * so the request is posted and left to that thread's next pass for a while, even with the lock free; only then is
     * it served as a contended request is. Appends then stay on one core while the threads keep coming.
     */
    private void awaitServer(R self) {
        STATE.setRelease(self, PENDING);
        for (int i = 0; i < STICKY_SPINS; i++) {
            if ((int) STATE.getAcquire(self) == DONE) {
                self.state = IDLE;
                return;
            }
            Thread.onSpinWait();
        }
        waitServed(self); // still posted (or served since: waitServed sees DONE first)
    }

    /** The contended path, out of {@link #submit} so that the uncontended one stays small. */
    private void awaitServed(R self) {
        STATE.setRelease(self, PENDING); // publishes what the request holds to the thread that serves it
        waitServed(self);
    }

    /**
     * Waits for a posted request to be served by the lock's holder, or takes the free lock and serves it (and the
     * others) itself. Never posts again: a request served meanwhile is DONE, and posting it anew would have it served
     * twice.
     */
    private void waitServed(R self) {
        int spins = 0;
        for (; ; ) {
            if ((int) STATE.getAcquire(self) == DONE) {
                break;
            }
            if ((int) LOCK.getOpaque(this) == 0 && LOCK.compareAndSet(this, 0, 1)) {
                boolean released = false;
                try {
                    owner = Thread.currentThread();
                    if ((int) STATE.getAcquire(self) == PENDING) {
                        // withdrawn under the lock, before it is released: the next holder must not find it pending
                        // and serve it a second time (or while its owner prepares the next one)
                        self.state = IDLE;
                        pass(self, true);
                    } else {
                        pass(self, false); // served just before the lock was taken; serve the others
                    }
                    unlock();
                    released = true;
                } finally {
                    if (!released) {
                        owner = null; // as in serveIfFree: no call here
                        lock = 0;
                    }
                }
                break;
            }
            spins = pause(spins);
        }
        self.state = IDLE;
    }

    /** Under the lock: {@code self}'s request (when {@code serveSelf}), then every other pending one. */
    private void pass(R self, boolean serveSelf) {
        if (lastServer != self) {
            lastServer = self;
        }
        beginPass(self);
        try {
            if (serveSelf) {
                serveOne(self, self);
            }
            if (requests.length > 1) {
                serveOthers(self);
            }
        } finally {
            endPass();
        }
    }

    @SuppressWarnings("unchecked") // only Rs are registered
    private void serveOthers(R self) {
        for (Request r : requests) {
            if (r != self && (int) STATE.getAcquire(r) == PENDING) {
                try {
                    serveOne(self, (R) r);
                } finally {
                    // DONE whatever happened: a request left PENDING after its serving began would be served again by
                    // its owner or the next holder (an append written twice); what was thrown is in r.thrown
                    servedForOthers++;
                    STATE.setRelease(r, DONE);
                }
            }
        }
    }

    /** {@link #serve}, with whatever it throws kept for the request's owner (see {@link #serve}). */
    private void serveOne(R self, R r) {
        try {
            serve(self, r);
        } catch (Throwable t) { // NOPMD: a StackOverflowError or a bug must not leave the request to be served again
            r.thrown = t; // a plain store first: the owner is told even if the hook below fails
            servingThrew(self, r, t);
        }
    }

    /** Takes the lock without serving anything (a CAS; the acquire orders everything the holder reads after it). */
    final void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            int spins = 0;
            do {
                // test, then test-and-set: a waiter that CASes in a loop takes the lock's line from the holder each
                // time
                while ((int) LOCK.getOpaque(this) != 0) {
                    spins = pause(spins);
                }
            } while (!LOCK.compareAndSet(this, 0, 1));
        }
        try {
            owner = Thread.currentThread();
        } catch (Throwable t) { // a StackOverflowError: the lock is the caller's only once lock() returns
            lock = 0; // a volatile store: it calls nothing that could overflow again
            throw t;
        }
    }

    /** Whether the calling thread holds the lock (serving a pass, or through {@link #lock()}). */
    final boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /** Whether any thread holds the lock at this moment. */
    final boolean isLocked() {
        return (int) LOCK.getVolatile(this) != 0;
    }

    /** One wait of a waiter that has waited {@code spins} times: spinning at first, then yielding. */
    private static int pause(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }

    /** Releases the lock: a release store publishes everything written under it to the next holder. */
    final void unlock() {
        owner = null;
        LOCK.setRelease(this, 0);
    }

    /** Requests served by a thread other than their owner so far. */
    final long servedForOthers() {
        lock();
        try {
            return servedForOthers;
        } finally {
            unlock();
        }
    }

    private static final VarHandle LOCK;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCK = lookup.findVarHandle(AppendCombiner.class, "lock", int.class);
            STATE = lookup.findVarHandle(Request.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
