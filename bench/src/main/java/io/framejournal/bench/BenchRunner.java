package io.framejournal.bench;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.RegionLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the short benchmark suite and prints one table, also written to {@code bench/results.json}:
 * <pre>{@code java @config/chronicle.jvmopts -jar bench/target/benchmarks.jar}</pre>
 * Settings (system properties): {@code bench.warmup} / {@code bench.iterations} (JMH iterations, 2 / 5),
 * {@code bench.seconds} (per iteration, 1), {@code bench.replayWarmup} (warm-up iterations of the replay benchmarks,
 * 20), {@code bench.replayEvents} (1,000,000), {@code bench.out}
 * (the JSON file, {@code <root>/bench/results.json}).
 */
public final class BenchRunner {
    private static final long[] RECOVERY_SUFFIXES = {10_000, 100_000, 1_000_000};
    private static final long SURVIVAL_CYCLES = 100_000;
    private static final int PROBE_CYCLES = 16;
    private static final int PAIRED_ROUNDS = Integer.getInteger("bench.pairedRounds", 15);
    private static final int PAIRED_CYCLES = 20_000;
    /** allocFrame, clone, drop, drop: one journal record each. */
    private static final int CALLS_PER_FRAME_CYCLE = 4;

    private final Path root;
    private final Path work;
    private final Report report = new Report();
    private final int warmup = Integer.getInteger("bench.warmup", 2);
    private final int iterations = Integer.getInteger("bench.iterations", 5);
    private final int seconds = Integer.getInteger("bench.seconds", 1);
    /**
     * JMH warm-up iterations of the replay benchmarks: one op opens and closes the journal, so Chronicle's opening
     * code is called once per pass and C2 keeps compiling it for hundreds of passes; with 2 iterations the passes were
     * still getting faster when measured (bench/README.md, "Where the audit's slow passes come from").
     */
    private final int replayWarmup = Integer.getInteger("bench.replayWarmup", 20);

    private final long replayEvents = Long.getLong("bench.replayEvents", 1_000_000L);
    private final long startNanos = System.nanoTime();

