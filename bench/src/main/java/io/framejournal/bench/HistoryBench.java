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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code history} of one frame in a large journal: the slot's record chain against a scan of the whole journal, each
 * timed in a fresh JVM from the moment its {@code main} starts (so JVM start is excluded, class loading and Chronicle's
 * set-up are not). The journal is made by the simulator (2 threads, default 2 GiB region), like the issue's 115.9 M.
 */
final class HistoryBench {
    /** Frames asked about, low to high in the default region (the allocator fills it from the bottom). */
    static final int[] FRAMES = {5, 1_000, 100_000};

    /**
     * One child's figures.
     *
     * @param frame        the frame
     * @param entries      events in its history
     * @param chainEvents  events the chain walk read
     * @param openMillis   opening the region ({@code RegionInput.open}: config, status, the journal's first record:
     *                     the first Chronicle queue of the JVM, whatever the command)
     * @param firstMillis  history by the chain, first call in the JVM (cold code)
     * @param againMillis  open and history again in that JVM
     * @param scanMillis   history by a whole-journal scan, same JVM, after
     * @param scanEvents   events the scan read
     * @param uptimeMillis the JVM's uptime when main started (its start-up, not counted above)
     */
    record Figure(
            int frame,
            int entries,
            long chainEvents,
            double openMillis,
            double firstMillis,
            double againMillis,
            double scanMillis,
            long scanEvents,
            long uptimeMillis) {}

    private HistoryBench() {}

    /** Builds a journal of about {@code events} events in {@code dir} and measures each of {@link #FRAMES}. */
    static List<Figure> run(Path root, Path dir, long events) throws IOException, InterruptedException {
        // the simulator journals about 5 events per operation run by count (14.0 M events from 4 M operations)
        new Simulator(dir).threads(2).ops(Math.max(1, events / 5)).run();
        List<Figure> out = new ArrayList<>();
        for (int frame : FRAMES) {
            out.add(child(root, dir, frame));
        }
        return out;
    }

    private static Figure child(Path root, Path dir, int frame) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + root.resolve(Dirs.ARGFILE));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HistoryBench.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(frame));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("HISTORY ")) {
                    String[] f = line.split(" ");
                    p.waitFor(60, TimeUnit.SECONDS);
                    return new Figure(
                            Integer.parseInt(f[1]),
                            Integer.parseInt(f[2]),
                            Long.parseLong(f[3]),
                            Long.parseLong(f[9]) / 1e6,
                            Long.parseLong(f[4]) / 1e6,
                            Long.parseLong(f[5]) / 1e6,
                            Long.parseLong(f[6]) / 1e6,
                            Long.parseLong(f[7]),
                            Long.parseLong(f[8]));
                }
            }
            p.waitFor(60, TimeUnit.SECONDS);
            throw new IllegalStateException("history child for frame " + frame + " exited with " + p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /** The child: {@code REGION FRAME}; prints one {@code HISTORY} line of nanosecond figures. */
    public static void main(String[] args) {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        Path dir = Path.of(args[0]);
        int frame = Integer.parseInt(args[1]);
        long open = System.nanoTime();
        RegionInput region = RegionInput.open(dir);
        long t0 = System.nanoTime();
        History.Report first = History.of(region, frame, Progress.none());
        long t1 = System.nanoTime();
        History.Report again = History.of(RegionInput.open(dir), frame, Progress.none());
        long t2 = System.nanoTime();
        History.Report scan = History.scan(RegionInput.open(dir), frame, Progress.none(), null);
        long t3 = System.nanoTime();
        if (!first.entries().equals(scan.entries()) || !again.entries().equals(scan.entries())) {
            throw new IllegalStateException("history of frame " + frame + ": the chain and the scan disagree");
        }
        System.out.println(String.format(
                Locale.ROOT,
                "HISTORY %d %d %d %d %d %d %d %d %d",
                frame,
                first.entries().size(),
                first.events(),
                t1 - t0,
                t2 - t1,
                t3 - t2,
                scan.events(),
                uptime,
                t0 - open));
    }
}
