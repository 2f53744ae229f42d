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
import io.framejournal.journal.RecordEncoder;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Usage;
import io.framejournal.journal.Verdict;
import java.util.Arrays;

/**
 * Every slot-owner mutation, written ahead, one journal record per public call. A call takes the locks of every slot
 * it touches (ascending slot order, so calls never deadlock), checks every precondition (seed errors, panics) on the
 * locked state, builds its entries through {@link Transition#apply} on scratch copies (the same transition replay
 * uses), appends the one record, and only then stores the slots ({@code lastIndex} = the record's index, written
 * last) and unlocks. A failure before the append journals nothing and changes nothing; a crash after it is redone by
 * recovery. An append that throws marks the region failed: every later call throws until the region is recovered.
 */
final class SlotEngine {
    private final SlotTable table;
    private final JournalWriter journal;
    private final int pageSize;
    private final ThreadLocal<Ctx> contexts;
    /**
     * The context of the first thread to call (kept while that thread lives): its calls find their context with one
     * field read and a compare against {@link Thread#currentThread()} instead of a thread-local map lookup. Other
     * threads use {@link #contexts}. Read racily: a context's {@code threadId} is final, so a thread that reads another
     * thread's context sees that it is not its own.
     */
    private Ctx first;

    private final CloseGate gate = new CloseGate();
    /** How handles are sampled for leak tracking and call sites. */
    private final LeakDetection level;
    /** Captures call sites of sampled calls; {@code null} when none are captured. */
    private final SiteCapture sites;

    private volatile String failure;

    SlotEngine(SlotTable table, JournalWriter journal, int pageSize) {
        this(table, journal, pageSize, LeakDetection.DISABLED, null);
    }

    SlotEngine(SlotTable table, JournalWriter journal, int pageSize, LeakDetection level, SiteCapture sites) {
        this.table = table;
        this.journal = journal;
        this.pageSize = pageSize;
        this.level = level;
        this.sites = level == LeakDetection.DISABLED ? null : sites;
        this.contexts = ThreadLocal.withInitial(() -> gate.register(new Ctx(journal.lane())));
    }

    /** Metadata of one slot of a segment being made: filled by the segment's metadata function, slot by slot. */
    static final class MetaWords {
        short type;
        long w0;
        long w1;

        void set(short type, long w0, long w1) {
            this.type = type;
            this.w0 = w0;
            this.w1 = w1;
        }
    }

    /** Gives slot {@code slot}'s metadata; runs with the slots before it locked (the seed's call order). */
    @FunctionalInterface
    interface MetaSource {
        void fill(int slot, MetaWords out);
    }

    /** One thread's scratch for one call: its journal lane, the slots it holds locked and their scratch states. */
    static final class Ctx extends CloseGate.Pin {
        /** The id of the thread this context belongs to (ids are never reused; no reference keeps it alive). */
        final long threadId = Thread.currentThread().getId();

        final JournalWriter.Lane lane;
        final RecordEncoder rec;
        final JournalEvent ev = new JournalEvent();
        final MetaWords meta = new MetaWords();
        SlotState[] st = newStates(8);
        int[] slots = new int[8];
        boolean[] touched = new boolean[8];
        short[] metaType = new short[8];
        long[] meta0 = new long[8];
        long[] meta1 = new long[8];
        /** Slots locked by the call in progress. */
        int n;
        /**
         * A call is in progress on this thread (between {@link #begin} and {@link #end}): user code it runs (a segment's
         * metadata function) must not start another call on this region, which would reuse this context and wait
         * forever for a slot lock this thread holds.
         */
        boolean inCall;

        OpCode op;
        long handle;
        SlotState cur;
        int curSlot;

        /** The next handle number this thread hands out, and the end of its block (exclusive). */
        long handleNext;

        long handleEnd;

        /** Handle creations on this thread so far: sampling counts them per thread (deterministic per thread). */
        long creations;
        /** The call in progress made a handle that is sampled (its creation record names {@link #site}). */
        boolean sampled;
        /** Set when a sampled creation committed: the handle constructed next on this thread takes it. */
        boolean sampleReady;
        /** Call-site id of the call in progress, 0 for none. */
        int site;

        final SiteCapture.Walk walk = new SiteCapture.Walk();