    private BenchRunner(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            System.err.println("BenchRunner takes no arguments; settings are system properties (see bench/README.md)");
            System.exit(2);
        }
        // recovery opens the slot table with Chronicle Map's recoverPersistedTo, which warns on every call
        System.setProperty("org.slf4j.simpleLogger.log.net.openhft.chronicle.map.ChronicleMapBuilder", "error");
        Path root = Dirs.root();
        Path work = Files.createTempDirectory("framejournal-bench");
        try {
            new BenchRunner(root, work).run();
        } catch (RunnerException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            System.exit(1);
        } finally {
            Dirs.delete(work);
        }
    }

    private void run() throws Exception {
        if ("replay".equals(System.getProperty("bench.only"))) {
            quickReplay();
            return;
        }
        if ("weeks".equals(System.getProperty("bench.only"))) {
            weeksFigures();
            System.out.print(report.table());
            return;
        }
        if ("history".equals(System.getProperty("bench.only"))) {
            historyFigures();
            System.out.print(report.table());
            return;
        }
        if ("sites".equals(System.getProperty("bench.only"))) {
            quickSites();
            return;
        }
        if ("replay-jmh".equals(System.getProperty("bench.only"))) {
            quickReplayJmh();
            return;
        }
        if ("write".equals(System.getProperty("bench.only"))) {
            quickWrite();
            return;
        }
        machine();
        report.setting(
                "jmh",
                "forks 1, warmup " + warmup + " x " + seconds + " s (replay benchmarks " + replayWarmup + " x "
                        + seconds + " s), measurement " + iterations + " x " + seconds + " s");
        double frameEvents = probe(Workload::frameCycle, "single-frame cycle");
        double segmentEvents = probe(Workload::segmentCycle, "segment cycle");
        if (frameEvents != JfrWorkload.EVENTS_PER_CYCLE) {
            throw new IllegalStateException("the journal writes " + frameEvents + " events per frame cycle but the JFR"
                    + " peer records " + JfrWorkload.EVENTS_PER_CYCLE + "; update JfrWorkload");
        }
        report.setting("events per single-frame cycle", fmt(frameEvents));
        report.setting("slot events per segment cycle", fmt(segmentEvents));

        Map<String, RunResult> jmh = new HashMap<>();
        step("JMH: journaled cycles and the floor (1 and 2 threads), leak detection DISABLED");
        jmh.putAll(runJmh(
                o -> o.include(JournaledBench.class.getName() + "\\.")
                        .include(FloorBench.class.getName() + "\\.")
                        .param("leakDetection", "DISABLED"),
                ""));
        step("JMH: journaled single-frame cycle without the pretouch thread; the floor with one");
        jmh.putAll(runJmh(
                o -> o.include(JournaledBench.class.getName() + "\\.frameCycle1T")
                        .param("leakDetection", "DISABLED")
                        .param("pretouch", "false"),
                "/nopretouch"));
        jmh.putAll(runJmh(
                o -> o.include(FloorBench.class.getName() + "\\.floor1T").param("floorPretouch", "true"), "/pretouch"));
        step("JMH: journaled single-frame cycle, leak detection SAMPLED");
        jmh.putAll(runJmh(
                o -> o.include(JournaledBench.class.getName() + "\\.frameCycle1T")
                        .param("leakDetection", "SAMPLED"),
                "/SAMPLED"));

        step("preparing a " + replayEvents + "-event journal for replay");
        Path replayRegion = work.resolve("replay-region");
        long[] counted = prepareReplayJournal(replayRegion, (long) Math.ceil(replayEvents / frameEvents));
        step("JMH: replay against the raw tailer");
        jmh.putAll(runReplayJmh(replayRegion));
        step("JMH: the JFR peer");
        Path jfrRepo = Files.createDirectories(work.resolve("jfr-repository"));
        jmh.putAll(runJmh(
                o -> o.include(JfrBench.class.getName() + "\\.")
                        .jvmArgsAppend(
                                "-XX:StartFlightRecording=disk=true,maxsize=200m",
                                "-Xlog:jfr+startup=error",
                                "-XX:FlightRecorderOptions=repository=" + jfrRepo),
                ""));
        weeksFigures();

        throughputFigures(jmh, frameEvents, segmentEvents);
        replayFigures(jmh, counted[0]);
        step("paired rounds: journaled vs floor, replay vs raw tailer (alternating, best round each)");
        PairedRuns.WriteRounds write = PairedRuns.write(PAIRED_ROUNDS, PAIRED_CYCLES, frameEvents);
        String rounds = write.rounds() + " rounds of " + PAIRED_CYCLES + " cycles each of ours with and without the"
                + " pretouch thread, the floor (same bytes per call) and the floor with the pretouch thread, taking"
                + " turns; ";
        report.add(
                "paired.journaled.1t",
                "paired: journaled frame cycle, 1 thread, best round",
                Measured.once(write.ours()),
                "events/s",
                Measured.once(write.floor()),
                ">= 0.8 floor",
                write.ratio() >= 0.8,
                rounds + "pretouch thread on (the default); reference = floor's best round");
        report.add(
                "paired.journaled.1t.nopretouch",
                "paired: journaled frame cycle, 1 thread, no pretouch thread, best round",
                Measured.once(write.oursNoPretouch()),
                "events/s",
                Measured.once(write.floor()),
                ">= 0.8 floor",
                write.ratioNoPretouch() >= 0.8,
                rounds + "like for like; reference = floor's best round");
        report.add(
                "paired.journaled.1t.vs.pretouched.floor",
                "paired: journaled frame cycle, 1 thread, against the pretouched floor, best round",
                Measured.once(write.ours()),
                "events/s",
                Measured.once(write.floorPretouched()),
                ">= 0.8 floor",
                write.ratioPretouched() >= 0.8,
                rounds + "like for like; reference = the pretouched floor's best round");
        step("paired rounds: leak detection DISABLED vs SAMPLED vs PARANOID (call sites), alternating");
        PairedRuns.Levels levels = PairedRuns.leakLevels(PAIRED_ROUNDS, PAIRED_CYCLES, frameEvents);
        report.add(
                "paired.sampled",
                "paired: journaled frame cycle, leaks SAMPLED (call sites)",
                Measured.once(levels.sampled()),
                "events/s",
                Measured.once(levels.disabled()),
                ">= 0.9 DISABLED",
                levels.sampled() >= 0.9 * levels.disabled(),
                levels.rounds() + " alternating rounds of " + PAIRED_CYCLES + " cycles per level; 1 handle in 128"
                        + " per thread leak-tracked with its call site; reference = DISABLED's best round");
        report.add(
                "paired.sampled.nopretouch",
                "paired: journaled frame cycle, leaks SAMPLED (call sites), no pretouch thread",
                Measured.once(levels.sampledNoPretouch()),
                "events/s",
                Measured.once(levels.disabledNoPretouch()),
                ">= 0.9 DISABLED",
                levels.sampledNoPretouch() >= 0.9 * levels.disabledNoPretouch(),
                "the same rounds, both regions without the journal's pretouch thread (like for like with the runs"
                        + " before it); reference = DISABLED's best round without it");
        report.add(
                "paired.paranoid",
                "paired: journaled frame cycle, leaks PARANOID (call sites)",
                Measured.once(levels.paranoid()),
                "events/s",
                Measured.once(levels.disabled()),
                null,
                null,
                "every handle leak-tracked (a Cleaner registration) with its call site (a stack walk);"
                        + " reference = DISABLED's best round");
        PairedRuns.Pair replay =
                PairedRuns.replay(replayRegion, (int) (Workload.MAX_PADDR / Workload.PAGE), counted[0], PAIRED_ROUNDS);
        report.add(
                "paired.replay",
                "paired: replay, best pass",
                Measured.once(replay.ours()),
                "events/s",
                Measured.once(replay.reference()),
                ">= 0.8 raw",
                replay.ratio() >= 0.8,
                replay.rounds() + " alternating passes over the same journal; reference = raw tailer's best pass");
        double[] stages =
                PairedRuns.replayStages(replayRegion, (int) (Workload.MAX_PADDR / Workload.PAGE), PAIRED_ROUNDS);
        report.add(
                "paired.ledger",
                "paired: the audit's pass (LedgerReplay, read ahead), best pass",
                Measured.once(counted[0] / (stages[4] / 1e3)),
                "events/s",
                Measured.once(counted[0] / (stages[3] / 1e3)),
                ">= 0.8 raw",
                stages[3] / stages[4] >= 0.8,
                "as the audit runs it: records read and checked ahead on a second thread (ReadAhead), each judged and"
                        + " applied whole on the calling thread (verdicts, the obligation and raw-reference ledger,"
                        + " counters); " + PAIRED_ROUNDS + " rounds of every stage in turn; reference = raw tailer's"
                        + " best pass");
        report.add(
                "paired.ledger.1t",
                "paired: the audit's pass on one thread, best pass",
                Measured.once(counted[0] / (stages[5] / 1e3)),
                "events/s",
                Measured.once(counted[0] / (stages[3] / 1e3)),
                null,
                null,
                "the same pass with -Dframejournal.readAhead=false: read, check, judge and apply in turn on one thread");
        bytesFigures(replayRegion, counted[0], "frame", "frame cycle", 32);
        Dirs.delete(replayRegion);
        Path segmentRegion = work.resolve("segment-region");
        long[] segmentCounted = prepareJournal(segmentRegion, 20_000, Workload::segmentCycle);
        bytesFigures(segmentRegion, segmentCounted[0], "segment", "64-page segment calls", 24);
        Dirs.delete(segmentRegion);

        CrashExperiments crash = new CrashExperiments(root, work);
        step("recovery after SIGKILL, suffixes " + java.util.Arrays.toString(RECOVERY_SUFFIXES) + " events");
        crash.recovery(RECOVERY_SUFFIXES[0]); // warms the recovery code in this JVM; not reported
        for (long n : RECOVERY_SUFFIXES) {
            for (CrashExperiments.Recovery r : crash.recovery(n)) {
                report.add(
                        "recovery." + (r.slotTableBehind() ? "behind." : "killed.") + n,
                        "recover, " + count(n) + " suffix, "
                                + (r.slotTableBehind() ? "slots at checkpoint" : "as killed"),
                        r.millis(),
                        "ms",
                        "scanned " + r.scanned() + " events, " + r.redone() + " slot(s) redone");
            }
        }
        step("SIGKILL survival: the journal and the JFR peer");
        CrashExperiments.Survival ours = crash.journalSurvival(SURVIVAL_CYCLES);
        CrashExperiments.Survival jfr = crash.jfrSurvival(SURVIVAL_CYCLES);
        report.add(
                "survival.journal",
                "events surviving SIGKILL: journal",
                Measured.once(ours.survived()),
                "events",
                Measured.once(ours.written()),
                "all",
                ours.survived() == ours.written(),
                "writer ran " + fmt(ours.writerEventsPerSecond()) + " events/s in a cold child JVM");
        report.add(
                "survival.jfr",
                "events surviving SIGKILL: JFR peer",
                Measured.once(jfr.survived()),
                "events",
                Measured.once(jfr.written()),
                null,
                null,
                "writer ran " + fmt(jfr.writerEventsPerSecond()) + " events/s in a cold child JVM;"
                        + " counted with RecordingFile over the repository's chunks");

        historyFigures();

        report.machine("load average at end", loadAverage());
        report.setting("wall clock", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - startNanos) / 1e9));
        System.out.println();
        System.out.print(report.table());
        Path out = Path.of(System.getProperty(
                "bench.out", root.resolve("bench/results.json").toString()));
        report.writeJson(out);
        System.out.println("written to " + out);
    }

    /**
     * {@code history} of one frame in a journal of about 100 M events ({@code simulate --threads 2 --duration 20s}; see
     * {@link HistoryBench} for the other sizes): main to report in fresh JVMs, cold, with the JVM's start apart; warm
     * again; a whole-journal scan; and the real command's wall clock ({@code -Dbench.only=history} runs this alone).
     */
    private void historyFigures() throws IOException, InterruptedException {
        int runs = Integer.getInteger("bench.historyRuns", 5);
        step("history of one frame in a journal of ~100M events (simulate, 2 threads, 20 s, 2 GiB region; " + runs
                + " fresh JVMs per frame, taking turns)");
        Path region = work.resolve("history-region");
        for (HistoryBench.Figure f : HistoryBench.run(root, region, runs)) {
            String what = "history of frame " + f.frame() + " (" + f.entries() + " events) in " + count(f.scanEvents());
            System.out.printf(
                    Locale.ROOT,
                    "  frame %d: main to report %s ms (best %s; open %s + History.of %s), AppCDS %s ms; JVM start to main"
                            + " %s ms (AppCDS %s); again %s ms; %d classes loaded, Chronicle %s; chain read %d events;"
                            + " command %s ms, bin/framejournal %s ms; scan %s ms%n",
                    f.frame(),
                    fmt2(f.coldMillis()),
                    fmt2(f.coldBestMillis()),
                    fmt2(f.openMillis()),
                    fmt2(f.ofMillis()),
                    fmt2(f.coldCdsMillis()),
                    fmt(f.startMillis()),
                    fmt(f.startCdsMillis()),
                    fmt2(f.againMillis()),
                    f.classes(),
                    f.chronicle() ? "loaded" : "not loaded",
                    f.chainEvents(),
                    fmt(f.cliMillis()),
                    fmt(f.cliCdsMillis()),
                    fmt(f.scanMillis()));
            report.add(
                    "history.cold." + f.frame(),
                    what + ", main to report, fresh JVM",
                    f.coldMillis(),
                    "ms",
                    "median of " + f.runs() + " (best " + fmt2(f.coldBestMillis()) + "): open " + fmt2(f.openMillis())
                            + " + History.of " + fmt2(f.ofMillis()) + "; chain read " + f.chainEvents()
                            + " events; " + f.classes() + " classes loaded, Chronicle "
                            + (f.chronicle() ? "loaded" : "not loaded") + "; JVM start to main "
                            + fmt(f.startMillis()) + " ms, not counted");
            report.add(
                    "history.cold.cds." + f.frame(),
                    what + ", main to report, fresh JVM with AppCDS",
                    f.coldCdsMillis(),
                    "ms",
                    "median of " + f.runs() + "; an archive trained as bin/framejournal's is (histories of"
                            + " data/sample; -XX:SharedArchiveFile);"
                            + " JVM start to main " + fmt(f.startCdsMillis()) + " ms, not counted");
            report.add(
                    "history.again." + f.frame(),
                    what + ", open + history again in that JVM",
                    f.againMillis(),
                    "ms",
                    "median of " + f.runs());
            report.add(
                    "history.cli." + f.frame(),
                    what + ", `framejournal history` process wall clock",
                    f.cliMillis(),
                    "ms",
                    "java -jar framejournal.jar, JVM start and argument parsing included; median of " + f.runs());
            report.add(
                    "history.cli.cds." + f.frame(),
                    what + ", `bin/framejournal history` wall clock (its AppCDS archive)",
                    f.cliCdsMillis(),
                    "ms",
                    "the launcher script and JVM start included; median of " + f.runs());
            report.add(
                    "history.scan." + f.frame(),
                    what + ", whole-journal scan",
                    f.scanMillis(),
                    "ms",
                    "read " + count(f.scanEvents()) + " events (the same report; format 1 and broken chains do this)");
        }
        if (System.getProperty("bench.historyRegion") == null) {
            Dirs.delete(region);
        }
    }

    /**
     * Issue #11's recovery and checkpointing rows ({@code -Dbench.only=weeks} runs them alone): recovery of the same
     * unapplied suffix after sessions of {@code bench.recoveryEvents} (10 M and 100 M events), and a one-thread
     * writer with a checkpoint every {@code bench.checkpointSeconds} (5 s) against none.
     */
    private void weeksFigures() throws IOException {
        String[] sizes =
                System.getProperty("bench.recoveryEvents", "10000000,100000000").split(",");
        long[] ops = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            ops[i] = Long.parseLong(sizes[i].trim()) / EVENTS_PER_SIM_OP;
        }
        long suffixOps = Long.getLong("bench.suffixEvents", 1_000_000L) / EVENTS_PER_SIM_OP;
        step("recovery of the same ~" + count(suffixOps * EVENTS_PER_SIM_OP) + "-event suffix after sessions of "
                + String.join(", ", sizes) + " events (simulate, 2 threads, 2 GiB region, checkpoint at close)");
        List<WeeksBench.Recovery> rec = WeeksBench.recoveries(work, ops, suffixOps);
        WeeksBench.Recovery first = rec.get(0);
        for (WeeksBench.Recovery r : rec) {
            report.add(
                    "recovery.afterSession." + count(r.sessionOps() * EVENTS_PER_SIM_OP),
                    "recovery of the same suffix after a session of ~" + count(r.sessionOps() * EVENTS_PER_SIM_OP)
                            + " events",
                    Measured.once(r.millis()),
                    "ms",
                    Measured.once(first.millis()),
                    "ratio to the shortest session <= 1.2",
                    r.millis() / first.millis() <= 1.2,
                    r.records() + " records replayed from the checkpoint, " + r.verdict());
        }
        step("the same, the first session recording a redo point (every 1 s and at its close) instead of checkpoints");
        List<WeeksBench.Recovery> redo = WeeksBench.recoveries(work, ops, suffixOps, true);
        WeeksBench.Recovery firstRedo = redo.get(0);
        for (WeeksBench.Recovery r : redo) {
            report.add(
                    "recovery.fromRedoPoint.afterSession." + count(r.sessionOps() * EVENTS_PER_SIM_OP),
                    "recovery of the same suffix from the redo point after a session of ~"
                            + count(r.sessionOps() * EVENTS_PER_SIM_OP) + " events",
                    Measured.once(r.millis()),
                    "ms",
                    Measured.once(firstRedo.millis()),
                    "ratio to the shortest session <= 1.2",
                    r.millis() / firstRedo.millis() <= 1.2,
                    r.records() + " records replayed from the redo point, " + r.verdict());
        }
        int rounds = Integer.getInteger("bench.overheadRounds", 3);
        long overheadOps = Long.getLong("bench.overheadOps", 12_000_000L);
        long periodSeconds = Long.getLong("bench.checkpointSeconds", 5);
        step("writer with a checkpoint every " + periodSeconds + " s against none: " + rounds + " paired rounds of "
                + count(overheadOps) + " simulate operations, 1 thread, 2 GiB region");
        double[][] o =
                WeeksBench.checkpointOverhead(work, overheadOps, java.time.Duration.ofSeconds(periodSeconds), rounds);
        double with = mean(o[0]);
        double without = mean(o[1]);
        report.add(
                "writer.checkpointing",
                "simulate operations/s, checkpoint every " + periodSeconds + " s against none (same run)",
                new Measured(with, max(o[0])),
                "ops/s",
                new Measured(without, max(o[1])),
                "ratio >= 0.9",
                with / without >= 0.9,
                "rounds with: " + java.util.Arrays.toString(round(o[0])) + ", without: "
                        + java.util.Arrays.toString(round(o[1])));
        step("the same without the journal's pretouch thread (like for like with the runs before it)");
        double[][] on = WeeksBench.checkpointOverheadNoPretouch(
                work, overheadOps, java.time.Duration.ofSeconds(periodSeconds), rounds);
        report.add(
                "writer.checkpointing.nopretouch",
                "simulate operations/s, checkpoint every " + periodSeconds + " s against none, no pretouch thread",
                new Measured(mean(on[0]), max(on[0])),
                "ops/s",
                new Measured(mean(on[1]), max(on[1])),
                "ratio >= 0.9",
                mean(on[0]) / mean(on[1]) >= 0.9,
                "rounds with: " + java.util.Arrays.toString(round(on[0])) + ", without: "
                        + java.util.Arrays.toString(round(on[1])) + "; with the pretouch thread and a checkpointer"
                        + " against neither: " + fmt2(with / mean(on[1])));
        long redoMillis = Long.getLong("bench.redoPointMillis", 1000);
        step("writer recording a redo point every " + redoMillis + " ms against none: " + rounds + " paired rounds");
        double[][] rp =
                WeeksBench.redoPointOverhead(work, overheadOps, java.time.Duration.ofMillis(redoMillis), rounds);
        report.add(
                "writer.redoPoint",
                "simulate operations/s, redo point every " + redoMillis + " ms against none (same run)",
                new Measured(mean(rp[0]), max(rp[0])),
                "ops/s",
                new Measured(mean(rp[1]), max(rp[1])),
                "ratio, reported",
                true,
                "rounds with: " + java.util.Arrays.toString(round(rp[0])) + ", without: "
                        + java.util.Arrays.toString(round(rp[1])));
    }

    /** Slot events per simulate operation, measured on the default workload (stats of a 1 M-op run: 5.9). */
    private static final long EVENTS_PER_SIM_OP = 6;

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static long[] round(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * {@code -Dbench.only=write}: the paired journaled-vs-floor rounds alone (issue #8's writer ratio), for work on the
     * writer (about 10 s); {@code bench.pairedRounds} rounds, as in the full run.
     */
    private void quickWrite() throws IOException {
        long simulateFirst = Long.getLong("bench.simulateFirst", 0);
        if (simulateFirst > 0) {
            // as the full run does before its paired rounds: a two-thread simulate in this JVM, so that the writer's
            // code is compiled with the contended paths seen
            Path dir = Dirs.temp("simulate-first");
            try {
                new io.framejournal.replay.sim.Simulator(dir)
                        .threads(2)
                        .ops(simulateFirst)
                        .seed(1)
                        .run();
            } finally {
                Dirs.delete(dir);
            }
        }
        PairedRuns.WriteRounds w = PairedRuns.write(PAIRED_ROUNDS, PAIRED_CYCLES, 14.0);
        System.out.printf(
                Locale.ROOT,
                "journaled frame cycle %,.0f events/s (no pretouch thread: %,.0f), floor %,.0f events/s (pretouched:"
                        + " %,.0f); ratios %.3f, like for like %.3f without a pretouch thread and %.3f with one (best"
                        + " of %d rounds taking turns)%n",
                w.ours(),
                w.oursNoPretouch(),
                w.floor(),
                w.floorPretouched(),
                w.ratio(),
                w.ratioNoPretouch(),
                w.ratioPretouched(),
                w.rounds());
    }

    /** {@code -Dbench.only=sites}: the paired leak-detection rounds alone (call-site capture cost, about 30 s). */
    private void quickSites() throws IOException {
        PairedRuns.Levels l = PairedRuns.leakLevels(PAIRED_ROUNDS, PAIRED_CYCLES, 14.0);
        System.out.printf(
                Locale.ROOT,
                "journaled frame cycle, best of %d alternating rounds: DISABLED %,.0f events/s, SAMPLED %,.0f (%.3f),"
                        + " PARANOID %,.0f (%.3f); no pretouch thread: DISABLED %,.0f, SAMPLED %,.0f (%.3f)%n",
                l.rounds(),
                l.disabled(),
                l.sampled(),
                l.sampled() / l.disabled(),
                l.paranoid(),
                l.paranoid() / l.disabled(),
                l.disabledNoPretouch(),
                l.sampledNoPretouch(),
                l.sampledNoPretouch() / l.disabledNoPretouch());
    }

    /**
     * {@code -Dbench.only=replay-jmh}: the replay JMH benchmarks alone ({@link ReplayBench}, warmed up for {@code
     * bench.replayWarmup} iterations), each with its mean and every measured iteration (about 80 s).
     */
    private void quickReplayJmh() throws RunnerException {
        Path region = work.resolve("replay-region");
        prepareReplayJournal(region, (long) Math.ceil(replayEvents / 14.0));
        for (Map.Entry<String, RunResult> e : runReplayJmh(region).entrySet()) {
            StringBuilder iterations = new StringBuilder();
            for (var b : e.getValue().getBenchmarkResults()) {
                for (var it : b.getIterationResults()) {
                    iterations.append(String.format(
                            Locale.ROOT, " %.2f", it.getPrimaryResult().getScore() * 1e3));
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s mean %.2f ms; iterations (ms):%s%n",
                    e.getKey(),
                    e.getValue().getPrimaryResult().getScore() * 1e3,
                    iterations);
        }
    }

    /** {@code -Dbench.only=replay}: the paired replay rounds alone, for working on the reader (about 20 s). */
    private void quickReplay() {
        Path region = work.resolve("replay-region");
        long[] counted = prepareReplayJournal(region, (long) Math.ceil(replayEvents / 14.0));
        PairedRuns.Pair replay =
                PairedRuns.replay(region, (int) (Workload.MAX_PADDR / Workload.PAGE), counted[0], PAIRED_ROUNDS);
        System.out.printf(
                Locale.ROOT,
                "replay %,.0f events/s, raw tailer %,.0f events/s, ratio %.3f (best of %d)%n",
                replay.ours(),
                replay.reference(),
                replay.ratio(),
                replay.rounds());
        double[][] passes = new double[6][];
        double[] ms =
                PairedRuns.replayStages(region, (int) (Workload.MAX_PADDR / Workload.PAGE), PAIRED_ROUNDS, passes);
        System.out.printf(
                Locale.ROOT,
                "best pass over %,d events: open+close %.2f ms, reader alone %.2f ms, replay %.2f ms, raw tailer %.2f"
                        + " ms, the audit's pass %.2f ms read ahead (%.2f of the raw tailer), %.2f ms on one thread"
                        + " (%.2f)%n",
                counted[0],
                ms[0],
                ms[1],
                ms[2],
                ms[3],
                ms[4],
                ms[3] / ms[4],
                ms[5],
                ms[3] / ms[5]);
        String[] stages = {
            "open+close",
            "reader alone",
            "replay",
            "raw tailer",
            "audit's pass read ahead",
            "audit's pass on one thread"
        };
        for (int s = 0; s < stages.length; s++) {
            System.out.printf(Locale.ROOT, "  %-28s %s%n", stages[s], spread(passes[s]));
        }
    }

    /** Min, median, mean and max of passes in ms. */
    private static String spread(double[] ms) {
        double[] sorted = ms.clone();
        java.util.Arrays.sort(sorted);
        double sum = 0;
        for (double m : sorted) {
            sum += m;
        }
        return String.format(
                Locale.ROOT,
                "min %6.2f  median %6.2f  mean %6.2f  max %6.2f ms (%d passes)",
                sorted[0],
                sorted[sorted.length / 2],
                sum / sorted.length,
                sorted[sorted.length - 1],
                sorted.length);
    }

    private void throughputFigures(Map<String, RunResult> jmh, double frameEvents, double segmentEvents) {
        Measured floor1 = Measured.throughput(result(jmh, "FloorBench.floor1T"), frameEvents);
        Measured floor2 = Measured.throughput(result(jmh, "FloorBench.floor2T"), frameEvents);
        report.add(
                "floor.1t",
                "floor: raw appends of the same records + raw map updates, 1 thread",
                floor1,
                "events/s",
                "per frame cycle: 4 writeBytes of " + FloorBench.CLAIM + "/" + FloorBench.STEP + "/" + FloorBench.STEP
                        + "/" + FloorBench.CLAIM + " bytes + 4 in-place 64-byte value writes");
        report.add(
                "floor.2t",
                "floor: raw appends of the same records + raw map updates, 2 threads",
                floor2,
                "events/s",
                null);
        Measured floorP = Measured.throughput(result(jmh, "FloorBench.floor1T/pretouch"), frameEvents);
        report.add(
                "floor.1t.pretouched",
                "floor given the journal's pretouch thread, 1 thread",
                floorP,
                "events/s",
                floor1,
                null,
                null,
                "not raw Chronicle (which has none): the like-for-like reference for the journal as shipped;"
                        + " reference = floor");
        Measured ours1 = Measured.throughput(result(jmh, "JournaledBench.frameCycle1T"), frameEvents);
        Measured ours1n = Measured.throughput(result(jmh, "JournaledBench.frameCycle1T/nopretouch"), frameEvents);
        Measured ours2 = Measured.throughput(result(jmh, "JournaledBench.frameCycle2T"), frameEvents);
        Measured jfr = Measured.throughput(result(jmh, "JfrBench.jfrFrameCycle1T"), frameEvents);
        report.add(
                "journaled.1t",
                "journaled slot events, frame cycle, 1 thread",
                ours1,
                "events/s",
                floor1,
                ">= 0.8 floor",
                ours1.mean() >= 0.8 * floor1.mean(),
                "leak detection DISABLED, the journal's pretouch thread on (the default); reference = floor (raw"
                        + " Chronicle), 1 thread");
        report.add(
                "journaled.1t.nopretouch",
                "journaled slot events, frame cycle, 1 thread, no pretouch thread",
                ours1n,
                "events/s",
                floor1,
                ">= 0.8 floor",
                ours1n.mean() >= 0.8 * floor1.mean(),
                "like for like with the floor: the appending thread takes its page faults; reference = floor");
        report.add(
                "journaled.1t.vs.pretouched.floor",
                "journaled slot events, frame cycle, 1 thread, against the pretouched floor",
                ours1,
                "events/s",
                floorP,
                ">= 0.8 floor",
                ours1.mean() >= 0.8 * floorP.mean(),
                "like for like: both with the pretouch thread; reference = floor given the same pretouch thread");
        report.add(
                "journaled.1t.vs.jfr",
                "journaled slot events against the JFR peer, 1 thread",
                ours1,
                "events/s",
                jfr,
                ">= 0.6 JFR",
                ours1.mean() >= 0.6 * jfr.mean(),
                "reference = JFR peer, same run");
        report.add(
                "calls.1t",
                "journaled public calls, frame cycle, 1 thread",
                new Measured(
                        ours1.mean() / frameEvents * CALLS_PER_FRAME_CYCLE,
                        ours1.best() / frameEvents * CALLS_PER_FRAME_CYCLE),
                "calls/s",
                CALLS_PER_FRAME_CYCLE + " calls (one record each) per cycle of " + fmt(frameEvents) + " slot events");
        report.add(
                "journaled.2t",
                "journaled slot events, frame cycle, 2 threads",
                ours2,
                "events/s",
                ours1,
                "report the ratio to 1 thread",
                null,
                "leak detection DISABLED; reference = journaled, 1 thread" + " (floor with 2 threads: "
                        + fmt(floor2.mean()) + " events/s)");
        Measured sampled = Measured.throughput(result(jmh, "JournaledBench.frameCycle1T/SAMPLED"), frameEvents);
        report.add(
                "journaled.1t.sampled",
                "journaled slot mutations, 1 thread, leaks SAMPLED",
                sampled,
                "events/s",
                ours1,
                null,
                null,
                "reference = the same with leak detection DISABLED");
        Measured segment = Measured.throughput(result(jmh, "JournaledBench.segmentCycle1T"), segmentEvents);
        report.add(
                "segment.1t",
                "segment ops (alloc 64, clone, slice 32, drop), 1 thread",
                segment,
                "events/s",
                floor1,
                null,
                null,
                "slot events, one record per call; reference = floor");
        report.add(
                "jfr.1t",
                "JFR peer: the same events as JFR events, 1 thread",
                jfr,
                "events/s",
                ours1,
                null,
                null,
                "records only, keeps no state; reference = journaled, 1 thread");
    }

    private void replayFigures(Map<String, RunResult> jmh, long events) {
        Measured ours = Measured.rateOfAverageTime(result(jmh, "ReplayBench.replay"), events);
        Measured raw = Measured.rateOfAverageTime(result(jmh, "ReplayBench.rawTailer"), events);
        report.add(
                "replay.raw",
                "raw Chronicle tailer read of the same journal",
                raw,
                "events/s",
                "readingDocument + each record's bytes copied out and read as words, " + events
                        + " events, open included");
        report.add(
                "replay",
                "replay: JournalReader + ReplayState (records applied whole)",
                ours,
                "events/s",
                raw,
                ">= 0.8 raw",
                ours.mean() >= 0.8 * raw.mean(),
                "each record checked once (CRC-32C, structure, sequence), then applied whole in place in its mapping"
                        + " (Transition.redoEntry per entry on the slot's packed words, no verdicts); reference = raw"
                        + " tailer");
        Measured audit = Measured.rateOfAverageTime(result(jmh, "ReplayBench.ledgerPass"), events);
        report.add(
                "replay.audit",
                "the audit's pass: LedgerReplay, read ahead (ReadAhead)",
                audit,
                "events/s",
                raw,
                ">= 0.8 raw",
                audit.mean() >= 0.8 * raw.mean(),
                "records read and checked on a second thread, each judged and applied whole on the calling thread"
                        + " (verdicts, obligation and raw-reference ledger, counters, invariants); reference = raw"
                        + " tailer");
    }

    private void bytesFigures(Path region, long events, String id, String what, int target)
            throws IOException, InterruptedException {
        Path journal = new RegionLayout(region).journal();
        double records = (double) JournalFacts.recordBytes(journal) / events;
        double written = (double) JournalFacts.writtenBytes(journal) / events;
        double allocated = (double) JournalFacts.allocatedBytes(journal) / events;
        report.add(
                "bytes." + id + ".records",
                "journal bytes per slot event, " + what,
                Measured.once(records),
                "bytes",
                Measured.NONE,
                "<= " + target,
                records <= target,
                "records + Chronicle's 4-byte headers / events (" + events + " events)");
        report.add(
                "bytes." + id + ".written",
                "journal bytes per slot event, " + what + ": queue written position",
                Measured.once(written),
                "bytes",
                Measured.NONE,
                null,
                null,
                "end offset of the last document / events (index pages included)");
        report.add(
                "bytes." + id + ".allocated",
                "journal bytes per slot event, " + what + ": du -B1 allocated",
                allocated,
                "bytes",
                "disk blocks of the journal directory / events (sparse 4 MiB blocks: the unwritten"
                        + " tail is not counted, the .cq4t metadata file is)");
    }

    /** Slot events one run of {@code op} journals (counted from the journal, not assumed). */
    private double probe(Consumer<FrameAllocOptions> op, String what) throws IOException {
        Path dir = work.resolve("probe");
        try (MetaRegion region = Workload.createRegion(dir, LeakDetection.DISABLED)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            for (int i = 0; i < PROBE_CYCLES; i++) {
                op.accept(alloc);
            }
        }
        long[] n = JournalFacts.countEvents(new RegionLayout(dir).journal());
        Dirs.delete(dir);
        double perCycle = (double) n[1] / PROBE_CYCLES;
        step(what + ": " + fmt(perCycle) + " slot events per cycle");
        return perCycle;
    }

    /** A closed region with {@code cycles} frame cycles; @return its events {@code [all, slot]} */
    private long[] prepareReplayJournal(Path dir, long cycles) {
        return prepareJournal(dir, cycles, Workload::frameCycle);
    }

    private long[] prepareJournal(Path dir, long cycles, Consumer<FrameAllocOptions> op) {
        try (MetaRegion region = Workload.createRegion(dir, LeakDetection.DISABLED)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            for (long i = 0; i < cycles; i++) {
                op.accept(alloc);
            }
        }
        return JournalFacts.countEvents(new RegionLayout(dir).journal());
    }

    private Map<String, RunResult> runReplayJmh(Path region) throws RunnerException {
        return runJmh(
                o -> o.include(ReplayBench.class.getName() + "\\.")
                        .param("region", region.toString())
                        .param("nrSlots", Integer.toString((int) (Workload.MAX_PADDR / Workload.PAGE)))
                        .mode(org.openjdk.jmh.annotations.Mode.AverageTime)
                        .warmupIterations(replayWarmup),
                "");
    }

    private Map<String, RunResult> runJmh(Consumer<ChainedOptionsBuilder> configure, String suffix)
            throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .forks(1)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .timeUnit(TimeUnit.SECONDS)
                .jvmArgs(
                        "@" + root.resolve(Dirs.ARGFILE),
                        "-Xmx1g",
                        "-D" + Dirs.WORK_DIR_PROPERTY + "=" + work,
                        "-Dframejournal.root=" + root)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        configure.accept(o);
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, RunResult> byName = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1) + suffix;
            byName.put(name, r);
            System.out.printf(
                    Locale.ROOT,
                    "  %-40s %,18.3f %s%n",
                    name,
                    r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreUnit());
        }
        return byName;
    }

    /** Throughputs are in ops/s and average times in s/op: every run's time unit is seconds. */
    private static RunResult result(Map<String, RunResult> jmh, String name) {
        RunResult r = jmh.get(name);
        if (r == null) {
            throw new IllegalStateException("no JMH result for " + name + " (have " + jmh.keySet() + ")");
        }
        return r;
    }

    private void machine() throws IOException, InterruptedException {
        report.machine("date", Instant.now().toString());
        report.machine("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        report.machine("cpu", cpuModel());
        report.machine("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.machine("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        report.machine("load average at start", loadAverage());
    }

    /** The 1, 5 and 15 minute load averages: how much else the machine was doing (figures on a busy box drop). */
    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return "unknown";
        }
        String[] f = Files.readString(loadavg).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String cpuModel() throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                if (line.startsWith("Model name:")) {
                    return line.substring("Model name:".length()).trim();
                }
            }
        } catch (IOException e) {
            // no lscpu: fall through
        }
        return "unknown (no lscpu)";
    }

    private void step(String what) {
        System.out.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }

    private static String count(long n) {
        return n >= 1_000_000 ? n / 1_000_000 + "M" : n >= 1000 ? n / 1000 + "k" : Long.toString(n);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%,.2f", v);
    }
}
