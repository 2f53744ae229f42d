package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.RegionException;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.RegionChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that fills its disk: {@code simulate} on an 8 MiB tmpfs ends with one line on stderr (no stack traces from
 * its writer threads), and the region, copied to a bigger disk, is recovered or salvaged to a table that equals its
 * journal. Needs root to mount the tmpfs (CI and the development machines run as root); skipped otherwise.
 */
class FullDiskCliTest {
    @TempDir
    Path tmp;

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void aFullDiskEndsTheWriterWithOneLineAndTheRegionIsRecoverable() throws Exception {
        Path fs = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", fs.toString()),
                "cannot mount a tmpfs here (needs root): full-disk test skipped");
        Path copy = tmp.resolve("big/region");
        try {
            Result r = JarRunner.jar(
                    JarRunner.root(),
                    120,
                    "simulate",
                    "--dir",
                    fs.resolve("region").toString(),
                    "--max-paddr",
                    "0x400000",
                    "--duration",
                    "60s",
                    "--threads",
                    "2",
                    "--seed",
                    "5");
            assertThat(r.exit()).as("stdout: %s%nstderr: %s", r.out(), r.err()).isEqualTo(2);
            List<String> err = r.err().lines().toList();
            assertThat(err)
                    .as("stderr")
                    .isNotEmpty()
                    .allMatch(l -> l.startsWith("framejournal:"))
                    .noneMatch(l -> l.contains("\tat ") || l.contains("Exception in thread"));
            FileHashes.copyTree(fs.resolve("region"), copy);
        } finally {
            run("umount", "-l", fs.toString());
        }
        RecoveryReport report;
        try {
            report = MetaRegion.recover(copy, false);
        } catch (RegionException refused) {
            assertThat(refused.getMessage()).contains("--salvage");
            report = MetaRegion.recover(copy, false, true);
            assertThat(report.verdict()).isEqualTo(RecoveryReport.SALVAGED);
        }
        assertThat(RegionChecks.tableVersusReplay(copy)).isEmpty();
        Result audit = JarRunner.jar(JarRunner.root(), 60, "audit", copy.toString());
        assertThat(audit.out()).contains("divergence:    0 slot(s)");
        assertThat(audit.err()).isEmpty();
    }
}
