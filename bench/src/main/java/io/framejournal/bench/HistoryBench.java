package io.framejournal.bench;

import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code history} of one frame in a large journal, in fresh JVMs: the time from the first line of {@code main} to the
 * frame's report (opening the region, reading its slot table, walking the record chain, everything our code does,
 * cold), with the JVM's own start to {@code main} measured apart; the same again warm in that JVM; a whole-journal
 * scan for reference (and to check that it gives the same events); and the wall clock of the real command
 * ({@code java -jar framejournal.jar history DIR --frame F}, JVM start and argument parsing included). The journal is
 * made by the simulator (2 threads, default 2 GiB region): for {@code bench.historyDuration} (20 s: the issue's
 * ~100 M events), or {@code bench.historyEvents} by count, or {@code bench.historyRegion} names one already made.
 */
final class HistoryBench {
    /** Frames asked about, low to high in the default region (the allocator fills it from the bottom). */
    static final int[] FRAMES = {5, 1_000, 100_000};

    /**
     * One frame's figures over {@code runs} fresh JVMs (medians, and the best of the cold figure).
     *
     * @param frame          the frame
     * @param entries        events in its history
     * @param chainEvents    events the chain walk read
     * @param coldMillis     main to the report, first call in a fresh JVM: median
     * @param coldBestMillis the same, best run
     * @param openMillis     of that, opening the region ({@code RegionInput.open}): median
     * @param ofMillis       of that, {@code History.of}: median
     * @param startMillis    the JVM's own start to {@code main}: median (not in the cold figure)
     * @param againMillis    open and history again in the same JVM: median
     * @param scanMillis     history by a whole-journal scan, first run's JVM, after
     * @param scanEvents     events the scan read
     * @param classes        classes the JVM had loaded when the report was ready (first run)
     * @param chronicle      whether any Chronicle class was loaded by then (first run)
     * @param cliMillis      wall clock of {@code framejournal history DIR --frame F} as a process: median
     * @param coldCdsMillis  the cold figure with an AppCDS archive of the child's classes: median
     * @param startCdsMillis the JVM's start to main with that archive: median
     * @param cliCdsMillis   the command's wall clock through {@code bin/framejournal} (its AppCDS archive): median
     * @param runs           fresh JVMs per figure
     */
    record Figure(
            int frame,
            int entries,
            long chainEvents,
            double coldMillis,
            double coldBestMillis,
            double openMillis,
            double ofMillis,
            double startMillis,
            double againMillis,
            double scanMillis,
            long scanEvents,
            long classes,
            boolean chronicle,
            double cliMillis,
            double coldCdsMillis,
            double startCdsMillis,
            double cliCdsMillis,
            int runs) {}

    private HistoryBench() {}

