package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionLayout;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.RegionChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --redo-point-every} through the real jar, SIGKILLed once it has recorded a few points and a record
 * follows the newest (checked while it is stopped, so that nothing moves between the check and the kill), then {@code
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
                        assertAlive(p, err);
                        return RedoPointFile.read(redo).generation() >= 3;
                    });
            // The kill must land where a record follows the redo point, or recovery has nothing to replay from it
            // ("no record: none follows the redo point"): on a loaded machine the writer's threads can stay off the
            // CPU from a point's write to the kill. So the writer is stopped (SIGSTOP) and its files checked while
            // nothing can change them; it is killed only when a checked record follows the point, else continued.
            seen = await("the writer stopped with a record after its redo point")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> stoppedWithRecordAfterRedoPoint(p, err, dir), Objects::nonNull);
        } finally {
            p.destroyForcibly(); // SIGKILL (a stopped process too)
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(RedoPointFile.read(new RegionLayout(dir).redoPoint()).point())
                .as("the redo point did not move after the check")
                .isEqualTo(seen);
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

    private static void assertAlive(Process p, Path err) throws Exception {
        assertThat(p.isAlive())
                .as("simulate stopped: %s", Files.readString(err, StandardCharsets.UTF_8))
                .isTrue();
    }

    /**
     * Stops {@code p} (SIGSTOP, every thread of it), then reads its redo point and the journal: the point when a
     * checked record follows it (the process stays stopped), else {@code null} after continuing it (SIGCONT).
     */
    private static RedoPoint stoppedWithRecordAfterRedoPoint(Process p, Path err, Path dir) throws Exception {
        assertAlive(p, err);
        signal(p, "STOP");
        await("every thread of " + p.pid() + " stopped")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> allThreadsStopped(p.pid()));
        RedoPoint point = RedoPointFile.read(new RegionLayout(dir).redoPoint()).point();
        if (point != null && recordFollows(dir, point)) {
            return point;
        }
        signal(p, "CONT");
        return null;
    }

    /** Whether the journal holds a checked record after the redo point's anchor (at it, for an inclusive point). */
    private static boolean recordFollows(Path dir, RedoPoint point) {
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            String why = point.inclusive()
                    ? reader.resumeAt(point.anchor(), point.seq(), point.crc())
                    : reader.resumeAfter(point.anchor(), point.seq(), point.crc());
            return why == null && reader.next(new JournalEvent());
        }
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .redirectErrorStream(true)
                .start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, p.pid()).isZero();
    }

    /**
     * Whether every thread of {@code pid} is stopped ({@code T}) by the kernel: a SIGSTOP stops each thread only when
     * it next leaves the kernel, so a {@code pwrite} under way when it was sent still lands after {@code kill} returned.
     */
    private static boolean allThreadsStopped(long pid) throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (NoSuchFileException gone) {
                    continue; // a thread that ended
                }
                char state = stat.charAt(stat.lastIndexOf(')') + 2); // "tid (comm) S ...": comm may hold ')'
                if (state != 'T' && state != 't' && state != 'Z' && state != 'X') {
                    return false;
                }
            }
        }
        return true;
    }
}
