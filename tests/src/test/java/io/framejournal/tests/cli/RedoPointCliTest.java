package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionLayout;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.RegionChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --redo-point-every} through the real jar, SIGKILLed once it has recorded a few points, then {@code
 * recover} of one copy from the redo point and of another with {@code --verify-all}: both consistent, both leaving the
 * table equal to the whole journal's replay.
 */
class RedoPointCliTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledSimulateIsRecoveredFromItsRedoPointOrWithVerifyAll() throws Exception {
        Path dir = tmp.resolve("region");
        Path err = tmp.resolve("simulate.err");
        Process p = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                        "-jar",
                        JarRunner.jar().toString(),
                        "simulate",
                        "--dir",
                        dir.toString(),
                        "--max-paddr",
                        "0x1000000",
                        "--duration",
                        "120s",
                        "--rate",
                        "20000",
                        "--redo-point-every",
                        "50ms"))
                .redirectOutput(tmp.resolve("simulate.out").toFile())
                .redirectError(err.toFile())
                .start();
        RedoPoint seen;
        try {
            Path redo = new RegionLayout(dir).redoPoint();
            await("a redo point moved twice")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        assertThat(p.isAlive())
                                .as("simulate stopped: %s", Files.readString(err, StandardCharsets.UTF_8))
                                .isTrue();
                        return RedoPointFile.read(redo).generation() >= 3;
                    });
            seen = RedoPointFile.read(redo).point();
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(seen).isNotNull();
        Path copy = tmp.resolve("copy");
        FileHashes.copyTree(dir, copy);

        JarRunner.Result fromPoint = JarRunner.jar(tmp, 120, "recover", dir.toString());
        assertThat(fromPoint.exit()).as(fromPoint.err()).isZero();
        assertThat(fromPoint.out())
                .contains("region is consistent and marked clean")
                .contains("replayed from the redo point (")
                .contains("every slot the journal after the redo point touches")
                .doesNotContain("warning");
        assertThat(fromPoint.err()).isEmpty();
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();

        JarRunner.Result all = JarRunner.jar(tmp, 120, "recover", "--verify-all", "--json", copy.toString());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out())
                .containsPattern("\"redoPoint\"\\s*:\\s*null")
                .containsPattern("\"verdict\"\\s*:\\s*\"consistent\"");
        assertThat(RegionChecks.tableVersusReplay(copy)).isEmpty();
    }
}