        Ctx(JournalWriter.Lane lane) {
            this.lane = lane;
            this.rec = lane.record();
        }

        void grow(int need) {
            if (need <= slots.length) {
                return;
            }
            int cap = Math.max(need, slots.length * 2);
            SlotState[] more = Arrays.copyOf(st, cap);
            for (int i = st.length; i < cap; i++) {
                more[i] = new SlotState();
            }
            st = more;
            slots = Arrays.copyOf(slots, cap);
            touched = Arrays.copyOf(touched, cap);
            metaType = Arrays.copyOf(metaType, cap);
            meta0 = Arrays.copyOf(meta0, cap);
            meta1 = Arrays.copyOf(meta1, cap);
        }

        private static SlotState[] newStates(int n) {
            SlotState[] a = new SlotState[n];
            for (int i = 0; i < n; i++) {
                a[i] = new SlotState();
            }
            return a;
        }
    }

    SlotTable table() {
        return table;
    }

    JournalWriter journal() {
        return journal;
    }

    // ---------------------------------------------------------------- pinning and closing

    /**
     * Marks the calling thread as inside an operation, so that closing the region waits for it instead of
     * unmapping the slot table under it. Nests; pair with {@link #unpin}.
     */
    /** What a call refused by the closed gate is told ({@link #refuseWith}). */
    private volatile String refusal = "region is closed";

    /** Sets what calls refused from now on are told: the region's name, and whether a close is still pending. */
    void refuseWith(String message) {
        refusal = message;
    }

    Ctx pin() {
        Ctx c = context();
        if (!gate.enter(c)) {
            throw new IllegalStateException(refusal);
        }
        return c;
    }

    /** The calling thread's context. */
    private Ctx context() {
        Ctx c = first;
        if (c != null && c.threadId == Thread.currentThread().getId()) {
            return c;
        }
        return otherContext(c);
    }

    private Ctx otherContext(Ctx cached) {
        Ctx c;
        try {
            c = contexts.get(); // a thread's first call makes its context, with a journal lane (a Chronicle appender)
        } catch (RuntimeException e) {
            if (gate.isShut()) {
                // a first call that raced close() past its region.ensureOpen(): the journal is closing or closed, and
                // Chronicle says so in its own words ("SingleChronicleQueue closed for Thread-3"); say what the others
                // are told
                throw new IllegalStateException(refusal, e);
            }
            throw e;
        }
        if (cached == null || (cached != c && !cached.ownerAlive())) {
            first = c; // the first caller, or the first after it died
        }
        return c;
    }

    void unpin(Ctx c) {
        gate.exit(c);
    }

    /** Whether the calling thread is inside a call on this region (closing from there would wait for itself). */
    boolean callingThreadInsideCall() {
        return gate.enteredByCurrentThread();
    }

    /**
     * Refuses new operations and waits (up to {@code timeout}) for those in flight on other threads to finish. @return
     * whether they did (new operations stay refused either way)
     */
    boolean shutdown(long timeoutNanos) {
        return gate.shutAndWait(timeoutNanos);
    }

    /** Engine contexts registered (one per live thread that has called the region, plus dead ones not yet swept). */
    int registeredContexts() {
        return gate.registered();
    }

    /** Handle numbers a thread takes from the region's counter at once. */
    static final int HANDLE_BLOCK = 64;

    /**
     * The calling thread's next handle number: from its block, taking a new block of {@value #HANDLE_BLOCK} from
     * {@code counter} when it has used its last. Numbers are unique in the region's session; a thread that dies
     * leaves the rest of its block unused.
     */
    long nextHandleNumber(java.util.concurrent.atomic.AtomicLong counter) {
        Ctx c = context();
        long n = c.handleNext;
        if (n == c.handleEnd) {
            n = counter.getAndAdd(HANDLE_BLOCK) + 1;
            c.handleEnd = n + HANDLE_BLOCK;
        }
        c.handleNext = n + 1;
        return n;
    }

    /** Why the region failed (an append threw), or {@code null}. */
    String failure() {
        return failure;
    }

    // ---------------------------------------------------------------- one call: lock, check, build, append, store

    private Ctx begin(OpCode op, long handle) {
        return begin(op, handle, false);
    }

