package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.RegionLayout;
import io.framejournal.tests.support.Cycles;
import io.framejournal.tests.support.FileHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code checkpoint}, {@code audit --since-checkpoint}, {@code retain} and an archive, through the real jar. */
class CheckpointCliTest {
    @TempDir
    static Path tmp;

    static Path region;

    @BeforeAll
    static void aRegionOnOneSecondFiles() {
        region = tmp.resolve("r");
        JarRunner.Result sim = JarRunner.jar(
                tmp,
                120,
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x400000",
                "--roll-cycle",
                "test-1s",
                "--ops",
                "1500",
                "--seed",
                "3",
                "--leak-rate",
                "0.02");
        assertThat(sim.exit()).as(sim.err()).isZero();
        Cycles.awaitNextSecond(); // the next session lands in a queue file of its own
    }

    @Test
    void checkpointThenAuditTheSuffixThenRetireTheRest() throws InterruptedException {
        JarRunner.Result cp = JarRunner.jar(tmp, 120, "checkpoint", region.toString());
        assertThat(cp.exit()).as(cp.err()).isZero();
        assertThat(cp.out())
                .startsWith("checkpoint " + region + ": wrote checkpoints/")
                .contains(" at index 0x");
        assertThat(cp.err()).isEmpty();

        JarRunner.Result again = JarRunner.jar(tmp, 120, "checkpoint", region.toString());
        assertThat(again.out()).contains("nothing new since the checkpoint at 0x");

        JarRunner.Result more = JarRunner.jar(
                tmp,
                120,
                "simulate",
                "--dir",
                region.toString(),
                "--ops",
                "1500",
                "--seed",
                "4",
                "--leak-rate",
                "0.02");
        assertThat(more.exit()).as(more.err()).isZero();

        JarRunner.Result whole = JarRunner.jar(tmp, 120, "audit", region.toString());
        JarRunner.Result suffix = JarRunner.jar(tmp, 120, "audit", "--since-checkpoint", region.toString());
        assertThat(suffix.exit()).isEqualTo(whole.exit()).isEqualTo(1); // leaks were injected
        assertThat(suffix.out()).contains("replayed from: the checkpoint at 0x");
        assertThat(firstLine(suffix.out())).isEqualTo(firstLine(whole.out()));

        Map<String, String> before = FileHashes.of(region);
        JarRunner.Result json = JarRunner.jar(tmp, 120, "audit", "--since-checkpoint", "--json", region.toString());
        assertThat(json.out()).contains("\"checkpoint\"").contains("\"checkpoints\"");
        assertThat(FileHashes.of(region)).as("audit changes nothing").isEqualTo(before);

        JarRunner.Result second = JarRunner.jar(tmp, 120, "checkpoint", region.toString());
        assertThat(second.out()).contains(": wrote checkpoints/");
        Path archive = tmp.resolve("retired");
        JarRunner.Result retain = JarRunner.jar(
                tmp, 120, "retain", region.toString(), "--keep-checkpoints", "1", "--archive", archive.toString());
        assertThat(retain.exit()).as(retain.err()).isZero();
        assertThat(retain.out()).contains("archived to " + archive).contains("\n  retired ");
        JarRunner.Result after = JarRunner.jar(tmp, 120, "audit", region.toString());
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.out()).contains("replayed from: the checkpoint at 0x");
        assertThat(after.err()).contains("early files were retired");
        assertThat(firstLine(after.out())).isEqualTo(firstLine(whole.out()));

        JarRunner.Result old = JarRunner.jar(tmp, 120, "stats", archive.toString());
        assertThat(old.exit()).as(old.err()).isZero();
        assertThat(old.out()).contains("events").contains("region an archive of retired journal files");
        assertThat(archive.resolve(RegionLayout.SITES))
                .as("the archive keeps a copy of the call-site table")
                .hasSameBinaryContentAs(new RegionLayout(region).sites());

        Map<String, String> archived = FileHashes.of(archive);
        JarRunner.Result audit = JarRunner.jar(tmp, 120, "audit", archive.toString(), "--json");
        assertThat(audit.err())
                .as("no warning of a missing slot table: an archive has none")
                .isEmpty();
        assertThat(audit.exit()).isIn(0, 1);
        assertThat(audit.out()).contains("\"archive\": true").contains("\"writer\": null");
        JarRunner.Result history = JarRunner.jar(tmp, 120, "history", archive.toString(), "--frame", "3");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).doesNotContain("chain is broken").doesNotContain("framejournal-archive-");
        for (String[] args : new String[][] {
            {"checkpoint", archive.toString()},
            {"recover", archive.toString()},
            {"simulate", "--dir", archive.toString(), "--ops", "10"},
        }) {
            JarRunner.Result r = JarRunner.jar(tmp, 60, args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).contains(archive + " is an archive of retired journal files");
        }
        assertThat(FileHashes.of(archive))
                .as("nothing is written to an archive")
                .isEqualTo(archived);
    }

    @Test
    void badOptionsAreOneLineErrors() throws Exception {
        for (String[] args : new String[][] {
            {"checkpoint", region.toString(), "--every", "soon"},
            {"checkpoint", region.toString(), "--keep", "0"},
            {"retain", region.toString(), "--max-journal", "lots"},
            {"retain", region.toString(), "--keep-checkpoints", "0"},
            {"simulate", "--dir", tmp.resolve("x").toString(), "--retain", "3"},
            {"checkpoint", tmp.resolve("missing").toString()},
        }) {
            JarRunner.Result r = JarRunner.jar(tmp, 60, args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(Files.exists(tmp.resolve("x"))).isFalse();
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").replaceAll(" in .*", "");
    }
}
