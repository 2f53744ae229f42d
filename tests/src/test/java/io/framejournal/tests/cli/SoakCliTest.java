package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.JournalIndex;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: {@code framejournal simulate} with checkpoints and retention, SIGKILLed at a random moment, then recovered
 * and audited from the newest checkpoint. The suite runs a short version (a steady 2,500 operations/s on one-second
 * queue files for about a minute); {@code -Dframejournal.soak.full=true} runs the issue's: 30 minutes on a default-size
 * region at full speed, 5-minute files, a checkpoint every 30 s, 3 kept (figures in docs/RELIABILITY.md).
 *
 * <p>Figures are printed (disk use over time, recovery and audit time), never asserted; the test asserts what must
 * hold: the disk use stops growing, recovery is verified and consistent, the audit reads to its end.
 */
class SoakCliTest {
    private static final boolean FULL = Boolean.getBoolean("framejournal.soak.full");

    @TempDir
    Path tmp;

    @Test
    void aKilledSoakRecoversFromItsCheckpointWithItsDiskUsePlateaued() throws Exception {
        long seed = Long.getLong("framejournal.soak.seed", System.nanoTime() & 0xffff);
        SplittableRandom random = new SplittableRandom(seed);
        long runSeconds = FULL ? 1800 : Long.getLong("framejournal.soak.seconds", 45);
        long killAt = runSeconds * 2 / 3 + random.nextLong(Math.max(1, runSeconds / 3));
        Path dir = tmp.resolve("soak");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                "-jar",
                JarRunner.jar().toString(),
                "simulate",
                "--dir",
                dir.toString(),
                "--duration",
                (runSeconds + 600) + "s",
                "--seed",
                Long.toString(seed),
                "--leak-rate",
                "0.001",
                "--retain",
                "3"));
        if (FULL) {
            cmd.addAll(List.of("--threads", "2", "--checkpoint-every", "30s"));
        } else {
            cmd.addAll(List.of(
                    "--max-paddr",
                    "0x4000000",
                    "--rate",
                    "2500",
                    "--roll-cycle",
                    "test-1s",
                    "--checkpoint-every",
                    "3s"));
        }
        Path err = tmp.resolve("simulate.err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve("simulate.out").toFile())
                .redirectError(err.toFile())
                .start();
        List<long[]> samples = new ArrayList<>(); // seconds, KiB on disk, journal files
        long t0 = System.nanoTime();
        try {
            long[] next = {0};
            // samples the disk use every few seconds until the kill time; fails at once if simulate stops early
            await("the kill time, " + killAt + " s")
                    .atMost(Duration.ofSeconds(killAt + 120))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("simulate stopped early", () -> assertThat(p.isAlive())
                            .as("simulate stopped early: %s", Files.readString(err, StandardCharsets.UTF_8))
                            .isTrue())
                    .until(() -> {
                        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                        if (elapsed < killAt && elapsed >= next[0] && Files.isDirectory(dir.resolve("journal"))) {
                            samples.add(new long[] {elapsed, diskKiB(dir), journalFiles(dir)});
                            next[0] = elapsed + Math.max(1, runSeconds / 20);
                        }
                        return elapsed >= killAt;
                    });
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        samples.add(new long[] {killAt, diskKiB(dir), journalFiles(dir)});

        // the same recovery twice: first of a copy in a JVM where no region was opened yet (class loading, JIT), then
        // of the region itself, warm, as an embedding simulator that recovers in-process would see it
        Path copy = tmp.resolve("soak-copy");
        FileHashes.copyTree(dir, copy);
        long c0 = System.nanoTime();
        MetaRegion.recover(copy, false);
        long coldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0);
        long r0 = System.nanoTime();
        RecoveryReport rec = MetaRegion.recover(dir, false);
        long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0);
        long a0 = System.nanoTime();
        AuditReport audit = new Auditor(RegionInput.open(dir), JournalIndex.NONE, 100, Auditor.Start.NEWEST_CHECKPOINT)
                .run(Progress.none());
        long auditMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a0);

        StringBuilder figures = new StringBuilder("soak (" + (FULL ? "full" : "short") + ", seed " + seed
                + "): killed at " + killAt + " s\n  disk use over time (s, KiB, journal files):");
        for (long[] s : samples) {
            figures.append(String.format("%n    %5d s %10d KiB %4d files", s[0], s[1], s[2]));
        }
        figures.append(String.format(
                "%n  recovery: %d ms warm, %d ms in a fresh JVM (%s, from checkpoint %s, %d records replayed)%n"
                        + "  audit --since-checkpoint: %d ms"
                        + " (%d records in all, %d findings)",
                recoveryMs,
                coldMs,
                rec.verdict(),
                JournalIndex.format(rec.checkpointIndex()),
                rec.recordsScanned(),
                auditMs,
                audit.records(),
                audit.findings()));
        System.out.println(figures);

        assertThat(rec.verdict()).isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(rec.checkpointIndex())
                .as("recovery started from a checkpoint")
                .isNotEqualTo(JournalIndex.NONE);
        assertThat(RegionChecks.tableVersusReplay(dir)).isEmpty();
        assertThat(audit.checkpointIndex()).isNotEqualTo(JournalIndex.NONE);
        assertThat(audit.stopReason()).isNull();
        assertThat(audit.checkpointFindings()).isEmpty();
        assertThat(audit.warnings()).isEmpty();
        // the plateau: the second half of the run holds no more than the first half's peak, give or take a file, or
        // (the short run, whose first half may end before retention has run long enough, on a loaded machine) than
        // the files the kept checkpoints span: 3 checkpoints 3 s apart over 1-second files, plus one in progress and
        // a slow checkpoint's worth; without retention a file a second would pile up past it
        long steadyFiles = FULL ? 4 : 3 * 3 + 5;
        long firstHalfPeak = 0;
        long secondHalfPeak = 0;
        for (long[] s : samples) {
            if (s[0] <= killAt / 2) {
                firstHalfPeak = Math.max(firstHalfPeak, s[2]);
            } else {
                secondHalfPeak = Math.max(secondHalfPeak, s[2]);
            }
        }
        assertThat(secondHalfPeak)
                .as("journal files stop growing once retention runs: %s", figures)
                .isLessThanOrEqualTo(Math.max(firstHalfPeak + 2, steadyFiles));
    }

    private static long diskKiB(Path dir) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-sk", dir.toString()).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        du.waitFor(30, TimeUnit.SECONDS);
        return out.isBlank() ? -1 : Long.parseLong(out.strip().split("\\s+")[0]);
    }

    private static long journalFiles(Path dir) throws IOException {
        try (var s = Files.list(dir.resolve("journal"))) {
            return s.filter(f -> f.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