    /**
     * Starts a call. A call that makes a handle counts towards the thread's sampling: with leak detection SAMPLED
     * every {@value LeakTracker#SAMPLE_INTERVAL}th creation on a thread (the first, then every 128th), with PARANOID
     * every one, is sampled: its call site is captured and the handle built from it is leak-tracked. An into_raw of a
     * sampled handle ({@code forgetSampled}) has its site captured too.
     */
    private Ctx begin(OpCode op, long handle, boolean forgetSampled) {
        Ctx c = pin();
        boolean begun = false;
        try {
            if (c.inCall) {
                throw nested(c, op);
            }
            String failed = failure;
            if (failed != null) {
                throw new IllegalStateException("the region failed and takes no more calls (" + failed + "); close it"
                        + " and run `framejournal recover` on it");
            }
            c.n = 0;
            c.op = op;
            c.handle = handle;
            c.sampleReady = false;
            c.sampled = false;
            c.site = 0;
            if (level != LeakDetection.DISABLED) {
                if (makesHandle(op)) {
                    c.sampled = level == LeakDetection.PARANOID || c.creations % LeakTracker.SAMPLE_INTERVAL == 0;
                    c.creations++;
                }
                if ((c.sampled || forgetSampled) && sites != null) {
                    c.site = sites.capture(c.walk); // a stack overflow in the walk, say: no call began
                }
            }
            c.rec.beginCall(op, handle, c.site);
            c.ev.op = op.code();
            c.ev.handle = handle;
            c.inCall = true; // last: every caller ends the call (end) in a finally from here on
            begun = true;
            return c;
        } finally {
            if (!begun) {
                // whatever was thrown (a refusal, or a StackOverflowError out of any step above): the thread leaves the
                // call it never began, or close() would wait for it for ever
                unpin(c);
            }
        }
    }

    /** Locks {@code slot} for the call and loads it; slots must be locked in ascending order. */
    private SlotState lock(Ctx c, int slot) {
        c.grow(c.n + 1);
        table.lock(slot);
        int i = c.n++;
        c.slots[i] = slot;
        c.touched[i] = false;
        SlotState s = c.st[i];
        table.load(slot, s);
        return s;
    }

    /** Starts the entries of the {@code i}-th locked slot. */
    private SlotState group(Ctx c, int i) {
        c.touched[i] = true;
        c.cur = c.st[i];
        c.curSlot = c.slots[i];
        c.ev.slot = c.curSlot;
        c.rec.beginSlot(c.curSlot, c.cur.lastIndex);
        return c.cur;
    }

    private void emit(Ctx c, EventKind kind, long before, long after) {
        emit(c, kind, before, after, (short) 0, 0);
    }

    /**
     * One entry of the current slot: applied to the slot's scratch state through {@link Transition#apply} (which must
     * find it legal), then encoded. The event's op, handle and slot were set once for the call and the group.
     */
    private void emit(Ctx c, EventKind kind, long before, long after, short metaType, int flags) {
        JournalEvent e = c.ev;
        e.kind = kind;
        e.flags = flags;
        e.metaType = metaType;
        e.before = before;
        e.after = after;
        Verdict v = Transition.apply(c.cur, e);
        if (v != Verdict.OK) {
            throw illegal(c, v);
        }
        c.rec.entry(kind, flags, metaType, before, after);
    }

    private static IllegalStateException illegal(Ctx c, Verdict v) {
        JournalEvent e = c.ev;
        return new IllegalStateException("internal error: " + e.kind + " " + e.before + "\u2192" + e.after + " on slot "
                + c.curSlot + " is " + v + " for its state " + c.cur);
    }

    /** Appends the call's record, stores every slot it changed and unlocks. @return the record's index */
    private long commit(Ctx c) {
        long index;
        try {
            index = c.lane.appendCall();
        } catch (RuntimeException | Error e) {
            String why = RegionException.oneLine(e);
            failure = "a journal append failed: " + why;
            throw new IllegalStateException(
                    "journal append failed (" + why + "); nothing of this call was applied,"
                            + " and the region takes no more calls: close it and run `framejournal recover` on it",
                    e);
        }
        for (int i = 0; i < c.n; i++) {
            if (c.touched[i]) {
                c.st[i].lastIndex = index;
                table.store(c.slots[i], c.st[i]);
            }
        }
        c.lane.applied();
        unlockAll(c);
        c.sampleReady = c.sampled;
        return index;
    }