    /** Builds (or takes) the journal and measures each of {@link #FRAMES}, rounds of fresh JVMs taking turns. */
    static List<Figure> run(Path root, Path dir, int runs) throws IOException, InterruptedException {
        String given = System.getProperty("bench.historyRegion");
        if (given != null) {
            dir = Path.of(given);
        } else if (System.getProperty("bench.historyEvents") != null) {
            // the simulator journals about 5 events per operation run by count (14.0 M events from 4 M operations)
            new Simulator(dir)
                    .threads(2)
                    .ops(Math.max(1, Long.getLong("bench.historyEvents") / 5))
                    .run();
        } else {
            String d = System.getProperty("bench.historyDuration", "20s");
            new Simulator(dir)
                    .threads(2)
                    .duration(Duration.ofSeconds(Long.parseLong(d.replace("s", ""))))
                    .run();
        }
        // AppCDS: one archive of the child's classes, one of the command's (bin/framejournal writes it after each
        // build from a training run on data/sample), each made by an unmeasured run first; the child's is trained
        // the same way (histories of data/sample, not of the frames measured)
        Path childArchive = dir.resolveSibling("history-child.jsa");
        Files.deleteIfExists(childArchive);
        train(root, "-XX:ArchiveClassesAtExit=" + childArchive);
        try (var old = Files.newDirectoryStream(root.resolve("replay-tool/target"), "framejournal.*.jsa")) {
            for (Path p : old) {
                Files.delete(p); // so that the launcher's archive is the one a history run writes
            }
        }
        cli(root, dir, FRAMES[0], true);
        long[][][] child = new long[FRAMES.length][runs][];
        long[][][] childCds = new long[FRAMES.length][runs][];
        double[][] cli = new double[FRAMES.length][runs];
        double[][] cliCds = new double[FRAMES.length][runs];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < FRAMES.length; i++) {
                child[i][r] = child(root, dir, FRAMES[i], r == 0, "-Xshare:auto");
                childCds[i][r] = child(root, dir, FRAMES[i], false, "-XX:SharedArchiveFile=" + childArchive);
                cli[i][r] = cli(root, dir, FRAMES[i], false);
                cliCds[i][r] = cli(root, dir, FRAMES[i], true);
            }
        }
        List<Figure> out = new ArrayList<>();
        for (int i = 0; i < FRAMES.length; i++) {
            long[][] c = child[i];
            long[] first = c[0];
            out.add(new Figure(
                    (int) first[0],
                    (int) first[1],
                    first[2],
                    median(c, 3) / 1e6,
                    best(c, 3) / 1e6,
                    median(c, 4) / 1e6,
                    median(c, 5) / 1e6,
                    median(c, 6),
                    median(c, 7) / 1e6,
                    first[8] / 1e6,
                    first[9],
                    first[10],
                    first[11] != 0,
                    median(cli[i]),
                    median(childCds[i], 3) / 1e6,
                    median(childCds[i], 6),
                    median(cliCds[i]),
                    runs));
        }
        Files.deleteIfExists(childArchive);
        return out;
    }

    private static double median(double[] runs) {
        return Arrays.stream(runs).sorted().toArray()[runs.length / 2];
    }

    private static double median(long[][] runs, int field) {
        return Arrays.stream(runs).mapToLong(r -> r[field]).sorted().toArray()[runs.length / 2];
    }

    private static double best(long[][] runs, int field) {
        return Arrays.stream(runs).mapToLong(r -> r[field]).min().orElseThrow();
    }

    private static long[] child(Path root, Path dir, int frame, boolean scan, String share)
            throws IOException, InterruptedException {
        List<String> cmd = childCommand(root, share, dir.toString(), Integer.toString(frame), Boolean.toString(scan));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("HISTORY ")) {
                    p.waitFor(60, TimeUnit.SECONDS);
                    return Arrays.stream(line.substring(8).split(" "))
                            .mapToLong(Long::parseLong)
                            .toArray();
                }
            }
            p.waitFor(60, TimeUnit.SECONDS);
            throw new IllegalStateException("history child for frame " + frame + " exited with " + p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /** This class's {@code main} in a fresh JVM with Chronicle's flags, {@code share} (its CDS option) and {@code args}. */
    private static List<String> childCommand(Path root, String share, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root.resolve(Dirs.ARGFILE),
                share,
                "-Xlog:cds*=off",
                "-cp",
                System.getProperty("java.class.path"),
                HistoryBench.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The child's training run on data/sample (as bin/framejournal's archive is made), for its AppCDS archive. */
    private static void train(Path root, String share) throws IOException, InterruptedException {
        List<String> cmd =
                childCommand(root, share, TRAIN, root.resolve("data/sample").toString());
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("history child's training run failed");
        }
    }

    private static final String TRAIN = "train";

    /**
     * Wall clock, in ms, of the real command run as a process, output discarded: {@code java -jar framejournal.jar}, or
     * through {@code bin/framejournal} (which adds its AppCDS archive).
     */
    private static double cli(Path root, Path dir, int frame, boolean launcher)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (launcher) {
            cmd.addAll(List.of(
                    "env",
                    "FRAMEJOURNAL_NO_BUILD=1",
                    root.resolve("bin/framejournal").toString()));
        } else {
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + root.resolve(Dirs.ARGFILE),
                    "-Dframejournal.stderrIsTerminal=false",
                    "-jar",
                    root.resolve("replay-tool/target/framejournal.jar").toString()));
        }
        cmd.addAll(List.of("history", dir.toString(), "--frame", Integer.toString(frame)));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("framejournal history " + dir + " --frame " + frame + " failed");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * The child: {@code REGION FRAME SCAN}; prints one {@code HISTORY} line: frame, entries, events read by the chain,
     * main-to-report ns, of which opening ns and {@code History.of} ns, JVM start to main ms, again ns, scan ns, scan
     * events, classes loaded at the report, Chronicle loaded (0/1).
     */
    public static void main(String[] args) {
        long t0 = System.nanoTime(); // first: everything after this is our code's work
        if (args[0].equals(TRAIN)) { // CdsTraining's histories: one frame with call sites, a range of frames
            RegionInput sample = RegionInput.open(Path.of(args[1]));
            History.of(sample, 51, Progress.none());
            History.of(
                    sample,
                    io.framejournal.replay.analysis.EventFilter.builder()
                            .frames(0, 63)
                            .build(),
                    Long.MAX_VALUE,
                    Progress.none());
            return;
        }
        long wall0 = System.currentTimeMillis();
        Path dir = Path.of(args[0]);
        int frame = Integer.parseInt(args[1]);
        RegionInput region = RegionInput.open(dir);
        long t1 = System.nanoTime();
        History.Report first = History.of(region, frame, Progress.none());
        long t2 = System.nanoTime();
        // measured after the report, so that asking costs nothing above
        long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        boolean chronicle = ClassLoader.getSystemClassLoader().getDefinedPackage("net.openhft.chronicle.core") != null
                || ClassLoader.getSystemClassLoader().getDefinedPackage("net.openhft.chronicle.queue") != null;
        long startToMain = wall0 - ManagementFactory.getRuntimeMXBean().getStartTime();
        long t3 = System.nanoTime();
        History.Report again = History.of(RegionInput.open(dir), frame, Progress.none());
        long t4 = System.nanoTime();
        long scanNanos = 0;
        long scanEvents = 0;
        if (Boolean.parseBoolean(args[2])) {
            History.Report scan = History.scan(RegionInput.open(dir), frame, Progress.none(), null);
            scanNanos = System.nanoTime() - t4;
            scanEvents = scan.events();
            if (!first.entries().equals(scan.entries())) {
                throw new IllegalStateException("history of frame " + frame + ": the chain and the scan disagree");
            }
        }
        if (!again.entries().equals(first.entries())) {
            throw new IllegalStateException("history of frame " + frame + ": two calls disagree");
        }
        System.out.println(String.format(
                Locale.ROOT,
                "HISTORY %d %d %d %d %d %d %d %d %d %d %d %d",
                frame,
                first.entries().size(),
                first.events(),
                t2 - t0,
                t1 - t0,
                t2 - t1,
                startToMain,
                t4 - t3,
                scanNanos,
                scanEvents,
                classes,
                chronicle ? 1 : 0));
    }
}
