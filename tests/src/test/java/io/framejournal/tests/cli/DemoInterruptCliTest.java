package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.tests.cli.JarRunner.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code demo} stopped while its simulation child runs: the child must not outlive it. Before the fix a SIGKILL or a
 * SIGTERM to {@code demo} left the child writing into the region for the rest of its 60-second run, with nobody left
 * to kill it (found 2026-11-27 by exploratory crash testing).
 */
class DemoInterruptCliTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"KILL, 137", "TERM, 143"})
    @Timeout(240)
    void the_simulation_child_does_not_outlive_the_demo(String signal, int status) throws Exception {
        Path home = tmp.resolve("demo-" + signal);
        Path region = home.resolve("region");
        RegionLayout layout = new RegionLayout(region);
        Path out = tmp.resolve(signal + ".out");
        Path err = tmp.resolve(signal + ".err");
        // more events than the child writes in its 60 s: only the signal ends the demo's wait
        Process demo = new ProcessBuilder(JarRunner.command("demo", "--dir", home.toString(), "--events", "4000000000"))
                .directory(tmp.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        List<ProcessHandle> children;
        try {
            await().alias("the child simulates into an open region")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("demo ended early (see " + err + ")", () -> !demo.isAlive())
                    .until(() -> Files.exists(layout.status())
                            && !RegionStatus.read(layout.status()).clean()
                            && demo.descendants().anyMatch(ProcessHandle::isAlive));
            children = demo.descendants().toList();
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(demo.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                    .as("the signal ends demo")
                    .isTrue();
        } finally {
            demo.destroyForcibly();
        }
        assertThat(demo.exitValue()).isEqualTo(status);
        try {
            await().alias("the simulation child ends with its parent")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> children.stream().noneMatch(DemoInterruptCliTest::running));
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        String childLog = Files.readString(home.resolve("simulate.log"));
        if (signal.equals("TERM")) {
            assertThat(Files.readAllLines(err))
                    .singleElement()
                    .asString()
                    .contains("demo interrupted")
                    .contains("framejournal recover " + region);
            assertThat(childLog)
                    .as("the child was killed by the demo's hook, not left to run out its duration")
                    .doesNotContain("closed cleanly");
        } else {
            assertThat(childLog)
                    .as("the child, left alone, saw its parent go and stopped as at Ctrl-C")
                    .startsWith("simulate " + region + ": stopped (interrupted) after ");
            assertThat(RegionStatus.read(layout.status()).clean()).isTrue();
        }
        Result recover = JarRunner.jar(tmp, 120, "recover", region.toString());
        assertThat(recover.exit()).as(recover.out() + recover.err()).isZero();
        Result audit = JarRunner.jar(tmp, 120, "audit", region.toString());
        assertThat(audit.out()).as(audit.err()).contains("closed cleanly").contains("divergence:    0 slot(s)");
    }

    /** Alive and not a zombie (an orphan whose reaper has not reaped it yet has ended all the same). */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