    /** The public calls whose record mints a new handle's obligations. */
    private static boolean makesHandle(OpCode op) {
        switch (op) {
            case FRAME_FROM_UNUSED:
            case FRAME_FROM_IN_USE:
            case FRAME_CLONE:
            case FRAME_FROM_RAW:
            case UNIQUE_FROM_UNUSED:
            case FRAME_FROM_UNIQUE:
            case UNIQUE_TRY_FROM_SHARED:
            case SEGMENT_FROM_UNUSED:
            case SEGMENT_CLONE:
            case SEGMENT_SLICE:
            case SEGMENT_NEXT:
            case SEGMENT_FROM_FRAME:
            case SEGMENT_FROM_RAW:
                return true;
            default:
                return false;
        }
    }

    /**
     * For the handle being constructed right after a successful call on this thread: {@link #NOT_SAMPLED}, or the
     * sampled call's site id (0 when none was captured) as an unsigned int. Consumed by the first call.
     */
    long takeSample() {
        if (level == LeakDetection.DISABLED) {
            return NOT_SAMPLED; // nothing is sampled: no call set sampleReady
        }
        Ctx c = context();
        if (!c.sampleReady) {
            return NOT_SAMPLED;
        }
        c.sampleReady = false;
        return c.site & 0xffff_ffffL;
    }

    static final long NOT_SAMPLED = -1;

    /** Ends a call: unlocks whatever it still holds (nothing was stored unless it committed) and unpins. */
    private void end(Ctx c) {
        try {
            unlockAll(c);
        } finally {
            c.inCall = false; // even when the unlocks threw (a StackOverflowError): the thread can call again,
            unpin(c); // and close() does not wait for a call that has ended
        }
    }

    /** A call started from user code that runs inside another call of this thread (a segment's metadata function). */
    private static IllegalStateException nested(Ctx c, OpCode op) {
        return new IllegalStateException("a " + op + " call on this region was made from inside its " + c.op
                + " call on the same thread (from the segment's metadata function): calls on one region do not nest,"
                + " the outer call holds the locks of its slots until it is journaled; make the call before or after"
                + " the " + c.op + " call");
    }

    /** Whether the calling thread's call in progress holds {@code slot}'s lock. */
    private static boolean holds(Ctx c, int slot) {
        if (!c.inCall) {
            return false;
        }
        for (int i = 0; i < c.n; i++) {
            if (c.slots[i] == slot) {
                return true;
            }
        }
        return false;
    }

    private void unlockAll(Ctx c) {
        for (int i = c.n - 1; i >= 0; i--) {
            table.unlock(c.slots[i]);
        }
        c.n = 0;
    }

    private long paddr(int slot) {
        return (long) slot * pageSize;
    }

    // ---------------------------------------------------------------- preconditions

    private static GetFrameError errorFor(long rc) {
        if (rc == RefCount.UNIQUE) {
            return GetFrameError.UNIQUE;
        }
        return rc == 0 ? GetFrameError.BUSY : GetFrameError.IN_USE;
    }

    private void checkClaimable(SlotState s, int slot) throws GetFrameException {
        if (s.refCount != RefCount.UNUSED) {
            throw new GetFrameException(errorFor(s.refCount), paddr(slot));
        }
    }

    private void checkAcquirable(SlotState s, int slot, int expectedType) throws GetFrameException {
        long rc = s.refCount;
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
        checkType(s, slot, expectedType);
    }

    private void checkType(SlotState s, int slot, int expectedType) {
        if (expectedType >= 0 && s.metaType != expectedType) {
            throw new MetaTypeMismatchException(paddr(slot), s.metaType, expectedType);
        }
    }

    private void checkReleasable(SlotState s, int slot) {
        long rc = s.refCount;
        if (s.obligations <= 0 || !(rc > 0 || rc == RefCount.UNIQUE)) {
            throw new IllegalStateException(
                    "frame 0x" + Long.toHexString(paddr(slot)) + " has no reference to drop (" + s + ")");
        }
    }

