package io.framejournal.replay.sim;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocException;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.FrameList;
import io.framejournal.allocator.GetFrameException;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.LongMeta;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.MetaTypeMismatchException;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.PaddrRange;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.Segment;
import io.framejournal.allocator.UniqueFrame;
import io.framejournal.journal.JournalCycle;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A seeded random workload over FrameJournal's public allocator API only ({@link FrameAllocOptions}, {@link Frame},
 * {@link UniqueFrame}, {@link Segment}, {@link FrameList}): allocation, clone, slice, split, next, into_raw/from_raw,
 * unique-frame conversions and lists, drops. This is how a simulator embeds FrameJournal:
 *
 * <pre>{@code
 * SimulationResult r = new Simulator(dir).seed(42).ops(100_000).leakRate(0.001).run();
 * r.injected(); // the handles it leaked and raw references it never restored, on purpose
 * }</pre>
 *
 * <p>With one thread, a seed gives the same journal event sequence every time (timestamps and thread ids aside).
 * With {@code leakRate > 0}, a handle about to be closed is leaked instead, and a reference turned raw is never
 * restored, with that probability; each is recorded as an {@link InjectedLeak}. Injected handles stay referenced
 * until the region is closed (so the leak detector never journals them and runs stay deterministic) unless
 * {@link #dropLeakedHandles} is set. Allocator errors the workload can meet (out of frames, a frame in use or of
 * another metadata type) are handled by releasing handles, never by failing.
 */
public final class Simulator {
    /** Handles one worker keeps live before it starts closing them. */
    static final int MAX_LIVE = 48;

    static final int MAX_RAW = 24;
    static final int MAX_SEGMENT_PAGES = 8;

    private final Path dir;
    private long maxPaddr = RegionConfig.DEFAULT_MAX_PADDR;
    private boolean maxPaddrGiven;
    private JournalCycle cycle;
    private long ops = 10_000;
    private Duration duration;
    private int threads = 1;
    private long seed = 42;
    private double leakRate;
    private boolean dropLeakedHandles;
    private LeakDetection leakDetection;
    private Consumer<InjectedLeak> onInjected = l -> {};
    private LongConsumer onProgress = n -> {};

    public Simulator(Path dir) {
        this.dir = dir;
    }

    /** Size of a region to create; opening an existing region with another size is an error. */
    public Simulator maxPaddr(long value) {
        RegionConfig.of(value);
        this.maxPaddr = value;
        this.maxPaddrGiven = true;
        return this;
    }

    /** Roll cycle of a region to create; opening an existing region with another cycle is an error. */
    public Simulator rollCycle(JournalCycle value) {
        this.cycle = value;
        return this;
    }

    /** Operations the run will make in all (when it is not timed). */
    public long plannedOps() {
        return ops;
    }

