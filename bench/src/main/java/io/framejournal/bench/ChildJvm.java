package io.framejournal.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a {@link CrashChild} in its own JVM (with the Chronicle argfile) and SIGKILLs it once it is done. */
final class ChildJvm {
    /** What the child reported before it was killed. */
    record Done(long cycles, long nanos) {
        double cyclesPerSecond() {
            return cycles * 1e9 / nanos;
        }
    }

    private ChildJvm() {}

    static Done runAndKill(Path root, Path workDir, List<String> jvmFlags, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + root.resolve(Dirs.ARGFILE));
        cmd.add("-Xmx1g");
        cmd.add("-D" + Dirs.WORK_DIR_PROPERTY + "=" + workDir);
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashChild.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("DONE ")) {
                    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no flush
                    p.waitFor(30, TimeUnit.SECONDS);
                    String[] f = line.split(" ");
                    return new Done(Long.parseLong(f[1]), Long.parseLong(f[2]));
                }
            }
            p.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("child " + String.join(" ", args) + " exited with " + p.exitValue()
                    + " before it was done (see its error output above)");
        } finally {
            p.destroyForcibly();
        }
    }
}