    private void checkForgettable(SlotState s, int slot) {
        if (s.obligations <= 0) {
            throw new IllegalStateException(
                    "frame 0x" + Long.toHexString(paddr(slot)) + " has no obligation to forget");
        }
    }

    private void checkRestorable(SlotState s, int slot, int expectedType) {
        if (s.raw <= 0) {
            throw new IllegalStateException("double free: frame 0x" + Long.toHexString(paddr(slot))
                    + " has no forgotten reference to restore (from_raw without into_raw)");
        }
        checkType(s, slot, expectedType);
    }

    // ---------------------------------------------------------------- entries of one slot (after its checks passed)

    private void emitClaim(Ctx c, SlotState s, short type, long w0, long w1, boolean unique) {
        emit(c, REFCOUNT, RefCount.UNUSED, 0);
        emit(c, META_WRITE, w0, w1, type, 0);
        emit(c, REFCOUNT, 0, unique ? RefCount.UNIQUE : 1);
        emit(c, USAGE, s.usage, Usage.FRAME.code());
        emit(c, MINT, s.obligations, s.obligations + 1);
    }

    private void emitAcquire(Ctx c, SlotState s) {
        emit(c, REFCOUNT, s.refCount, s.refCount + 1);
        emit(c, MINT, s.obligations, s.obligations + 1);
    }

    /** @return whether this was the last reference (the frame is free again) */
    private boolean emitRelease(Ctx c, SlotState s) {
        long rc = s.refCount;
        boolean last = rc == 1 || rc == RefCount.UNIQUE;
        emit(c, REDEEM, s.obligations, s.obligations - 1);
        if (!last) {
            emit(c, REFCOUNT, rc, rc - 1);
            return false;
        }
        emit(c, REFCOUNT, rc, 0);
        if (s.inList != 0) {
            emit(c, LIST, s.inList, 0);
        }
        emit(c, META_DROP, s.meta0, s.meta1, s.metaType, 0);
        emit(c, REFCOUNT, 0, RefCount.UNUSED);
        emit(c, USAGE, s.usage, Usage.UNUSED.code());
        return true;
    }

    private void emitForget(Ctx c, SlotState s) {
        emit(c, REDEEM, s.obligations, s.obligations - 1);
        emit(c, RAW_FORGET, s.raw, s.raw + 1);
    }

    private void emitRestore(Ctx c, SlotState s) {
        emit(c, RAW_RESTORE, s.raw, s.raw - 1);
        emit(c, MINT, s.obligations, s.obligations + 1);
    }

    // ---------------------------------------------------------------- single-frame calls

