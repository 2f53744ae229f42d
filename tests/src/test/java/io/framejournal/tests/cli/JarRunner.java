package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code framejournal} jar (or any command) in a child process and captures what it printed. */
final class JarRunner {
    private JarRunner() {}

    /**
     * What one run printed and returned.
     *
     * @param exit exit code
     * @param out  stdout
     * @param err  stderr
     */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : List.of(err.strip().split("\n"));
        }
    }

    /**
     * What bad input must give: exit 2, exactly one line on stderr, {@code framejournal: …} containing
     * {@code expected}, and no stack trace.
     */
    static void assertOneLineError(Result r, String expected) {
        assertThat(r.exit()).as("stdout %s stderr %s", r.out(), r.err()).isEqualTo(2);
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("framejournal: ")
                .contains(expected);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    /** The repository root, from the {@code framejournal.root} property Surefire sets. */
    static Path root() {
        String r = System.getProperty("framejournal.root");
        if (r == null) {
            throw new IllegalStateException("system property framejournal.root is not set (run through Maven)");
        }
        return Path.of(r).toAbsolutePath().normalize();
    }

    /** The shaded jar; the replay-tool module builds it before this module's tests run. */
    static Path jar() {
        return root().resolve("replay-tool/target/framejournal.jar");
    }

    /**
     * Runs {@code framejournal args} in this JVM ({@code FrameJournalCli.run}, what the jar's main calls), its output
     * caught as UTF-8: for checks of many command lines, where a JVM per run would cost seconds each.
     */
    static Result inProcess(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = io.framejournal.replay.cli.FrameJournalCli.run(
                args,
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Result(
                exit,
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Runs {@code java @config/chronicle.jvmopts -jar replay-tool/target/framejournal.jar args} in {@code cwd}. */
    static Result jar(Path cwd, long timeoutSeconds, String... args) {
        return exec(cwd, timeoutSeconds, command(args));
    }

    /** The command line that runs the jar with {@code args}, for a child process a test starts itself. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root().resolve("config/chronicle.jvmopts"),
                "-jar",
                jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@link #command}, for a child the test sends SIGINT: run through {@code env --default-signal=INT} (coreutils 8.31
     * and later), so that SIGINT reaches the child's JVM even when this build was started as a background job, which
     * starts with SIGINT ignored and hands that on to every child (the JVM then installs no handler for it, and a
     * SIGINT does nothing). Where {@code env} cannot do that and SIGINT is ignored here, the test is skipped, saying
     * why.
     */
    static List<String> interruptibleCommand(String... args) {
        List<String> cmd = command(args);
        if (ENV_RESETS_SIGNALS) {
            List<String> reset = new ArrayList<>(List.of("env", "--default-signal=INT"));
            reset.addAll(cmd);
            return reset;
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(
                sigintIgnored(),
                "SIGINT is ignored in this build's process (started as a background job?) and env has no"
                        + " --default-signal to restore it for the child");
        return cmd;
    }

    private static final boolean ENV_RESETS_SIGNALS = envResetsSignals();

    private static boolean envResetsSignals() {
        return succeeds("env", "--default-signal=INT", "true");
    }

    /**
     * Runs a command (a {@code mount}, a probe) with its output discarded: whether it ran and exited 0 within 30 s.
     */
    static boolean succeeds(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether this process ignores SIGINT ({@code SigIgn} in {@code /proc/self/status}, bit 2). */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false; // not Linux: nothing to say
        }
        return false;
    }

    static Result exec(Path cwd, long timeoutSeconds, List<String> cmd) {
        return exec(cwd, timeoutSeconds, cmd, Map.of());
    }

    /** {@link #exec(Path, long, List)} with these variables added to (or replacing) the environment. */
    static Result exec(Path cwd, long timeoutSeconds, List<String> cmd, Map<String, String> env) {
        return exec(cwd, timeoutSeconds, cmd, env, null);
    }

    /**
     * Runs the jar with its standard output sent to {@code stdout} (a device such as {@code /dev/full}) instead of
     * captured: the result's {@code out} is empty.
     */
    static Result jarWithStdout(Path cwd, long timeoutSeconds, Path stdout, String... args) {
        return exec(cwd, timeoutSeconds, command(args), Map.of(), stdout);
    }

    private static Result exec(Path cwd, long timeoutSeconds, List<String> cmd, Map<String, String> env, Path stdout) {
        try {
            Path out = Files.createTempFile("fj-out", ".txt");
            Path err = Files.createTempFile("fj-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .directory(cwd.toFile())
                        .redirectOutput(stdout == null ? out.toFile() : stdout.toFile())
                        .redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
