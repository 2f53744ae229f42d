package io.framejournal.replay.cli;

import io.framejournal.allocator.LeakDetection;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RollCycleFullException;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.sim.InjectedLeak;
import io.framejournal.replay.sim.SimulationResult;
import io.framejournal.replay.sim.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code framejournal simulate --dir DIR …}. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        header = "Run a seeded random allocator workload on a region (with optional injected leaks).",
        description = "Drive the public allocator API with a seeded random workload (frames, unique frames, "
                + "segments; clone, slice, split, next, into_raw/from_raw, lists, drop) on a region: created, "
                + "or reopened when it exists and is clean. Deterministic for a seed on one thread. "
                + "--leak-rate injects handles never closed and raw references never restored; what was "
                + "injected is printed.")
final class SimulateCommand extends BaseCommand {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            required = true,
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--max-paddr",
            paramLabel = "PADDR",
            description = "Physical memory size of a new region (0x… or decimal; a multiple of the page size, 4096)."
                    + " Default: 0x80000000 (2 GiB).")
    String maxPaddr;

    @Option(
            names = "--roll-cycle",
            paramLabel = "CYCLE",
            description = "Roll cycle of a new region's journal: 5min (the default: files of at most 2^30 records),"
                    + " daily (what regions made before had) or test-1s (1-second files of at most 4,096 records:"
                    + " for tests of the roll and the cap).")
    String rollCycle;

    @ArgGroup(exclusive = true)
    Length length;

    /** {@code --ops} or {@code --duration}. */
    static final class Length {
        @Option(
                names = "--ops",
                paramLabel = "N",
                converter = Converters.CountOrZero.class,
                description = "Operations to run in all (0: create or open the region and close it). Default: 10000.")
        Long ops;

        @Option(
                names = "--duration",
                paramLabel = "TIME",
                converter = Converters.Span.class,
                description = "Run for this long instead (e.g. 10s, 2m).")
        Duration duration;
    }

    @Option(
            names = "--threads",
            paramLabel = "T",
            defaultValue = "1",
            converter = Converters.IntCount.class,
            description = "Worker threads. Default: 1.")
    int threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed. Default: 42.")
    long seed;

    @Option(
            names = "--leak-rate",
            paramLabel = "P",
            defaultValue = "0",
            description = "Probability of leaking a handle instead of closing it, and of never restoring a raw"
                    + " reference. Default: 0.")
    double leakRate;

    @Option(
            names = "--drop-leaks",
            description = "Let injected handles become unreachable, so the leak detector"
                    + " (PARANOID) journals them as LEAKED_HANDLE when GC runs (not deterministic).")
    boolean dropLeaks;

    @Option(
            names = "--leak-detection",
            paramLabel = "LEVEL",
            description = "DISABLED, SAMPLED (1 handle in 128 per thread is leak-tracked and has its call site"
                    + " recorded) or PARANOID (every handle). Default: SAMPLED (PARANOID with --drop-leaks).")
    LeakDetection leakDetection;

    @Option(
            names = "--injected-out",
            paramLabel = "FILE",
            description =
                    "Append each injected leak to FILE as a JSON" + " line the moment it is made (survives a kill).")
    Path injectedOut;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "TIME|N",
            description = "Take a checkpoint this often on a background thread: a time (30s, 5m) or a number of"
                    + " journal records (1000000). Default: none.")
    String checkpointEvery;

    @Option(
            names = "--redo-point-every",
            paramLabel = "TIME",
            converter = Converters.Span.class,
            description = "Record the redo point this often on a background thread (the slot table forced to disk,"
                    + " then the journal point every call before which is in it, in redo.point): `recover` then"
                    + " replays only the journal after it. E.g. 1s. Default: none.")
    java.time.Duration redoPointEvery;

    @Option(
            names = "--keep-checkpoints",
            paramLabel = "K",
            converter = Converters.IntCount.class,
            defaultValue = "3",
            description = "Checkpoint files kept with --checkpoint-every. Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(
            names = "--no-pretouch",
            description = "No pretouch thread: the worker threads take the journal file's page faults themselves"
                    + " (by default a background thread faults the pages in ahead of the appends; see README,"
                    + " \"Threads\").")
    boolean noPretouch;

    /**
     * For a parent that runs this command as its child ({@code demo}): the parent holds the other end of standard
     * input, so end of input means the parent is gone (killed, even with SIGKILL), and the run stops as at Ctrl-C
     * instead of writing on for the rest of its duration with nobody to kill it.
     */
    @Option(names = "--stop-when-stdin-closes", hidden = true)
    boolean stopWhenStdinCloses;

    @Option(
            names = "--rate",
            paramLabel = "OPS",
            defaultValue = "0",
            description = "At most this many operations per second over all threads (a steady load for soaks);"
                    + " 0 runs as fast as it goes. Default: 0.")
    double rate;

    @Option(
            names = "--retain",
            paramLabel = "K",
            converter = Converters.IntCount.class,
            description = "With --checkpoint-every: after each checkpoint keep the newest K checkpoints and delete"
                    + " the journal files older than the oldest of them (the disk use then plateaus).")
    Integer retain;

    @Override
    public Integer call() throws IOException {
        Simulator sim = new Simulator(dir)
                .seed(seed)
                .threads(threads)
                .leakRate(leakRate)
                .dropLeakedHandles(dropLeaks)
                .rate(rate)
                .leakDetection(leakDetection);
        if (noPretouch) {
            sim.pretouch(false);
        }
        if (maxPaddr != null) {
            sim.maxPaddr(maxPaddr(maxPaddr));
        }
        if (retain != null && checkpointEvery == null) {
            throw new IllegalArgumentException(
                    "--retain needs --checkpoint-every: files are retired after checkpoints");
        }
        if (given("--keep-checkpoints")) {
            if (checkpointEvery == null) {
                throw new IllegalArgumentException("--keep-checkpoints needs --checkpoint-every: without it the run"
                        + " takes no checkpoint to keep");
            }
            if (retain != null) {
                throw new IllegalArgumentException(
                        "give --retain or --keep-checkpoints, not both (--retain K keeps the newest K checkpoints too)");
            }
        }
        if (checkpointEvery != null) {
            var policy = Converters.checkpointPolicy(
                    "--checkpoint-every",
                    checkpointEvery,
                    retain != null ? "--retain" : "--keep-checkpoints",
                    retain != null ? retain : keepCheckpoints);
            sim.checkpoints(
                    retain == null ? policy : policy.retaining(io.framejournal.journal.Checkpointer.Retain.deleting()));
        }
        if (redoPointEvery != null) {
            sim.redoPointEvery(redoPointEvery);
        }
        if (rollCycle != null) {
            sim.rollCycle(io.framejournal.journal.JournalCycle.ofName(rollCycle));
        }
        if (length != null && length.duration != null) {
            sim.duration(length.duration);
        } else if (length != null && length.ops != null) {
            sim.ops(length.ops);
        }
        BufferedWriter log;
        try {
            log = injectedOut == null
                    ? null
                    : Files.newBufferedWriter(
                            injectedOut, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new io.framejournal.journal.RegionException("cannot open --injected-out " + injectedOut + ": "
                    + io.framejournal.journal.RegionException.reason(e, injectedOut));
        }
        if (log != null) {
            sim.onInjected(l -> append(log, l, injectedOut));
        }
        if (stopWhenStdinCloses) {
            stopAtEndOfInput(sim);
        }
        // Ctrl-C or SIGTERM: the workers stop as at the end of a --duration, the region is closed cleanly and the
        // summary printed before the JVM exits with the signal's status (the hook waits for it, bounded)
        try (InterruptHook hook = InterruptHook.install(sim::stop, STOP_WAIT_MILLIS)) {
            SimulationResult r;
            try (Progress bar = length != null && length.duration != null
                    ? Progress.timed("simulating", "ops", length.duration)
                    : Progress.onStderr("simulating", "ops", sim.plannedOps())) {
                if (bar.drawing()) {
                    sim.onProgress(bar::update);
                }
                r = sim.run();
            } catch (RuntimeException e) {
                throw cycleFull(e);
            } finally {
                if (log != null) {
                    log.close();
                }
            }
            if (json) {
                out().println(JsonRenderer.simulation(r));
            } else {
                text().simulation(r);
            }
            out().flush();
            int exit = FrameJournalCli.OK;
            if (r.checkpointProblem() != null) {
                root.err.println("framejournal: " + r.checkpointProblem());
                exit = FrameJournalCli.BAD_INPUT;
            }
            if (r.redoPointProblem() != null) {
                root.err.println("framejournal: " + r.redoPointProblem());
                exit = FrameJournalCli.BAD_INPUT;
            }
            hook.done(); // everything written: an interrupt's hook may let the JVM exit
            return exit;
        }
    }

    /** A daemon thread that reads standard input to its end (what the parent writes is ignored), then stops {@code sim}. */
    private static void stopAtEndOfInput(Simulator sim) {
        Thread t = new Thread(
                () -> {
                    byte[] ignored = new byte[256];
                    try {
                        while (System.in.read(ignored) >= 0) {
                            // the parent writes nothing; only the end of input counts
                        }
                    } catch (IOException closed) {
                        // as the end of input
                    }
                    sim.stop();
                },
                "framejournal-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * How long Ctrl-C waits for the workers to stop and the region to close before the JVM exits anyway (a close waits
     * up to 10 s for calls in flight; the checkpointer may be writing a checkpoint).
     */
    static final long STOP_WAIT_MILLIS = 30_000;

    /** {@code --max-paddr} as given: a positive multiple of the page size, at most 2^28 frames; errors echo the text. */
    static long maxPaddr(String text) {
        long v = FilterOptions.number("--max-paddr", text, 0, Long.MAX_VALUE);
        String given = "--max-paddr " + text.trim();
        if (v == 0 || v % RegionConfig.PAGE_SIZE != 0) {
            throw new IllegalArgumentException(given + " is not a positive multiple of the page size (4096, 0x1000);"
                    + " e.g. 0x400000 (4 MiB, 1,024 frames)");
        }
        if (v / RegionConfig.PAGE_SIZE > (1 << 28)) {
            throw new IllegalArgumentException(given + " is too large: at most 0x10000000000 (1 TiB, 2^28 frames)");
        }
        return v;
    }

    /**
     * A run that stopped because the journal's roll cycle was full (a test roll cycle's 4,096 records in a second),
     * as one line with what to do from here; any other failure as it is.
     */
    private RuntimeException cycleFull(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RollCycleFullException full) {
                return new RegionException("simulate stopped: the journal's roll cycle is full ("
                        + Fmt.count(full.records()) + " records in one " + full.cycleMillis() / 1000
                        + " s cycle, its most; last index " + JournalIndex.format(full.lastIndex())
                        + "); the region was left open: run `framejournal recover " + dir + "`, then go on at a"
                        + " lower --rate, or simulate this fast in a new region with the default roll cycle (5min)");
            }
        }
        return e;
    }

    private static void append(BufferedWriter log, InjectedLeak l, Path file) {
        synchronized (log) {
            try {
                log.write(l.toJson());
                log.newLine();
                log.flush();
            } catch (IOException e) {
                // named, in one line: the worker that injected the leak fails with it and the run stops
                throw new io.framejournal.journal.RegionException(
                        "cannot write --injected-out " + file + ": "
                                + io.framejournal.journal.RegionException.reason(e, file),
                        e);
            }
        }
    }
}
