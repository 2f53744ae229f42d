package io.framejournal.tests.cli;

import static io.framejournal.tests.cli.JarRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region the user cannot write: on a read-only bind mount (needs root to mount), or owned by someone else with mode
 * 0555/0444 (needs a user that is not root: root writes whatever the mode). Every read-only command works on it and
 * says what it says on a writable copy, nothing in it changes, and every writing command fails in one line naming the
 * region's files and the reason, never a temporary file the user never made.
 */
class ReadOnlyRegionCliTest {
    @TempDir
    Path tmp;

    Path region;

    @BeforeEach
    void aSampleWithACheckpointsDirectory() throws IOException {
        region = tmp.resolve("region");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), region);
        // where `checkpoint` makes its temporary file: the write fails there, not at making the directory
        Files.createDirectories(region.resolve("checkpoints"));
    }

    /** What a write refused for want of access says to do. */
    private static final String WRITE_ACCESS =
            "writing to a region needs write access to it: run this as its owner, or on a writable copy of it";

    private Result run(String... args) {
        return JarRunner.jar(tmp, 120, args);
    }

    @Test
    void onAReadOnlyBindMountTheReadOnlyCommandsWorkAndTheWritingOnesRefuseInOneLine() throws IOException {
        Path mounted = Files.createDirectories(tmp.resolve("ro"));
        assumeTrue(
                JarRunner.succeeds("mount", "--bind", region.toString(), mounted.toString()),
                "cannot bind-mount here (needs root): read-only mount test skipped");
        try {
            assertThat(JarRunner.succeeds("mount", "-o", "remount,ro,bind", mounted.toString()))
                    .as("remount read-only")
                    .isTrue();
            readOnlyCommandsWorkAndWritingOnesRefuse(mounted, "read-only file system");
        } finally {
            assertThat(JarRunner.succeeds("umount", mounted.toString()))
                    .as("umount")
                    .isTrue();
        }
    }

    @Test
    void asAUserWhoCannotWriteItTheReadOnlyCommandsWorkAndTheWritingOnesRefuseInOneLine() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(region)) {
            all = s.toList();
        }
        for (Path p : all) {
            Files.setPosixFilePermissions(
                    p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
        }
        try {
            assumeFalse(Files.isWritable(region), "running as root: modes do not stop writes, so this case is skipped");
            readOnlyCommandsWorkAndWritingOnesRefuse(region, "permission denied");
        } finally {
            for (Path p : all) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    @Test
    void aRegionTheUserMayNotSearchIsUnreadableNotNoRegion() throws IOException {
        // what a writer under umask 077 leaves another user: a directory it may not enter
        Files.setPosixFilePermissions(region, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(
                    Files.isReadable(region.resolve("region.conf")),
                    "running as root: modes do not stop reads, so this case is skipped");
            for (String command : List.of("audit", "stats", "recover")) {
                Result r = run(command, region.toString());
                assertOneLineError(r, "cannot read " + region.resolve("region.conf") + ": permission denied");
                assertThat(r.err()).as(command).doesNotContain("is not a FrameJournal region");
            }
        } finally {
            Files.setPosixFilePermissions(region, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private void readOnlyCommandsWorkAndWritingOnesRefuse(Path dir, String reason) throws IOException {
        Map<String, String> before = FileHashes.of(dir);
        String d = dir.toString();

        Result audit = run("audit", d);
        assertThat(audit.exit()).as(audit.err()).isEqualTo(1); // the sample's injected leaks
        assertThat(audit.err()).isEmpty();
        assertThat(audit.out()).contains("closed cleanly").contains("9 handle group(s)");
        for (List<String> args : List.of(
                List.of("stats", d),
                List.of("state", d),
                List.of("history", d, "--paddr", "0x1000"),
                List.of("dump", d, "--limit", "3"),
                List.of("diff", d, JarRunner.root().resolve("data/sample").toString()),
                List.of("report", d, "-o", tmp.resolve("report.html").toString()),
                List.of("sql", d, "select count(*) from events"))) {
            Result r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.err()).as("%s", args).isEmpty();
        }

        for (List<String> args : List.of(List.of("recover", d), List.of("simulate", "--dir", d, "--ops", "10"))) {
            Result r = run(args.toArray(String[]::new));
            assertOneLineError(r, "cannot lock region " + dir + ": " + dir.resolve("region.lock") + ": " + reason);
            assertThat(r.err()).as("%s names no temporary file", args).doesNotContain(".tmp");
            assertThat(r.err()).as("%s says what to do", args).contains(WRITE_ACCESS);
        }
        // the write failed making its temporary file in the checkpoints directory: that directory is what cannot be
        // written (it named `.<checkpoint>.tmp-<pid>`)
        Result checkpoint = run("checkpoint", d);
        assertOneLineError(checkpoint, dir.resolve("checkpoints") + ": " + reason + "; " + WRITE_ACCESS);
        assertThat(checkpoint.err()).doesNotContain(".tmp");

        assertThat(FileHashes.of(dir)).as("nothing in the region changed").isEqualTo(before);
    }
}