    /** Run this many operations in all (split across threads). */
    public Simulator ops(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("--ops must be >= 0, not " + value);
        }
        this.ops = value;
        this.duration = null;
        return this;
    }

    /** Run for this long instead of a number of operations. */
    /**
     * Paces the workload to at most this many operations per second over all workers (0: as fast as it goes), for
     * soaks that run a steady load for a long time.
     */
    public Simulator rate(double opsPerSecond) {
        if (opsPerSecond < 0 || Double.isNaN(opsPerSecond)) {
            throw new IllegalArgumentException("--rate must be zero or positive, not " + opsPerSecond);
        }
        this.rate = opsPerSecond;
        return this;
    }

    private double rate;

    public Simulator duration(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, not " + value);
        }
        this.duration = value;
        return this;
    }

    public Simulator threads(int value) {
        if (value < 1 || value > 256) {
            throw new IllegalArgumentException("--threads must be 1..256, not " + value);
        }
        this.threads = value;
        return this;
    }

    public Simulator seed(long value) {
        this.seed = value;
        return this;
    }

    /** Probability that a handle being closed is leaked instead, and that a raw reference is never restored. */
    public Simulator leakRate(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("--leak-rate must be in [0, 1], not " + value);
        }
        this.leakRate = value;
        return this;
    }

    /** Let injected handles become unreachable (the leak detector, at PARANOID, then journals them when GC runs). */
    public Simulator dropLeakedHandles(boolean value) {
        this.dropLeakedHandles = value;
        return this;
    }

    /**
     * Leak detection level of the region while the workload runs (and so which handles get call sites): {@code null}
     * for the default (system property {@code framejournal.leakDetection}, else SAMPLED; PARANOID with
     * {@link #dropLeakedHandles}).
     */
    public Simulator leakDetection(LeakDetection value) {
        this.leakDetection = value;
        return this;
    }

    /** Takes checkpoints on a background thread of the simulating process (and one at close). */
    public Simulator checkpoints(io.framejournal.journal.Checkpointer.Policy policy) {
        this.checkpoints = policy;
        return this;
    }

    private io.framejournal.journal.Checkpointer.Policy checkpoints;

    /** Records the region's redo point on a background thread every {@code period}. */
    public Simulator redoPointEvery(java.time.Duration period) {
        this.redoPointEvery = period;
        return this;
    }

    private java.time.Duration redoPointEvery;

    /**
     * Whether the region's journal has a pretouch thread (faulting its pages in ahead of the appends); by default as
     * {@link RegionOptions#defaults()} says.
     */
    public Simulator pretouch(boolean on) {
        this.pretouch = on;
        return this;
    }

    private Boolean pretouch;

    /** Called from the worker thread as each leak is injected (e.g. to log it before a crash). */
    public Simulator onInjected(Consumer<InjectedLeak> listener) {
        this.onInjected = listener;
        return this;
    }

    /** Called now and then with the operations done so far. */
    public Simulator onProgress(LongConsumer listener) {
        this.onProgress = listener;
        return this;
    }

    /**
     * Creates the region (or opens it when it exists and is clean), runs the workload and closes the region. An
     * interrupt of the thread running it (an executor's {@code shutdownNow}) stops the run as {@link #stop()} does: the
     * workers end the operations they are in, release what they hold, the region is closed clean, and the result says
     * it was stopped; the interrupt status is set again when this returns. (Until 2026-11-28 a run on one thread
     * ignored the interrupt until its duration or operations ran out, and one on several threads threw at once,
     * closing the region with everything its workers held still outstanding.)
     */
    public SimulationResult run() {
        boolean exists = Files.isRegularFile(new RegionLayout(dir).config());
        LeakDetection detection = leakDetection != null
                ? leakDetection
                : dropLeakedHandles ? LeakDetection.PARANOID : LeakDetection.fromSystemProperty();
        RegionOptions options = RegionOptions.defaults()
                .withLeakDetection(detection)
                .withCheckpoints(checkpoints)
                .withRedoPoint(redoPointEvery);
        if (pretouch != null) {
            options = options.withPretouch(pretouch);
        }
        MetaRegion region;
        if (exists) {
            RegionConfig existing = RegionConfig.read(new RegionLayout(dir).config());
            if (maxPaddrGiven && existing.maxPaddr() != maxPaddr) {
                throw new RegionException(dir + " already holds a region with maxPaddr 0x"
                        + Long.toHexString(existing.maxPaddr()) + ", not 0x" + Long.toHexString(maxPaddr)
                        + "; drop --max-paddr or pick a new directory");
            }
            if (cycle != null && existing.cycle() != cycle) {
                throw new RegionException(dir + " already holds a region with roll cycle "
                        + existing.cycle().confName() + ", not " + cycle.confName()
                        + "; drop --roll-cycle or pick a new directory");
            }
            region = MetaRegion.open(dir, options);
        } else {
            RegionConfig config = RegionConfig.of(maxPaddr);
            region = MetaRegion.create(dir, cycle == null ? config : config.withCycle(cycle), options);
        }
        long start = System.nanoTime();
        Shared shared;
        List<Worker> workers = new ArrayList<>();
        long first = JournalIndex.NONE;
        boolean interrupted = false;
        try {
            shared = new Shared(region, threads);
            first = RegionStatus.read(new RegionLayout(dir).status()).checkpoint();
            for (int t = 0; t < threads; t++) {
                long share = duration != null ? Long.MAX_VALUE : ops / threads + (t < ops % threads ? 1 : 0);
                workers.add(new Worker(shared, t, share));
            }
            long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
            if (threads == 1) {
                workers.get(0).run(deadline); // on this thread: an interrupt of it stops the worker (see run())
            } else {
                List<Thread> running = new ArrayList<>();
                for (Worker w : workers) {
                    Thread th = new Thread(() -> w.run(deadline), "framejournal-sim-" + w.index);
                    th.setDaemon(true);
                    th.start();
                    running.add(th);
                }
                for (Thread th : running) {
                    while (th.isAlive()) {
                        try {
                            th.join();
                        } catch (InterruptedException e) {
                            // as stop(): the workers end their operations, and are still waited for (the interrupt is
                            // set again below), so that what they hold is released and the region closed clean
                            stopRequested = true;
                            interrupted = true;
                        }
                    }
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                stopRequested = true; // the one worker, on this thread, stopped for it
            }
            RuntimeException failed = shared.failure.get();
            if (failed != null) {
                throw failed;
            }
            for (Worker w : workers) {
                w.releaseAll();
            }
        } finally {
            io.framejournal.journal.Interrupts.restore(interrupted);
            String running = region.checkpointProblem();
            region.close();
            // a checkpointer failing at the end of the run, else a checkpoint at close that could not be written
            checkpointProblem = running != null ? running : region.checkpointProblem();
            redoPointProblem = region.redoPointProblem(); // as the close's last point left it
        }
        long nanos = System.nanoTime() - start;
        long last = RegionStatus.read(new RegionLayout(dir).status()).checkpoint();
        Map<String, Long> byOp = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            long n = shared.counts.get(a).sum();
            if (n != 0) {
                byOp.put(a.name(), n);
            }
        }
        Map<String, Long> errors = new TreeMap<>();
        shared.errors.forEach((k, v) -> errors.put(k, v.sum()));
        List<InjectedLeak> injected = new ArrayList<>();
        for (Worker w : workers) {
            injected.addAll(w.injected);
        }
        return new SimulationResult(
                dir,
                !exists,
                seed,
                threads,
                shared.opsDone.get(),
                nanos,
                byOp,
                errors,
                List.copyOf(injected),
                first,
                last,
                checkpointProblem,
                redoPointProblem,
                stopRequested);
    }

    private String checkpointProblem;
    private String redoPointProblem;
    private volatile boolean stopRequested;

    /**
     * Asks a running simulation to end early, as if its duration had run out: each worker finishes the operation it is
     * in, the handles it holds are released, and the region is closed cleanly; {@link #run()} then returns a result
     * that says it was stopped. Any thread (the CLI's Ctrl-C hook); returns at once.
     */
    public void stop() {
        stopRequested = true;
    }

    /** The workload's operations; the weights (out of 100) shape the mix. */
    enum Action {
        ALLOC_FRAME(9),
        ALLOC_FRAME_WITH_META(5),
        ALLOC_UNIQUE(5),
        ALLOC_SEGMENT(6),
        CLONE_FRAME(7),
        CLONE_SEGMENT(3),
        SLICE_SEGMENT(3),
        SPLIT_SEGMENT(2),
        SEGMENT_NEXT(3),
        FRAME_INTO_RAW(4),
        FROM_RAW(4),
        SEGMENT_INTO_RAW(2),
        FROM_IN_USE(5),
        UNIQUE_SET_META(2),
        UNIQUE_REPURPOSE(1),
        UNIQUE_INTO_SHARED(2),
        TRY_FROM_SHARED(2),
        UNIQUE_RESET_AS_UNUSED(1),
        LIST_PUSH(2),
        LIST_POP(2),
        SEGMENT_FROM_FRAME(1),
        BORROW(1),
        CLOSE(28);

        final int weight;

        Action(int weight) {
            this.weight = weight;
        }

        private static final Action[] BY_ROLL = new Action[100];

        static {
            int i = 0;
            for (Action a : values()) {
                for (int k = 0; k < a.weight; k++) {
                    BY_ROLL[i++] = a;
                }
            }
            if (i != 100) {
                throw new ExceptionInInitializerError("action weights add up to " + i + ", not 100");
            }
        }

        static Action roll(SplittableRandom rnd) {
            return BY_ROLL[rnd.nextInt(100)];
        }
    }

    /** What workers share: the region, counters, and recently allocated paddrs for cross-thread from_in_use. */
    private final class Shared {
        final MetaRegion region;
        final FrameAllocOptions alloc;
        final AtomicLongArray recent = new AtomicLongArray(64);
        final AtomicLong opsDone = new AtomicLong();
        final Map<Action, LongAdder> counts = new EnumMap<>(Action.class);
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        /** The first unexpected failure of any worker; every worker stops when it is set. */
        final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Shared(MetaRegion region, int threads) {
            this.region = region;
            this.alloc = new FrameAllocOptions(region);
            for (Action a : Action.values()) {
                counts.put(a, new LongAdder());
            }
            for (int i = 0; i < recent.length(); i++) {
                recent.set(i, -1);
            }
        }

        void error(String what) {
            errors.computeIfAbsent(what, k -> new LongAdder()).increment();
        }
    }

    /** A reference turned raw and waiting to be restored. */
    private record RawRef(PaddrRange range, boolean segment, Class<?> type) {}

    /** One thread's share of the workload, with its own handles and random stream. */
    private final class Worker {
        final Shared shared;
        final int index;
        final long share;
        final SplittableRandom rnd;
        final List<Frame<?>> frames = new ArrayList<>();
        final List<UniqueFrame<LongMeta>> uniques = new ArrayList<>();
        final List<Segment<?>> segments = new ArrayList<>();
        final List<RawRef> raws = new ArrayList<>();
        final List<Object> leakedHandles = new ArrayList<>();
        final List<InjectedLeak> injected = new ArrayList<>();
        final FrameList<LongMeta> list;
        final List<UniqueFrame<LongMeta>> listed = new ArrayList<>();
        long counter;

        Worker(Shared shared, int index, long share) {
            this.shared = shared;
            this.index = index;
            this.share = share;
            this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
            this.list = new FrameList<>(shared.region);
        }

        int live() {
            return frames.size() + uniques.size() + segments.size() + listed.size();
        }

        void run(long deadline) {
            long nanosPerOp = rate > 0 ? (long) (1e9 * threads / rate) : 0;
            long paceStart = System.nanoTime();
            try {
                for (long done = 0; done < share; done++) {
                    if ((deadline != Long.MAX_VALUE && System.nanoTime() >= deadline)
                            || shared.failure.get() != null
                            || stopRequested
                            || Thread.currentThread().isInterrupted()) { // run() on this thread was interrupted
                        break;
                    }
                    if (nanosPerOp > 0) {
                        long wait = paceStart + done * nanosPerOp - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    Action a = live() >= MAX_LIVE ? Action.CLOSE : Action.roll(rnd);
                    if (raws.size() >= MAX_RAW && (a == Action.FRAME_INTO_RAW || a == Action.SEGMENT_INTO_RAW)) {
                        a = Action.FROM_RAW;
                    }
                    step(a);
                    shared.counts.get(a).increment();
                    long total = shared.opsDone.incrementAndGet();
                    if (index == 0 && (done & 1023) == 0) {
                        onProgress.accept(total);
                    }
                }
            } catch (RuntimeException | InternalError e) {
                // InternalError: a write to a memory-mapped journal file on a full disk faults (SIGBUS), and the JVM
                // may deliver the fault late, after the append that caused it returned: a failure, not a crash
                shared.failure.compareAndSet(
                        null,
                        new IllegalStateException(
                                "simulation worker " + index + " failed: "
                                        + (e instanceof InternalError || e.getMessage() == null
                                                ? io.framejournal.journal.RegionException.oneLine(e)
                                                : e.getMessage()),
                                e));
            }
        }

        private LongMeta meta() {
            return new LongMeta(index, ++counter);
        }

        private void remember(long paddr) {
            shared.recent.set(rnd.nextInt(shared.recent.length()), paddr);
        }

        private <T> T takeRandom(List<T> from) {
            int i = rnd.nextInt(from.size());
            T x = from.get(i);
            int last = from.size() - 1;
            from.set(i, from.get(last));
            from.remove(last);
            return x;
        }

        private <T> T pick(List<T> from) {
            return from.get(rnd.nextInt(from.size()));
        }

        private boolean leakNow() {
            return leakRate > 0 && rnd.nextDouble() < leakRate;
        }

        void step(Action a) {
            try {
                switch (a) {
                    case ALLOC_FRAME: {
                        Frame<NoMeta> f = shared.alloc.allocFrame();
                        remember(f.startPaddr());
                        frames.add(f);
                        break;
                    }
                    case ALLOC_FRAME_WITH_META: {
                        Frame<LongMeta> f = shared.alloc.allocFrameWith(meta());
                        remember(f.startPaddr());
                        frames.add(f);
                        break;
                    }
                    case ALLOC_UNIQUE:
                        uniques.add(shared.alloc.allocUniqueFrameWith(meta()));
                        break;
                    case ALLOC_SEGMENT: {
                        int n = 1 + rnd.nextInt(MAX_SEGMENT_PAGES);
                        Segment<LongMeta> s = shared.alloc.allocSegmentWith(n, p -> new LongMeta(index, p));
                        remember(s.startPaddr());
                        segments.add(s);
                        break;
                    }
                    case CLONE_FRAME:
                        if (!frames.isEmpty()) {
                            frames.add(pick(frames).clone());
                        }
                        break;
                    case CLONE_SEGMENT:
                        if (!segments.isEmpty()) {
                            Segment<?> s = pick(segments);
                            if (s.nrPages() > 0) {
                                segments.add(s.clone());
                            }
                        }
                        break;
                    case SLICE_SEGMENT:
                        if (!segments.isEmpty()) {
                            Segment<?> s = pick(segments);
                            int n = s.nrPages();
                            if (n > 0) {
                                int from = rnd.nextInt(n);
                                int to = from + 1 + rnd.nextInt(n - from);
                                segments.add(s.slice(
                                        (long) from * RegionConfig.PAGE_SIZE, (long) to * RegionConfig.PAGE_SIZE));
                            }
                        }
                        break;
                    case SPLIT_SEGMENT:
                        if (!segments.isEmpty()) {
                            int i = rnd.nextInt(segments.size());
                            Segment<?> s = segments.get(i);
                            if (s.nrPages() >= 2) {
                                int at = 1 + rnd.nextInt(s.nrPages() - 1);
                                Segment.Halves<?> h = s.split((long) at * RegionConfig.PAGE_SIZE);
                                segments.set(i, h.left());
                                segments.add(h.right());
                            }
                        }
                        break;
                    case SEGMENT_NEXT:
                        if (!segments.isEmpty()) {
                            Segment<?> s = pick(segments);
                            Frame<?> f = s.next();
                            if (f != null) {
                                frames.add(f);
                            }
                        }
                        break;
                    case FRAME_INTO_RAW:
                        if (!frames.isEmpty()) {
                            Frame<?> f = takeRandom(frames);
                            Class<?> type = f.meta().getClass();
                            long h = f.handleId();
                            long paddr = f.intoRaw();
                            RawRef r = new RawRef(new PaddrRange(paddr, paddr + RegionConfig.PAGE_SIZE), false, type);
                            keepOrLeak(r, "Frame", h);
                        }
                        break;
                    case SEGMENT_INTO_RAW:
                        if (!segments.isEmpty()) {
                            Segment<?> s = takeRandom(segments);
                            long h = s.handleId();
                            if (s.nrPages() == 0) {
                                s.close();
                                break;
                            }
                            PaddrRange range = s.intoRaw();
                            keepOrLeak(new RawRef(range, true, LongMeta.class), "Segment", h);
                        }
                        break;
                    case FROM_RAW:
                        if (!raws.isEmpty()) {
                            restore(takeRandom(raws));
                        }
                        break;
                    case FROM_IN_USE: {
                        long paddr = shared.recent.get(rnd.nextInt(shared.recent.length()));
                        if (paddr >= 0) {
                            fromInUse(paddr);
                        }
                        break;
                    }
                    case UNIQUE_SET_META:
                        if (!uniques.isEmpty()) {
                            pick(uniques).setMeta(meta());
                        }
                        break;
                    case UNIQUE_REPURPOSE:
                        if (!uniques.isEmpty()) {
                            int i = rnd.nextInt(uniques.size());
                            uniques.set(i, uniques.get(i).repurpose(meta()));
                        }
                        break;
                    case UNIQUE_INTO_SHARED:
                        if (!uniques.isEmpty()) {
                            Frame<LongMeta> f = takeRandom(uniques).intoShared();
                            remember(f.startPaddr());
                            frames.add(f);
                        }
                        break;
                    case TRY_FROM_SHARED:
                        if (!frames.isEmpty()) {
                            int i = rnd.nextInt(frames.size());
                            Optional<? extends UniqueFrame<?>> u = tryUnique(frames.get(i));
                            if (u.isPresent()) {
                                frames.set(i, frames.get(frames.size() - 1));
                                frames.remove(frames.size() - 1);
                                closeOrLeak(u.get(), "UniqueFrame");
                            } else {
                                shared.error("try_from_shared: not the only reference");
                            }
                        }
                        break;
                    case UNIQUE_RESET_AS_UNUSED:
                        if (!uniques.isEmpty()) {
                            takeRandom(uniques).resetAsUnused();
                        }
                        break;
                    case LIST_PUSH:
                        if (!uniques.isEmpty()) {
                            UniqueFrame<LongMeta> u = takeRandom(uniques);
                            list.pushBack(u);
                            listed.add(u);
                        }
                        break;
                    case LIST_POP: {
                        UniqueFrame<LongMeta> u = rnd.nextBoolean() ? list.popFront() : list.popBack();
                        if (u != null) {
                            listed.remove(u);
                            uniques.add(u);
                        }
                        break;
                    }
                    case SEGMENT_FROM_FRAME:
                        if (!frames.isEmpty()) {
                            int i = rnd.nextInt(frames.size());
                            if (frames.get(i).meta() instanceof LongMeta) {
                                segments.add(Segment.from(takeAt(frames, i)));
                            }
                        }
                        break;
                    case BORROW:
                        if (!frames.isEmpty()) {
                            Frame<?> f = pick(frames);
                            if (f.borrow().startPaddr() != f.startPaddr()) {
                                throw new IllegalStateException("a borrowed reference names another frame");
                            }
                        }
                        break;
                    case CLOSE:
                        closeOne();
                        break;
                    default:
                        throw new IllegalStateException("unhandled action " + a);
                }
            } catch (FrameAllocException e) {
                shared.error("out of frames");
                releaseSome();
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Optional<? extends UniqueFrame<?>> tryUnique(Frame<?> f) {
            return UniqueFrame.tryFromShared((Frame) f);
        }

        private void fromInUse(long paddr) {
            try {
                Frame<?> f = rnd.nextBoolean()
                        ? Frame.fromInUse(shared.region, paddr, LongMeta.class)
                        : Frame.fromInUse(shared.region, paddr);
                frames.add(f);
            } catch (GetFrameException e) {
                shared.error("from_in_use: " + e.error());
            } catch (MetaTypeMismatchException e) {
                shared.error("from_in_use: other metadata type");
            }
        }

        private void keepOrLeak(RawRef r, String type, long handle) {
            if (leakNow()) {
                inject(new InjectedLeak(
                        InjectedLeak.RAW,
                        r.segment() ? "Segment" : type,
                        handle,
                        r.range().start(),
                        (int) (r.range().size() / RegionConfig.PAGE_SIZE)));
            } else {
                raws.add(r);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void restore(RawRef r) {
            if (r.segment()) {
                segments.add(Segment.fromRaw(shared.region, r.range(), (Class) r.type()));
            } else {
                frames.add(Frame.fromRaw(shared.region, r.range().start(), (Class) r.type()));
            }
        }

        private void closeOne() {
            int n = live();
            if (n == 0) {
                return;
            }
            int i = rnd.nextInt(n);
            if (i < frames.size()) {
                closeOrLeak(takeAt(frames, i), "Frame");
            } else if ((i -= frames.size()) < uniques.size()) {
                closeOrLeak(takeAt(uniques, i), "UniqueFrame");
            } else if ((i -= uniques.size()) < segments.size()) {
                closeOrLeak(takeAt(segments, i), "Segment");
            } else {
                UniqueFrame<LongMeta> u = list.popFront();
                listed.remove(u);
                closeOrLeak(u, "UniqueFrame");
            }
        }

        private <T> T takeAt(List<T> from, int i) {
            T x = from.get(i);
            int last = from.size() - 1;
            from.set(i, from.get(last));
            from.remove(last);
            return x;
        }

        private void closeOrLeak(AutoCloseable handle, String type) {
            if (leakNow() && pages(handle) > 0) {
                inject(new InjectedLeak(InjectedLeak.HANDLE, type, handleId(handle), start(handle), pages(handle)));
                if (!dropLeakedHandles) {
                    leakedHandles.add(handle);
                }
                return;
            }
            close(handle);
        }

        private void inject(InjectedLeak leak) {
            injected.add(leak);
            onInjected.accept(leak);
        }

        /** Out of frames: give back about half of what this worker holds. */
        private void releaseSome() {
            int n = live() / 2 + 1;
            for (int k = 0; k < n && live() > 0; k++) {
                closeOne();
            }
            int r = raws.size() / 2;
            for (int k = 0; k < r; k++) {
                RawRef ref = takeRandom(raws);
                restore(ref);
            }
        }

        /** End of the run: restore every raw reference and close every handle, except the injected leaks. */
        void releaseAll() {
            while (!raws.isEmpty()) {
                restore(raws.remove(raws.size() - 1));
            }
            for (UniqueFrame<LongMeta> u = list.popFront(); u != null; u = list.popFront()) {
                close(u);
            }
            listed.clear();
            frames.forEach(this::close);
            uniques.forEach(this::close);
            segments.forEach(this::close);
            frames.clear();
            uniques.clear();
            segments.clear();
        }

        private void close(AutoCloseable handle) {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + handle + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static long handleId(Object h) {
        if (h instanceof Frame<?> f) {
            return f.handleId();
        }
        if (h instanceof UniqueFrame<?> u) {
            return u.handleId();
        }
        return ((Segment<?>) h).handleId();
    }

    private static long start(Object h) {
        if (h instanceof Frame<?> f) {
            return f.startPaddr();
        }
        if (h instanceof UniqueFrame<?> u) {
            return u.startPaddr();
        }
        return ((Segment<?>) h).startPaddr();
    }

    private static int pages(Object h) {
        if (h instanceof Segment<?> s) {
            return s.nrPages();
        }
        return 1;
    }
}