    /** {@code Frame::from_unused} / {@code UniqueFrame::from_unused} on one slot. */
    void claim(int slot, OpCode op, long handle, short type, long w0, long w1, boolean unique)
            throws GetFrameException {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            checkClaimable(s, slot);
            group(c, 0);
            emitClaim(c, s, type, w0, w1, unique);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** {@code Frame::from_in_use} and {@code clone}: one more reference and a handle for it. */
    void acquire(int slot, OpCode op, long handle, int expectedType) throws GetFrameException {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            checkAcquirable(s, slot, expectedType);
            group(c, 0);
            emitAcquire(c, s);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Drops one handle's reference; at the last one the metadata goes and the frame is free. @return freed */
    boolean release(int slot, OpCode op, long handle) {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            checkReleasable(s, slot);
            group(c, 0);
            boolean freed = emitRelease(c, s);
            commit(c);
            return freed;
        } finally {
            end(c);
        }
    }

    /** into_raw: the handle's obligation is redeemed, its reference lives on raw. */
    void forget(int slot, OpCode op, long handle, boolean sampled) {
        Ctx c = begin(op, handle, sampled);
        try {
            SlotState s = lock(c, slot);
            checkForgettable(s, slot);
            group(c, 0);
            emitForget(c, s);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** from_raw: a forgotten reference becomes a handle again. */
    void restore(int slot, OpCode op, long handle, int expectedType) {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            checkRestorable(s, slot, expectedType);
            group(c, 0);
            emitRestore(c, s);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Moves one obligation from one handle to another (Segment::next, Segment::from(frame)). */
    void transfer(int slot, OpCode op, long from, long to) {
        Ctx c = begin(op, to);
        try {
            c.rec.fromHandle(from); // inside the try: the call ends (end) whatever this throws
            SlotState s = lock(c, slot);
            checkForgettable(s, slot);
            group(c, 0);
            emit(c, REDEEM, s.obligations, s.obligations - 1);
            emit(c, MINT, s.obligations, s.obligations + 1);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Frame::from_unique: UNIQUE→1, the unique handle's obligation moves to the shared one. */
    void uniqueToShared(int slot, long from, long to) {
        Ctx c = begin(OpCode.FRAME_FROM_UNIQUE, to);
        try {
            c.rec.fromHandle(from); // inside the try: the call ends (end) whatever this throws
            SlotState s = lock(c, slot);
            if (s.refCount != RefCount.UNIQUE) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is not unique");
            }
            if (s.inList != 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is on list " + s.inList
                        + "; pop it before sharing it");
            }
            group(c, 0);
            emit(c, REFCOUNT, RefCount.UNIQUE, 1);
            emit(c, REDEEM, s.obligations, s.obligations - 1);
            emit(c, MINT, s.obligations, s.obligations + 1);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** TryFrom&lt;Frame&gt; for UniqueFrame: 1→UNIQUE only when this is the one reference. @return success */
    boolean sharedToUnique(int slot, long from, long to) {
        Ctx c = begin(OpCode.UNIQUE_TRY_FROM_SHARED, to);
        try {
            c.rec.fromHandle(from); // inside the try: the call ends (end) whatever this throws
            SlotState s = lock(c, slot);
            if (s.refCount != 1 || s.raw != 0) {
                return false;
            }
            group(c, 0);
            emit(c, REFCOUNT, 1, RefCount.UNIQUE);
            emit(c, REDEEM, s.obligations, s.obligations - 1);
            emit(c, MINT, s.obligations, s.obligations + 1);
            commit(c);
            return true;
        } finally {
            end(c);
        }
    }

    /** Rewrites a unique frame's metadata in place (same type). */
    void updateMeta(int slot, long handle, short type, long w0, long w1) {
        Ctx c = begin(OpCode.UNIQUE_META_UPDATE, handle);
        try {
            SlotState s = lock(c, slot);
            checkType(s, slot, type);
            group(c, 0);
            emit(c, META_WRITE, w0, w1, type, JournalEvent.FLAG_UPDATE);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** UniqueFrame::repurpose: drop the old metadata, write new metadata of any type. */
    void repurpose(int slot, long handle, short type, long w0, long w1) {
        Ctx c = begin(OpCode.UNIQUE_REPURPOSE, handle);
        try {
            SlotState s = lock(c, slot);
            if (s.inList != 0) {
                throw new IllegalStateException("frame 0x" + Long.toHexString(paddr(slot)) + " is on list " + s.inList
                        + "; pop it before repurposing it");
            }
            group(c, 0);
            emit(c, META_DROP, s.meta0, s.meta1, s.metaType, 0);
            emit(c, META_WRITE, w0, w1, type, 0);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Sets or clears a unique frame's list membership. */
    void setList(int slot, OpCode op, long handle, int listId) {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            if (s.refCount != RefCount.UNIQUE) {
                throw new IllegalStateException("only unique frames go on frame lists");
            }
            if (listId != 0 && s.inList != 0) {
                throw new IllegalStateException(
                        "frame 0x" + Long.toHexString(paddr(slot)) + " is already on list " + s.inList);
            }
            group(c, 0);
            emit(c, LIST, s.inList, listId);
            commit(c);
        } finally {
            end(c);
        }
    }

    /** inc_frame_ref_count: {@code delta} more references with no handle; they live raw. */
    void incRefCount(int slot, OpCode op, long handle, long delta) throws GetFrameException {
        Ctx c = begin(op, handle);
        try {
            SlotState s = lock(c, slot);
            long rc = s.refCount;
            if (rc <= 0) {
                throw new GetFrameException(
                        rc == RefCount.UNUSED
                                ? GetFrameError.UNUSED
                                : rc == RefCount.UNIQUE ? GetFrameError.UNIQUE : GetFrameError.BUSY,
                        paddr(slot));
            }
            if (delta <= 0 || rc > RefCount.MAX - delta) {
                throw new FramePanicException(
                        "reference count of frame 0x" + Long.toHexString(paddr(slot)) + " would pass MAX");
            }
            group(c, 0);
            emit(c, REFCOUNT, rc, rc + delta);
            emit(c, RAW_FORGET, s.raw, s.raw + delta);
            commit(c);
        } finally {
            end(c);
        }
    }

    // ---------------------------------------------------------------- segment calls: one record for the whole range

    /**
     * Segment::from_unused over slots {@code [s0, s1)}: per slot in ascending order, lock it, ask {@code metas} for its
     * metadata, check it is free (the seed's order: metadata function, then from_unused). The first slot that is not
     * free throws its error with nothing journaled or changed (the seed's rollback, folded into "nothing happened").
     */
    void claimRange(int s0, int s1, OpCode op, long handle, MetaSource metas) throws GetFrameException {
        Ctx c = begin(op, handle);
        try {
            c.grow(s1 - s0);
            for (int slot = s0; slot < s1; slot++) {
                SlotState s = lock(c, slot);
                metas.fill(slot, c.meta);
                checkClaimable(s, slot);
                int i = slot - s0;
                c.metaType[i] = c.meta.type;
                c.meta0[i] = c.meta.w0;
                c.meta1[i] = c.meta.w1;
            }
            for (int i = 0; i < c.n; i++) {
                emitClaim(c, group(c, i), c.metaType[i], c.meta0[i], c.meta1[i], false);
            }
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Segment clone/slice over {@code [s0, s1)}: every frame checked first, then refCount +1 and a mint on each. */
    void acquireRange(int s0, int s1, OpCode op, long handle) throws GetFrameException {
        Ctx c = begin(op, handle);
        try {
            for (int slot = s0; slot < s1; slot++) {
                checkAcquirable(lock(c, slot), slot, -1);
            }
            for (int i = 0; i < c.n; i++) {
                emitAcquire(c, group(c, i));
            }
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Segment drop over {@code [s0, s1)}. */
    void releaseRange(int s0, int s1, OpCode op, long handle) {
        Ctx c = begin(op, handle);
        try {
            for (int slot = s0; slot < s1; slot++) {
                checkReleasable(lock(c, slot), slot);
            }
            for (int i = 0; i < c.n; i++) {
                emitRelease(c, group(c, i));
            }
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Segment into_raw over {@code [s0, s1)}. */
    void forgetRange(int s0, int s1, OpCode op, long handle, boolean sampled) {
        Ctx c = begin(op, handle, sampled);
        try {
            for (int slot = s0; slot < s1; slot++) {
                checkForgettable(lock(c, slot), slot);
            }
            for (int i = 0; i < c.n; i++) {
                emitForget(c, group(c, i));
            }
            commit(c);
        } finally {
            end(c);
        }
    }

    /** Segment from_raw over {@code [s0, s1)}: every frame must be restorable as {@code expectedType}. */
    void restoreRange(int s0, int s1, OpCode op, long handle, int expectedType) {
        Ctx c = begin(op, handle);
        try {
            for (int slot = s0; slot < s1; slot++) {
                checkRestorable(lock(c, slot), slot, expectedType);
            }
            for (int i = 0; i < c.n; i++) {
                emitRestore(c, group(c, i));
            }
            commit(c);
        } finally {
            end(c);
        }
    }

    /**
     * Recovery's reclaim: releases everything a dead process held on one slot (obligations, raw references, list
     * membership, its reference and metadata) so the frame is free again. @return whether the frame was in use
     */
    boolean reclaim(int slot) {
        Ctx c = begin(OpCode.RECOVERY_RECLAIM, 0);
        try {
            SlotState s = lock(c, slot);
            boolean inUse = !s.isFree();
            group(c, 0);
            if (s.obligations > 0) {
                emit(c, REDEEM, s.obligations, 0);
            }
            if (s.raw > 0) {
                emit(c, RAW_RESTORE, s.raw, 0);
            }
            if (s.inList != 0) {
                emit(c, LIST, s.inList, 0);
            }
            if (s.refCount != 0 && !s.isFree()) {
                emit(c, REFCOUNT, s.refCount, 0);
            }
            if (s.metaInitialized()) {
                emit(c, META_DROP, s.meta0, s.meta1, s.metaType, 0);
            }
            if (s.refCount == 0) {
                emit(c, REFCOUNT, 0, RefCount.UNUSED);
            }
            emit(c, USAGE, s.usage, Usage.UNUSED.code());
            commit(c);
            return inUse;
        } finally {
            end(c);
        }
    }

    // ---------------------------------------------------------------- reads and markers

    /** A slot's reference count, read without its lock, for scans and accessors. */
    long refCount(int slot) {
        Ctx c = pin();
        try {
            return table.refCount(slot);
        } finally {
            unpin(c);
        }
    }

    /**
     * A copy of one slot's state, read under its lock. From inside a call of this thread (a segment's metadata
     * function), a slot the call holds is read as it was before the call; a slot below the highest one it holds is
     * refused: waiting for that lock breaks the ascending lock order, and deadlocks with another call that holds the
     * slot and waits for one of this call's (a frame's metadata is read without the lock: {@link #metaOf}).
     */
    SlotState snapshot(int slot, SlotState into) {
        Ctx c = pin();
        try {
            if (holds(c, slot)) {
                // read from a segment's metadata function: this thread's call holds the lock and has stored nothing
                // yet, so the table shows the slot as it was before the call (taking the lock again would wait forever)
                table.load(slot, into);
                return into;
            }
            int highest = c.n == 0 ? -1 : c.slots[c.n - 1]; // slots are locked in ascending order
            if (c.inCall && slot < highest) {
                throw new IllegalStateException("slot " + slot + " was read from inside a " + c.op + " call on this"
                        + " thread (from the segment's metadata function), which holds the locks of slots up to "
                        + highest + ": waiting for the lock of a slot below them could deadlock with another"
                        + " call that holds it and waits for this call's; read it before or after the " + c.op
                        + " call (a frame's metadata can be read through its handle)");
            }
            table.lock(slot);
            try {
                table.load(slot, into);
                return into;
            } finally {
                table.unlock(slot);
            }
        } finally {
            unpin(c);
        }
    }

    /**
     * The metadata words of a slot a live handle holds ({@code metaType}, {@code meta0}, {@code meta1} of {@code into};
     * its other fields are not to be used), read without the slot lock: while a handle holds the frame nothing else
     * changes them (a shared frame's metadata is fixed until its last reference is dropped, a unique frame's changes
     * only through its one handle). Lock-free, so a segment's metadata function may read any frame's metadata without
     * waiting for a lock against the ascending order (see {@link #snapshot}).
     */
    SlotState metaOf(int slot, SlotState into) {
        Ctx c = pin();
        try {
            table.load(slot, into);
            return into;
        } finally {
            unpin(c);
        }
    }

    /** Journals a record that changes no slot (region, leak and recovery markers). @return its index */
    long marker(EventKind kind, OpCode op, int slot, long before, long after, long handle, short aux) {
        return marker(kind, op, slot, before, after, handle, aux, 0);
    }

    /** {@link #marker}, naming a call site (a LEAKED_HANDLE names its handle's creation site). */
    long marker(EventKind kind, OpCode op, int slot, long before, long after, long handle, short aux, int site) {
        Ctx c = pin();
        try {
            if (failure != null) {
                throw new IllegalStateException("the region failed and takes no more records (" + failure + ")");
            }
            return markerUnguarded(c, kind, op, slot, before, after, handle, aux, site);
        } finally {
            unpin(c);
        }
    }

    /** The region's last record, journaled after {@link #shutdown()} has drained every operation. */
    long closingMarker(EventKind kind, OpCode op, long handle) {
        return markerUnguarded(context(), kind, op, JournalEvent.NO_SLOT, 0, 0, handle, (short) 0, 0);
    }

    private long markerUnguarded(
            Ctx c, EventKind kind, OpCode op, int slot, long before, long after, long handle, short aux, int site) {
        c.rec.marker(kind, op, handle, slot, before, after, aux, site);
        try {
            return c.lane.append();
        } catch (RuntimeException | Error e) {
            failure = "a journal append failed: " + e.getClass().getSimpleName();
            throw e;
        }
    }
}
