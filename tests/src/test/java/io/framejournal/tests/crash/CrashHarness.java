package io.framejournal.tests.crash;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CrashChild} JVM under the test's control: started with the project's one Chronicle argfile, watched
 * through its progress lines, and killed with SIGKILL.
 */
final class CrashHarness implements AutoCloseable {
    /** What {@link Process#exitValue()} reports for a JVM killed by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;
    /** What a JVM that shut down on SIGTERM exits with (128 + 15); a JVM that crashed instead aborts (134). */
    static final int SIGTERM_EXIT = 143;

    private final Process process;
    private final Path stderr;
    private final Thread stdoutReader;
    private final AtomicInteger checkpoints = new AtomicInteger();
    private final AtomicLong lastAppended = new AtomicLong(-1);
    private final AtomicLong readyIndex = new AtomicLong(-1);
    private volatile String protocolError;
    private final long startNanos = System.nanoTime();
    private volatile long readyNanos;
    private volatile long firstCheckpointNanos;

    private CrashHarness(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdoutReader = new Thread(this::readStdout, "crash-child-stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
    }

    static Path projectRoot() {
        String root = System.getProperty("framejournal.root");
        if (root == null) {
            throw new IllegalStateException("system property framejournal.root is not set (Surefire sets it from the"
                    + " root pom); run the tests through Maven or pass -Dframejournal.root=<repo>");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    static CrashHarness start(Path regionDir, long seed, int threads, Path stderr) throws IOException {
        return start(regionDir, seed, threads, stderr, 0);
    }

    /** @param redoPointMillis the child's redo point period, or 0 for none */
    static CrashHarness start(Path regionDir, long seed, int threads, Path stderr, int redoPointMillis)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jvmopts = projectRoot().resolve("config").resolve("chronicle.jvmopts");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                java.toString(),
                "@" + jvmopts,
                // a short-lived child: start fast, small heap
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-Xss512k",
                "-D" + CrashChild.REDO_POINT_MILLIS + "=" + redoPointMillis,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                regionDir.toString(),
                Long.toString(seed),
                Integer.toString(threads)));
        pb.redirectError(stderr.toFile());
        pb.directory(stderr.getParent().toFile()); // a JVM crash log (hs_err_pid*.log) would land here
        // stdin stays an open pipe: the child exits when it reaches EOF, i.e. when this JVM is gone
        return new CrashHarness(pb.start(), stderr);
    }

    private void readStdout() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("ready") && f.length == 2) {
                    readyIndex.set(Long.parseLong(f[1]));
                    readyNanos = System.nanoTime() - startNanos;
                } else if (f[0].equals("appended") && f.length == 3) {
                    lastAppended.set(Long.parseLong(f[1]));
                    if (checkpoints.incrementAndGet() == 1) {
                        firstCheckpointNanos = System.nanoTime() - startNanos;
                    }
                } else {
                    protocolError = "unexpected line from child: " + line;
                }
            }
        } catch (IOException | NumberFormatException e) {
            protocolError = "reading child output: " + e;
        }
    }

    int checkpoints() {
        return checkpoints.get();
    }

    /** The last journal index the child reported appended, or -1. Final once {@link #kill()} returned. */
    long lastAppended() {
        return lastAppended.get();
    }

    long readyIndex() {
        return readyIndex.get();
    }

    /** When the child said ready and when it reached its first checkpoint, in ms after start. */
    String startupTimes() {
        return "readyMs=" + readyNanos / 1_000_000 + " firstCheckpointMs=" + firstCheckpointNanos / 1_000_000;
    }

    String protocolError() {
        return protocolError;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the child reported {@code n} checkpoints or died; fails after {@code timeout}. */
    void awaitCheckpoints(int n, Duration timeout) {
        await("child checkpoint " + n)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> checkpoints() >= n || !isAlive());
    }

    /** Lets the child run on for {@code delay}, then returns (Awaitility, not a sleep). */
    void runFor(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        await().pollDelay(delay).atMost(delay.plusSeconds(30)).until(() -> true);
    }

    /** SIGKILL; returns the exit code once the process is gone and its output is drained. */
    int kill() throws InterruptedException {
        // ProcessHandle sends SIGKILL without closing our end of the pipes (Process.destroyForcibly would), so the
        // progress lines the child wrote before it died are still read to the end.
        process.toHandle().destroyForcibly();
        return awaitExit();
    }

    /** SIGTERM: the JVM runs its shutdown hooks while the workers keep going, then exits with 143. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM still alive 30 s after SIGKILL");
        }
        stdoutReader.join(TimeUnit.SECONDS.toMillis(30));
        return process.exitValue();
    }

    String stderrText() {
        try {
            String s = Files.readString(stderr, StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
