package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ctrl-C (SIGINT) or SIGTERM to a running {@code simulate}: the workers stop as at the end of a {@code --duration},
 * the region is closed cleanly, the summary says the run was stopped, and the JVM exits with the signal's status.
 */
class SimulateInterruptCliTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "TERM, 143"})
    @Timeout(240)
    void a_signal_stops_the_simulation_and_closes_the_region_cleanly(String signal, int status) throws Exception {
        Path region = tmp.resolve("sim-" + signal);
        Path out = tmp.resolve(signal + ".out");
        Path err = tmp.resolve(signal + ".err");
        RegionLayout layout = new RegionLayout(region);
        Process sim = new ProcessBuilder(JarRunner.interruptibleCommand(
                        "simulate", "--dir", region.toString(), "--duration", "120s", "--threads", "2"))
                .directory(tmp.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            await().alias("the region is created and open")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("simulate ended early (see " + err + ")", () -> !sim.isAlive())
                    .until(() -> Files.exists(layout.status())
                            && !RegionStatus.read(layout.status()).clean());
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(sim.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sim.waitFor(90, TimeUnit.SECONDS))
                    .as("the signal ends simulate")
                    .isTrue();
        } finally {
            sim.destroyForcibly();
        }
        assertThat(sim.exitValue())
                .as("the JVM's exit status after SIG" + signal)
                .isEqualTo(status);
        assertThat(Files.readString(err)).as("nothing on stderr").isEmpty();
        assertThat(Files.readString(out))
                .startsWith("simulate " + region + ": stopped (interrupted) after ")
                .contains("region created and closed cleanly")
                .endsWith("\n");
        assertThat(RegionStatus.read(layout.status()).clean())
                .as("region.status says clean")
                .isTrue();

        Result audit = JarRunner.jar(tmp, 120, "audit", region.toString());
        assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out()).contains("closed cleanly");
    }
}
