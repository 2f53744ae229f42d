package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.RegionChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that fills its disk: {@code simulate} on an 8 MiB tmpfs ends with one line on stderr (no stack traces from
 * its writer threads) naming the full disk; the call that found no room was refused before any byte of its record was
 * written, so every record in the journal is whole: {@code audit} reads the region on the still-full tmpfs to its end
 * (where reading a page the tmpfs cannot provide used to abort the JVM), and once the tmpfs has room again a plain
 * {@code recover} (no salvage) leaves a table that equals the journal. Needs root to mount the tmpfs (CI and the
 * development machines run as root); skipped otherwise.
 */
class FullDiskCliTest {
    @TempDir
    Path tmp;

    private static void assertOneLineErrors(Result r) {
        assertThat(r.err().lines().toList())
                .as("stderr of exit %d; stdout: %s", r.exit(), r.out())
                .hasSizeLessThanOrEqualTo(1)
                .allMatch(l -> l.startsWith("framejournal:"))
                .noneMatch(l -> l.contains("\tat ") || l.contains("Exception in thread"))
                .noneMatch(l -> l.contains("Exception:") || l.contains("Error:"));
    }

    @Test
    void aFullDiskRefusesTheCallThatFoundNoRoomAndTheJournalStaysWhole() throws Exception {
        Path fs = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(
                JarRunner.succeeds("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", fs.toString()),
                "cannot mount a tmpfs here (needs root): full-disk test skipped");
        Path region = fs.resolve("region");
        try {
            Result r = JarRunner.jar(
                    JarRunner.root(),
                    120,
                    "simulate",
                    "--dir",
                    region.toString(),
                    "--max-paddr",
                    "0x400000",
                    "--duration",
                    "60s",
                    "--threads",
                    "2",
                    "--seed",
                    "5");
            assertThat(r.exit()).as("stdout: %s%nstderr: %s", r.out(), r.err()).isEqualTo(2);
            assertThat(r.err()).as("stderr").isNotEmpty();
            assertOneLineErrors(r);

            Result full = JarRunner.jar(JarRunner.root(), 60, "audit", region.toString());
            assertThat(full.exit())
                    .as("audit on the full tmpfs: %s%n%s", full.out(), full.err())
                    .isIn(1, 2);
            assertOneLineErrors(full);
            assertThat(full.out())
                    .as("the journal is read to its end")
                    .doesNotContain("reading STOPPED")
                    .contains("divergence:    0 slot(s)");

            Result refused = JarRunner.jar(JarRunner.root(), 60, "recover", region.toString());
            assertThat(refused.exit())
                    .as("recover with no room: %s%n%s", refused.out(), refused.err())
                    .isEqualTo(2);
            assertOneLineErrors(refused);
            assertThat(refused.err()).contains("no space left on the journal's disk");

            assertThat(JarRunner.succeeds("mount", "-o", "remount,size=64m", fs.toString()))
                    .as("room again")
                    .isTrue();
            Result recovered = JarRunner.jar(JarRunner.root(), 60, "recover", region.toString());
            assertThat(recovered.exit())
                    .as("a plain recover: %s%n%s", recovered.out(), recovered.err())
                    .isZero();
            assertThat(recovered.out()).contains("marked clean").doesNotContain("salvage");
            assertThat(RegionChecks.tableVersusReplay(region)).isEmpty();
            Result audit = JarRunner.jar(JarRunner.root(), 60, "audit", region.toString());
            assertThat(audit.out()).contains("divergence:    0 slot(s)").contains("closed cleanly");
            assertThat(audit.err()).isEmpty();
        } finally {
            JarRunner.succeeds("umount", "-l", fs.toString());
        }
    }
}
