package io.framejournal.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Appends format-2 records ({@link RecordFormat}: one Chronicle document per public call) to a Chronicle Queue.
 * Thread-safe: each thread builds its records in its own {@link Lane} (its Chronicle appender and a reusable
 * {@link RecordEncoder}), so appending allocates nothing. Records are appended under the append lock, with flat
 * combining ({@link AppendCombiner}): the lock's holder appends its own record and every record other lanes posted
 * meanwhile, through its own lane's appender (a Chronicle appender is only ever used by the thread that owns it).
 * Each record's sequence number is taken under the same lock as its append, so sequence numbers follow the journal's
 * order exactly: a reader that sees one missing knows a record is missing, whatever Chronicle's framing says.
 */
public final class JournalWriter implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final Queue<Lane> lanes = new ConcurrentLinkedQueue<>();
    /** The first append that threw (guarded by the append lock): every later one is refused, so none follows a gap. */
    private Throwable appendFailure;

    private final ThreadLocal<Lane> lane = ThreadLocal.withInitial(this::newLane);
    /** The sequence number the next record gets (guarded by the append lock). */
    private long nextSeq;
    /**
     * The append lock (held while records take their sequence numbers and are appended, by one thread for its own
     * record and every record other threads posted meanwhile: flat combining) and the pass it runs. It is also the
     * queue's write lock ({@link AppendLockAsWriteLock}): Chronicle's own lock word is not taken around the appends.
     */
    private final Combiner combiner = new Combiner();

    private final long epochNanosAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoTimeAtStart = System.nanoTime();
    private volatile boolean closed;

    /**
     * When the cycle of the last record appended ends, in epoch nanoseconds (guarded by the append lock): a record
     * stamped at or past it may open a new queue file. {@code Long.MIN_VALUE} before the first append.
     */
    private long cycleEndsAt = Long.MIN_VALUE;

    /** The queue's roll cycle (the region's, or the one its existing files were written with). */
    private final RollCycle rollCycle;
    /** The last sequence number within a cycle that Chronicle can index. */
    private final long lastSeqInCycle;
    /** Index of the last record appended by anyone through this writer (guarded by the append lock), or NONE. */
    private long lastAppended;
    /** That record's sequence number and stored CRC-32C (guarded by the append lock). */
    private long lastAppendedSeq = -1;

    private int lastAppendedCrc;

    /** The clock the queue finds roll cycles by: during an append, the record's own timestamp. */
    private final AppendClock clock;

    /** The queue file's disk space, reserved ahead of the appends (guarded by the append lock). */
    private final JournalSpace space;

    /** Faults in the queue file's pages ahead of the appends on a background thread, or {@code null}. */
    private final Pretoucher pretoucher;

    /** The journal directory. */
    private final Path journalDir;

    /** The queue files' cycle naming ({@code null} when the queue's roll cycle is none of ours: every file is forced). */
    private final JournalCycle cycle;

    /**
     * The cycle of the newest queue file there was when this writer opened, or {@code Long.MIN_VALUE}: every file this
     * writer can have written to is of this cycle or a later one (see {@link #forceWritten()}).
     */
    private final long firstCycleWritten;

    private JournalWriter(
            Path journalDir, SingleChronicleQueue queue, AppendClock clock, long nextSeq, Pretoucher pretoucher) {
        this.journalDir = journalDir;
        this.queue = queue;
        this.clock = clock;
        this.nextSeq = nextSeq;
        this.pretoucher = pretoucher;
        this.rollCycle = queue.rollCycle();
        this.space = new JournalSpace(queue.file().toPath());
        this.lastSeqInCycle = rollCycle.maxMessagesPerCycle() - 1;
        long last = queue.lastIndex();
        this.lastAppended = last < 0 ? JournalIndex.NONE : last;
        this.cycle = cycleNamed(rollCycle);
        this.firstCycleWritten = newestCycle(journalDir, cycle);
    }

    /**
     * Opens a journal for appending; its records continue the sequence of the last record already there. Fails with a
     * {@link RegionException} when the last record cannot be read (damaged tail: recover or salvage first).
     */
    public static JournalWriter open(Path journalDir, SyncMode syncMode) {
        return open(journalDir, syncMode, false);
    }

    /**
     * {@link #open(Path, SyncMode)}, with a {@link Pretoucher} when {@code pretouch}: a background thread that faults
     * in the queue file's pages ahead of the appends, so the appending threads do not take those page faults.
     */
    public static JournalWriter open(Path journalDir, SyncMode syncMode, boolean pretouch) {
        long next = nextSeqOf(journalDir);
        JournalSpace.requireRoomToOpen(journalDir);
        JournalCycle cycle = JournalCycle.ofJournalDir(journalDir);
        AppendClock clock = new AppendClock();
        AppendLockAsWriteLock writeLock = new AppendLockAsWriteLock();
        SingleChronicleQueue queue = Chronicle.writableQueueBuilder(journalDir, cycle, syncMode, writeLock)
                .timeProvider(clock)
                .build();
        JournalWriter writer = new JournalWriter(
                journalDir, queue, clock, next, pretouch ? startPretoucher(regionName(journalDir)) : null);
        writeLock.bind(writer.combiner);
        if (syncMode != SyncMode.NONE) {
            writer.watchSyncs();
        }
        return writer;
    }

    /**
     * Puts on disk ({@code fdatasync}) every queue file this writer can have written to (those of the cycle that was the
     * newest when it opened, and later ones), the queue's metadata file and the journal directory (a queue file made
     * in this session is named there). Whatever the sync mode: {@link SyncMode#NONE} forces nothing while the writer
     * runs, and {@link SyncMode#ASYNC} only schedules the write-back, so a region's clean mark, which vouches for the
     * journal, is written only after this. Costs what the kernel had not yet written back. Call it after {@link
     * #close()} (or at a point where nothing is appended).
     *
     * @throws IOException when a file cannot be forced: the kernel may have dropped the pages it could not write, so
     *     the journal must not be vouched for (a later force that succeeds would not say so)
     */
    public void forceWritten() throws IOException {
        forceFiles(journalDir, cycle, firstCycleWritten);
    }

    /**
     * {@link #forceWritten()} for every queue file of the journal in {@code journalDir}: for a recovery, which vouches for
     * the dead writer's records too.
     */
    public static void forceAll(Path journalDir) throws IOException {
        forceFiles(journalDir, null, Long.MIN_VALUE);
    }

    private static void forceFiles(Path journalDir, JournalCycle cycle, long fromCycle) throws IOException {
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(journalDir)) {
            files = all.filter(p -> {
                        String name = p.getFileName().toString();
                        if (name.endsWith(".cq4t")) {
                            return true; // the queue's metadata (its listing of the cycles)
                        }
                        if (!name.endsWith(".cq4")) {
                            return false;
                        }
                        long c = cycle == null ? -1 : cycle.cycleOfFileName(name);
                        return c < 0 || c >= fromCycle; // a name of another cycle: forced, to be safe
                    })
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            Durable.forceFile(file);
        }
        Durable.forceDirectory(journalDir);
    }

    /** Ours of the queue's roll cycle, or {@code null}. */
    private static JournalCycle cycleNamed(RollCycle rollCycle) {
        for (JournalCycle c : JournalCycle.values()) {
            if (c.rollCycle().equals(rollCycle)) {
                return c;
            }
        }
        return null;
    }

    /** The newest cycle of a queue file in {@code journalDir}, or {@code Long.MIN_VALUE} (none, or not known). */
    private static long newestCycle(Path journalDir, JournalCycle cycle) {
        if (cycle == null) {
            return Long.MIN_VALUE;
        }
        long newest = Long.MIN_VALUE;
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(journalDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                newest = Math.max(newest, cycle.cycleOfFileName(p.getFileName().toString()));
            }
        } catch (java.io.IOException | RuntimeException unlisted) {
            return Long.MIN_VALUE; // then every file is forced
        }
        return newest < 0 ? Long.MIN_VALUE : newest;
    }

    /** The name a journal's threads carry: its region directory's (the journal's parent), else its own. */
    private static String regionName(Path journalDir) {
        Path region = journalDir.toAbsolutePath().getParent();
        Path name = region == null || region.getFileName() == null ? journalDir.getFileName() : region.getFileName();
        return name == null ? "journal" : name.toString();
    }

    /** A pretouch thread, or none when no thread can be started now: appending never depends on it. */
    private static Pretoucher startPretoucher(String regionName) {
        try {
            return Pretoucher.start(regionName);
        } catch (OutOfMemoryError noThread) { // "unable to create native thread"
            return null;
        }
    }

    /** The writer's pretoucher, or {@code null} when it has none. */
    public Pretoucher pretoucher() {
        return pretoucher;
    }

    /** The sequence number the next record of a journal gets: one past its last format-2 record's, or 0. */
    static long nextSeqOf(Path journalDir) {
        if (!JournalReader.hasQueueFiles(journalDir)) {
            return 0;
        }
        try (JournalReader reader = JournalReader.open(journalDir)) {
            long last = reader.lastIndex();
            if (last == JournalIndex.NONE) {
                return 0;
            }
            JournalEvent e = new JournalEvent();
            // the last document may be a Chronicle metadata record; walk back to the last record of ours
            for (long i = last; i >= reader.firstIndex() && i > last - 16; i--) {
                if (reader.moveTo(i) && reader.next(e) && e.index == i) {
                    return e.version == JournalEvent.V1 ? 0 : e.seq + 1;
                }
            }
            throw new RegionException("journal " + journalDir + ": its last record (" + JournalIndex.format(last)
                    + ") is unreadable" + (reader.stopReason() == null ? "" : " (" + reader.stopReason() + ")")
                    + "; recover the region first");
        }
    }

    /**
     * Why Chronicle could not force a queue file to disk (its {@code msync} failed), or {@code null}: once set, every
     * append is refused and {@link #close()} throws, since records already appended may not be on disk, and a later
     * {@code msync} that succeeds would not say so (see {@link SyncFailures}). Watched only with a sync mode.
     */
    private volatile String syncFailure;

    private SyncFailures.Watcher syncWatch;

    private void watchSyncs() {
        java.io.File dir = queue.file();
        syncWatch = new SyncFailures.Watcher() {
            @Override
            public java.io.File journalDir() {
                return dir;
            }

            @Override
            public void syncFailed(String chronicleMessage) {
                if (syncFailure == null) {
                    syncFailure = chronicleMessage;
                }
            }
        };
        SyncFailures.watch(syncWatch);
    }

    /** Why the journal could not be forced to disk, or {@code null}: see {@link #syncFailure}. */
    public String syncFailure() {
        return syncFailure;
    }

    private RegionException syncFailed() {
        return new RegionException(
                "the journal could not be forced to disk (" + SyncFailures.describe(syncFailure)
                        + "): records appended before may not survive a power loss, and a later sync that succeeds would not"
                        + " say so; nothing more is appended, and the region is left unclean: run `framejournal recover` on it");
    }

    /** The calling thread's lane; keep it for the length of one operation to skip the thread-local lookup. */
    public Lane lane() {
        if (closed) {
            throw new IllegalStateException("journal is closed");
        }
        return lane.get();
    }

    /** Appends one event as its own record (a marker, or a call with one entry) and sets its index. */
    public long append(JournalEvent e) {
        return lane().append(e);
    }

    /**
     * Makes an appender on the calling thread and drops it at once, once the journal has a queue file (after the
     * writer's first record): the first appender made on an existing queue file initializes classes of Chronicle's
     * ({@code Demarshallable}, reading the file's header) that would otherwise be initialized by some thread's first
     * call, on whatever stack that call's caller had left. A {@code StackOverflowError} in a static initializer marks
     * the class unusable for the rest of the JVM's life: no new thread could append, and no journal could be read.
     */
    public void initializeForNewThreads() {
        queue.createAppender().close(); // nothing is appended through it
    }

    /** Index of the last record written to the queue by anyone, or {@link JournalIndex#NONE}. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? JournalIndex.NONE : last;
    }

    public SingleChronicleQueue queue() {
        return queue;
    }

    private Lane newLane() {
        // A thread's first append takes over the lane of a thread that has died, if any, so that a writer churning
        // through short-lived threads holds lanes (Chronicle appenders) for its live threads only. Creating an appender
        // per thread instead is not just memory: each one registers per-thread state with Chronicle that every later
        // one scans, so the cost of a new thread grew with every thread that ever wrote. Never on the hot path.
        Thread me = Thread.currentThread();
        synchronized (lanes) {
            for (Lane l : lanes) {
                if (l.adoptIfOwnerDead(me)) {
                    return l;
                }
            }
            Lane l = new Lane(queue.createAppender(), me);
            lanes.add(l);
            combiner.register(l);
            return l;
        }
    }

    /** When the cycle of the record at {@code index} ends, in epoch nanoseconds, by the queue's epoch. */
    private long cycleEnd(long index) {
        long endMillis = queue.epoch() + (rollCycle.toCycle(index) + 1L) * rollCycle.lengthInMillis();
        return endMillis > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : endMillis * 1_000_000L;
    }

    /**
     * Called under the append lock when the last record took the cycle's last indexable sequence number: unless the
     * clock has moved on to a new cycle (the next record then opens a new queue file), refuses the record. Chronicle
     * itself would write it and then fail to index it, leaving a record the writer reports as failed but a reader
     * finds (under an index that aliases the next cycle's first): a record both lost and not lost.
     */
    private void requireRoomInCycle() {
        if (rollCycle.toCycle(lastAppended) != queue.cycle()) {
            return;
        }
        throw new RollCycleFullException(
                "journal roll cycle full: " + (lastSeqInCycle + 1) + " records already in the"
                        + " current " + rollCycle.lengthInMillis() / 1000 + " s cycle (its most; last index "
                        + JournalIndex.format(lastAppended) + "); this record was not written. Writing stops: recover"
                        + " the region once the cycle has rolled, and give a region this busy a roll cycle with room"
                        + " for its rate",
                lastSeqInCycle + 1,
                rollCycle.lengthInMillis(),
                lastAppended);
    }

    /**
     * The redo point now: a record before which every call's record has been appended <em>and</em> its slots stored
     * (calls mark their record in flight with {@link Lane#appendCall()} until {@link Lane#applied()}). Taken under the
     * append lock, so no record can be appended meanwhile: every record up to the last appended one was appended by a
     * lane that marked it in flight first; a lane that no longer shows it (or shows a later record) has stored it.
     * Called by the redo point keeper, a few times a second at most; the lanes' hot path takes no extra fence.
     *
     * @return the redo point, or {@code null} when this writer has appended nothing yet
     */
    public RedoPoint redoPoint() {
        combiner.lock();
        try {
            if (lastAppendedSeq < 0) {
                return null;
            }
            Lane oldest = null;
            for (Lane l : lanes) {
                long f = (long) IN_FLIGHT.getAcquire(l);
                if (f != NOT_IN_FLIGHT && (oldest == null || Long.compareUnsigned(f, oldest.inFlight) < 0)) {
                    oldest = l;
                }
            }
            if (oldest == null) {
                return new RedoPoint(lastAppended, lastAppendedSeq, lastAppendedCrc, false);
            }
            // inFlightSeq and inFlightCrc change only in append, under the lock held here
            return new RedoPoint(oldest.inFlight, oldest.inFlightSeq, oldest.inFlightCrc, true);
        } finally {
            combiner.unlock();
        }
    }

    /** The append lock's pass: one clock read, then each record served, Chronicle's clock set to it meanwhile. */
    private final class Combiner extends AppendCombiner<Lane> {
        private long timestamp;

        @Override
        void beginPass(Lane server) {
            // the records of a pass share one clock read (timestamps never go back in journal order); Chronicle's
            // clock (the queue's cycle, here and in writeBytes) reads it: a record lands in the cycle it names
            timestamp = epochNanosAtStart + (System.nanoTime() - nanoTimeAtStart);
            clock.appending(timestamp);
        }

        @Override
        void serve(Lane server, Lane l) {
            JournalWriter.this.serve(server.appender, l, timestamp);
        }

        @Override
        void endPass() {
            clock.done();
        }

        /**
         * A serving threw past {@link JournalWriter#serve}'s own catch (a {@code StackOverflowError} in its last
         * steps, say): whether the record was written is not known, so the writer fails as after an append that threw
         * having taken its sequence number; every later record is refused, none can follow a gap or repeat this one.
         */
        @Override
        void servingThrew(Lane server, Lane l, Throwable thrown) {
            if (appendFailure == null) {
                appendFailure = thrown;
            }
        }
    }

    /**
     * Under the append lock: appends lane {@code l}'s record (sequence number, thread, timestamp sealed in now) through
     * the calling thread's appender and leaves it its index or what went wrong. After one append has thrown, every
     * later one is refused unwritten: its sequence number was taken, so a record written after it would follow a gap.
     */
    private void serve(ExcerptAppender appender, Lane l, long timestamp) {
        boolean seqTaken = false;
        try {
            if (appendFailure != null) {
                throw new RegionException("an earlier journal append failed (" + RegionException.oneLine(appendFailure)
                        + "); this record was not written");
            }
            if (syncFailure != null) {
                throw syncFailed();
            }
            if (lastAppended != JournalIndex.NONE && rollCycle.toSequenceNumber(lastAppended) >= lastSeqInCycle) {
                requireRoomInCycle();
            }
            // a full disk refuses the record here, before any byte of it (or of a new cycle's queue file) is written
            int length = l.record.length();
            boolean mayOpenFile = timestamp >= cycleEndsAt; // the first record, or one past its cycle's end
            space.beforeAppend(length, mayOpenFile);
            long seq = nextSeq++;
            seqTaken = true;
            appender.writeBytes(l.record.sealBytes(seq, l.threadId, timestamp));
            long index = appender.lastIndexAppended();
            space.afterAppend(appender, length, mayOpenFile);
            if (mayOpenFile) {
                cycleEndsAt = cycleEnd(index);
            }
            lastAppended = index;
            lastAppendedSeq = seq;
            lastAppendedCrc = l.record.sealedCrc();
            if (l.requestIsCall) {
                l.inFlightSeq = seq;
                l.inFlightCrc = lastAppendedCrc;
                l.inFlight = index; // plain: redoPoint() reads it under this lock
            }
            l.resultIndex = index;
        } catch (Exception | Error e) { // Exception: Chronicle throws checked ones undeclared
            if (seqTaken && appendFailure == null) {
                appendFailure = e;
            }
            l.failure = e;
            return;
        }
        if (pretoucher != null) {
            pretoucher.wrote(appender);
        }
    }

    private static final long NOT_IN_FLIGHT = JournalIndex.NONE;
    private static final java.lang.invoke.VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = java.lang.invoke.MethodHandles.lookup().findVarHandle(Lane.class, "inFlight", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The append lock (also the queue's write lock). */
    AppendCombiner<Lane> appendLock() {
        return combiner;
    }

    /** The journal's space reservation (for tests). */
    JournalSpace space() {
        return space;
    }

    /** Records a thread appended for another (flat combining) so far. */
    long appendedForOthers() {
        return combiner.servedForOthers();
    }

    /** Lanes open (live threads', and dead ones' not yet released). */
    public int openLanes() {
        return lanes.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        combiner.lock(); // no append in progress, none after
        try {
            if (pretoucher != null) {
                pretoucher.close(); // before the queue's chunks are unmapped
            }
            for (Lane l : lanes) {
                l.close();
            }
            space.close();
        } finally {
            combiner.unlock();
        }
        try {
            queue.close(); // forces the last block, with a sync mode
        } finally {
            if (syncWatch != null) {
                SyncFailures.unwatch(syncWatch);
            }
        }
        if (syncFailure != null) {
            throw syncFailed();
        }
    }

    /** One thread's way into the journal. Not thread-safe; owned by the thread that made it. */
    public final class Lane extends AppendCombiner.Request {
        /** This lane's Chronicle appender: used only by the thread that owns the lane, for every record it appends. */
        private final ExcerptAppender appender;

        private final RecordEncoder record = new RecordEncoder();
        /** The owning thread's id and (weakly) the thread; changed only when a new thread adopts a dead one's lane. */
        private int threadId;

        private java.lang.ref.WeakReference<Thread> owner;

        /**
         * The record this lane appended whose slots are not stored yet, or NOT_IN_FLIGHT: set under the append lock,
         * cleared with release semantics after the stores ({@link #applied()}), read by {@link #redoPoint()}.
         */
        @SuppressWarnings("unused") // through IN_FLIGHT
        private long inFlight = NOT_IN_FLIGHT;

        private long inFlightSeq;
        private int inFlightCrc;

        /** Written by the owner before posting, read by the thread that serves the request. */
        private boolean requestIsCall;
        /** Written by the thread that served the request before it marked it done, read by the owner after. */
        private long resultIndex;

        private Throwable failure;

        Lane(ExcerptAppender appender, Thread owner) {
            this.appender = appender;
            this.threadId = (int) owner.getId();
            this.owner = new java.lang.ref.WeakReference<>(owner);
            appender.singleThreadedCheckDisabled(true); // a lane may pass to another thread once its owner died
        }

        /** The lane's record builder: start a call or marker on it, then {@link #append()}. */
        public RecordEncoder record() {
            return record;
        }

        /**
         * Appends the record built in {@link #record()} as one document.
         *
         * @return its journal index
         */
        public long append() {
            return append(false);
        }

        /**
         * {@link #append()} for a call whose slots are stored after it: the record stays "in flight" (the redo point
         * stays before it) until {@link #applied()}.
         */
        public long appendCall() {
            return append(true);
        }

        /** The slots of the record last appended with {@link #appendCall()} are stored. */
        public void applied() {
            IN_FLIGHT.setRelease(this, NOT_IN_FLIGHT);
        }

        private long append(boolean call) {
            requestIsCall = call;
            combiner.submit(this); // appended by this thread, or by the append lock's holder (flat combining)
            return result();
        }

        /** The index the last request got, or what it threw. */
        private long result() {
            Throwable failed = failure;
            if (failed != null) {
                failure = null;
                if (failed instanceof Error) {
                    throw (Error) failed;
                }
                throw AppendCombiner.unchecked(failed); // a checked one: Chronicle throws some undeclared
            }
            return resultIndex;
        }

        /** Appends one event as its own record; sets its index, thread, timestamp and seq. */
        public long append(JournalEvent e) {
            if (e.kind.changesSlot()) {
                record.beginCall(OpCode.ofCode(e.op), e.handle, e.site)
                        .beginSlot(e.slot, e.prevIndex)
                        .entry(e.kind, e.flags & RecordFormat.ENTRY_UPDATE, e.metaType, e.before, e.after);
            } else {
                record.marker(e.kind, OpCode.ofCode(e.op), e.handle, e.slot, e.before, e.after, e.metaType, e.site);
            }
            long index = append();
            e.index = index;
            e.thread = threadId;
            e.version = RecordFormat.VERSION;
            return index;
        }

        void close() {
            appender.close();
        }

        /** Passes the lane to {@code next} when the thread that owned it has died. @return whether it did */
        boolean adoptIfOwnerDead(Thread next) {
            Thread t = owner.get();
            if (t != null && t.isAlive()) {
                return false;
            }
            owner = new java.lang.ref.WeakReference<>(next);
            threadId = (int) next.getId();
            return true;
        }
    }
}
