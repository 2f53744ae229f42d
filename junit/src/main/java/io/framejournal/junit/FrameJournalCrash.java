package io.framejournal.junit;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.JvmFlags;
import io.framejournal.replay.Region;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crash a workload for real: run a {@link CrashWorkload} in a child JVM on a fresh region, SIGKILL the child right
 * after its N-th counted call (or once the journal reaches an index), recover the region in this JVM, and hand the
 * result to the test.
 *
 * <pre>{@code
 * Crashed crashed = FrameJournalCrash.of(MyWorkload.class).killAfterCalls(50).run(tempDir.resolve("region"));
 * assertEquals(50, crashed.calls());
 * try (MetaRegion region = crashed.open()) { ... }   // recovered, clean, usable again
 * }</pre>
 *
 * The child runs with this JVM's {@code java}, class path and Chronicle's flags ({@link JvmFlags}); its stderr is
 * kept in {@link Crashed#childStderr()}.
 */
public final class FrameJournalCrash {
    private final Class<? extends CrashWorkload> workload;
    private long maxPaddr = 16L << 20;
    private long killAfterCalls;
    private long killAtIndex = -1;
    private boolean reclaim;
    private long timeoutSeconds = 120;

    private FrameJournalCrash(Class<? extends CrashWorkload> workload) {
        this.workload = workload;
    }

    /**
     * A crash of {@code workload}: a public class (static if nested) with a public no-argument constructor, since the
     * child JVM creates it from its name. Any other is refused here, before a child starts.
     */
    public static FrameJournalCrash of(Class<? extends CrashWorkload> workload) {
        if (workload == null) {
            throw new NullPointerException("the workload class is null: pass the class of the workload to crash");
        }
        if (!creatableByName(workload)) {
            throw new IllegalArgumentException("the workload class " + workload.getName() + " must be public, static"
                    + " if nested, and have a public no-argument constructor: the child JVM creates it from its name");
        }
        return new FrameJournalCrash(workload);
    }

    /** What the child's {@code getDeclaredConstructor().newInstance()} needs, checked in this JVM. */
    private static boolean creatableByName(Class<?> type) {
        int m = type.getModifiers();
        if (!Modifier.isPublic(m) || Modifier.isAbstract(m) || type.isInterface()) {
            return false;
        }
        if ((type.isMemberClass() && !Modifier.isStatic(m)) || type.isLocalClass() || type.isAnonymousClass()) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getDeclaredConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Kill the child right after its {@code n}-th counted call ({@link CrashWorkload.Calls#done()}). */
    public FrameJournalCrash killAfterCalls(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("killAfterCalls must be positive: " + n);
        }
        this.killAfterCalls = n;
        return this;
    }

    /** Kill the child after the first counted call that leaves the journal at or past {@code index}. */
    public FrameJournalCrash killAtJournalIndex(long index) {
        this.killAtIndex = index;
        return this;
    }

    /** End of the region's physical memory (default 16 MiB). */
    public FrameJournalCrash maxPaddr(long maxPaddr) {
        this.maxPaddr = maxPaddr;
        return this;
    }

    /** Recover with {@code reclaim}: release everything the dead process held (default: do not). */
    public FrameJournalCrash reclaim(boolean reclaim) {
        this.reclaim = reclaim;
        return this;
    }

    /** How long the child may take to reach the kill point (default 120 s). */
    public FrameJournalCrash timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /**
     * Runs the child on a new region in {@code dir} (absent or empty), kills it, recovers the region.
     *
     * @throws AssertionError when the child failed, timed out or finished without reaching the kill point
     */
    public Crashed run(Path dir) throws IOException, InterruptedException {
        if (killAfterCalls <= 0 && killAtIndex < 0) {
            throw new IllegalStateException("say when to kill: killAfterCalls(n) or killAtJournalIndex(i)");
        }
        JvmFlags.require();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.commandLineFlags());
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        // slf4j-simple (when it is the provider) logs to the child's stderr, kept in Crashed.childStderr()
        cmd.addAll(List.of(
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChildMain.class.getName(),
                workload.getName(),
                dir.toString(),
                Long.toString(maxPaddr),
                Long.toString(killAfterCalls),
                Long.toString(killAtIndex)));
        Path stderr = Files.createTempFile("framejournal-crash-child", ".err");
        Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        try {
            String line = firstLine(child, stderr);
            String[] f = line.split(" ");
            if (!f[0].equals("kill-me") || f.length != 3) {
                throw new AssertionError(
                        "the crash child did not reach its kill point (" + line + ")" + childErr(stderr));
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the crash child survived SIGKILL for 30 s");
            }
            String err = Files.readString(stderr);
            RecoveryReport report = MetaRegion.recover(dir, reclaim);
            return new Crashed(dir, Long.parseLong(f[1]), Long.parseLong(f[2]), child.exitValue(), report, err);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private String firstLine(Process child, Path stderr) throws InterruptedException, IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String[] line = {null};
        Thread reader = new Thread(
                () -> {
                    try {
                        line[0] = out.readLine();
                    } catch (IOException e) {
                        line[0] = "unreadable stdout: " + e.getMessage();
                    }
                },
                "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        if (reader.isAlive()) {
            child.destroyForcibly();
            throw new AssertionError("the crash child printed nothing for " + timeoutSeconds + " s" + childErr(stderr));
        }
        if (line[0] == null) {
            child.waitFor(30, TimeUnit.SECONDS);
            return "exited with " + (child.isAlive() ? "?" : child.exitValue()) + " before its kill point";
        }
        return line[0];
    }

    private static String childErr(Path stderr) throws IOException {
        String err = Files.readString(stderr).strip();
        return err.isEmpty() ? "" : "; its stderr:\n" + err;
    }

    /**
     * A region whose writer was SIGKILLed, recovered.
     *
     * @param dir         the region
     * @param calls       counted calls the child completed before it was killed
     * @param lastIndex   the journal's last index when the child asked to be killed
     * @param exitCode    the child's exit code (137 for SIGKILL)
     * @param recovery    what recovery found and did
     * @param childStderr what the child printed on stderr
     */
    public record Crashed(
            Path dir, long calls, long lastIndex, int exitCode, RecoveryReport recovery, String childStderr) {
        /** Opens the recovered region for writing (the caller closes it). */
        public MetaRegion open() {
            return MetaRegion.open(dir);
        }

        /** Opens the recovered region for reading (the caller closes it). */
        public Region inspect() {
            return Region.inspect(dir);
        }

        /** Audits the recovered region: the same report as {@code framejournal audit}. */
        public Region.Audit audit() {
            return Region.audit(dir);
        }
    }
}
