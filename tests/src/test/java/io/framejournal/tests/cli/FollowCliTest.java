package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.tests.cli.JarRunner.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dump --follow} and {@code audit --follow} through the real jar on a region a writer (a child JVM running
 * {@link PacedWriter}) is using: every event as it arrives, the end at the writer's close, at {@code --until}, and on
 * SIGINT (shutdown hook: the output is flushed and whole).
 */
class FollowCliTest {
    @TempDir
    Path tmp;

    /** A child process writing stdout and stderr to files named after {@code name}. */
    private Process start(String name, String... args) throws IOException {
        return new ProcessBuilder(JarRunner.interruptibleCommand(args))
                .directory(tmp.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile())
                .start();
    }

    private String read(String name) throws IOException {
        return Files.readString(tmp.resolve(name));
    }

    /** A {@link PacedWriter} child JVM writing for {@code seconds}, returned once its region's journal exists. */
    private Process writer(Path region, int seconds) throws Exception {
        Process w = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PacedWriter.class.getName(),
                        region.toString(),
                        Integer.toString(seconds)))
                .directory(tmp.toFile())
                .redirectOutput(tmp.resolve("writer.out").toFile())
                .redirectError(tmp.resolve("writer.err").toFile())
                .start();
        await().alias("the writer makes its journal")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .failFast("the writer died (see writer.err)", () -> !w.isAlive())
                .until(() -> hasQueueFile(region.resolve("journal")));
        return w;
    }

    @Test
    @Timeout(300)
    void followersSeeEveryEventAndEndAtTheWritersClose() throws Exception {
        Path region = tmp.resolve("live");
        Process w = writer(region, 8);
        Process dump = start("dump", "dump", region.toString(), "--follow");
        Process audit = start("audit", "audit", region.toString(), "--follow");
        assertThat(w.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as(read("writer.err")).isZero();
        assertThat(dump.waitFor(120, TimeUnit.SECONDS))
                .as("dump --follow ends at the close")
                .isTrue();
        assertThat(audit.waitFor(120, TimeUnit.SECONDS))
                .as("audit --follow ends at the close")
                .isTrue();
        assertThat(dump.exitValue()).as(read("dump.err")).isZero();

        Result all = JarRunner.jar(tmp, 120, "dump", region.toString());
        assertThat(read("dump.out"))
                .as("what was followed is the whole journal")
                .isEqualTo(all.out());
        assertThat(read("dump.err")).startsWith("framejournal: followed to the writer's close: ");

        Result after = JarRunner.jar(tmp, 120, "audit", region.toString());
        String followed = read("audit.out");
        assertThat(followed.lines().findFirst())
                .as("the followed audit covers every event, with the same findings")
                .isEqualTo(after.out().lines().findFirst());
        assertThat(audit.exitValue()).isEqualTo(after.exit());
        assertThat(followed)
                .as("followed to the writer's close: the report's region is as the writer left it")
                .contains(", closed cleanly")
                .doesNotContain("LIVE");
        String status = read("audit.err");
        assertThat(status)
                .as("stderr is a file: whole summary lines, never \\r frames")
                .doesNotContain("\r")
                .containsPattern("following .*: [\\d,]+ events \\([\\d,]+/s\\), [\\d,]+ obligation\\(s\\) and [\\d,]+"
                        + " raw reference\\(s\\) outstanding, [\\d,]+ other finding\\(s\\) so far, last 0x[0-9a-f]+")
                .contains("framejournal: followed to the writer's close: ");
    }

    @Test
    @Timeout(300)
    void untilAndCtrlCEndAFollowCleanlyWhileTheWriterGoesOn() throws Exception {
        Path region = tmp.resolve("long");
        Process w = writer(region, 40);
        try {
            String until = Instant.now().plusSeconds(3).toString();
            Process untilTime = start("until", "dump", region.toString(), "--follow", "--until", until, "--json");
            Process interrupted = start("int", "dump", region.toString(), "-f", "--kind", "MINT");
            assertThat(untilTime.waitFor(60, TimeUnit.SECONDS))
                    .as("--until ends the follow")
                    .isTrue();
            assertThat(untilTime.exitValue()).as(read("until.err")).isZero();
            assertThat(read("until.err")).startsWith("framejournal: followed to --until ");
            String json = read("until.out");
            assertThat(json).endsWith("}\n");
            String lastTime = json.substring(json.lastIndexOf("\"time\":\"") + 8);
            lastTime = lastTime.substring(0, lastTime.indexOf('"'));
            assertThat(Instant.parse(lastTime)).isBeforeOrEqualTo(Instant.parse(until));

            // `dump --follow | head -1`: the reader closes the pipe after one line, and the follow ends at its next
            // write, quietly and with exit 0 (it used to follow on, writing into the closed pipe, until the writer's
            // close)
            Process piped = new ProcessBuilder(JarRunner.command("dump", region.toString(), "--follow"))
                    .directory(tmp.toFile())
                    .redirectError(tmp.resolve("piped.err").toFile())
                    .start();
            try (BufferedReader head =
                    new BufferedReader(new InputStreamReader(piped.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(head.readLine()).contains("  REGION_OPEN  ");
            }
            assertThat(piped.waitFor(60, TimeUnit.SECONDS))
                    .as("a closed pipe ends the follow")
                    .isTrue();
            assertThat(w.isAlive())
                    .as("ended by the closed pipe, not by the writer's close")
                    .isTrue();
            assertThat(piped.exitValue()).as(read("piped.err")).isZero();
            assertThat(read("piped.err"))
                    .as("no Broken pipe, no stack trace, no note")
                    .isEmpty();

            // the follower has caught up with the writer once (it flushes then): it is following, SIGINT may come
            await().alias("the follower prints its first events")
                    .atMost(Duration.ofSeconds(60))
                    .failFast("the follower ended (see int.err)", () -> !interrupted.isAlive())
                    .until(() -> Files.size(tmp.resolve("int.out")) > 0);
            assertThat(interrupted.isAlive()).isTrue();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(interrupted.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupted.waitFor(60, TimeUnit.SECONDS))
                    .as("SIGINT ends the follow")
                    .isTrue();
            assertThat(interrupted.exitValue())
                    .as("the JVM's exit status after SIGINT")
                    .isEqualTo(130);
            assertThat(read("int.err")).contains("framejournal: stopped following (interrupted): ");
            String out = read("int.out");
            assertThat(out).as("flushed, whole lines").isNotEmpty().endsWith("\n");
            assertThat(out.lines()).allSatisfy(l -> assertThat(l).contains("  MINT  "));
            assertThat(w.isAlive()).as("the writer never noticed").isTrue();
        } finally {
            w.destroy(); // SIGTERM: the writer's own shutdown
            w.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(240)
    void aFollowOfARegionWhoseWriterDiedSaysSoOnceCaughtUp() throws Exception {
        Path region = tmp.resolve("died");
        RegionLayout layout = new RegionLayout(region);
        Process w = start("sim", "simulate", "--dir", region.toString(), "--duration", "120s");
        try {
            await().alias("the writer has the region open")
                    .atMost(Duration.ofSeconds(90))
                    .failFast("the writer ended (see sim.err)", () -> !w.isAlive())
                    .until(() -> Files.exists(layout.status())
                            && !RegionStatus.read(layout.status()).clean()
                            && hasQueueFile(layout.journal()));
        } finally {
            w.destroyForcibly(); // SIGKILL: the region stays open, its writer gone
            w.waitFor(60, TimeUnit.SECONDS);
        }
        JarRunner.Result stats = JarRunner.jar(tmp, 120, "stats", region.toString());
        assertThat(stats.out())
                .as("stats names the dead writer as audit does")
                .contains("region NOT CLOSED CLEANLY: its writer died (pid " + w.pid() + " is gone); run `framejournal"
                        + " recover`");
        Process follow = start("dead", "audit", region.toString(), "--follow");
        try {
            await().alias("the follower's status line says the writer died")
                    .atMost(Duration.ofSeconds(90))
                    .failFast("the follower ended (see dead.err)", () -> !follow.isAlive())
                    .until(() -> read("dead.err")
                            .contains("; caught up: the writer died (pid " + w.pid()
                                    + " is gone), so nothing more comes until `framejournal recover " + region + "`"));
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(follow.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(follow.waitFor(60, TimeUnit.SECONDS))
                    .as("SIGINT ends the follow")
                    .isTrue();
        } finally {
            follow.destroyForcibly();
        }
        assertThat(follow.exitValue()).isEqualTo(130);
        assertThat(read("dead.err")).contains("framejournal: stopped following (interrupted): ");
        assertThat(read("dead.out")).startsWith("audit " + region + ": ");
    }

    private static boolean hasQueueFile(Path journal) throws IOException {
        if (!Files.isDirectory(journal)) {
            return false;
        }
        try (var files = Files.list(journal)) {
            return files.anyMatch(p -> p.toString().endsWith(".cq4"));
        }
    }
}
