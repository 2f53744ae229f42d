package io.framejournal.tests.cli;

import static io.framejournal.tests.cli.JarRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input through the real jar: one line on stderr, exit 2, never a stack trace; partial reports where possible. */
class BadInputCliTest {
    @TempDir
    Path tmp;

    Path sample;

    @BeforeEach
    void copySample() throws IOException {
        sample = tmp.resolve("sample");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), sample);
    }

    private Result run(String... args) {
        return JarRunner.jar(tmp, 60, args);
    }

    @Test
    void missingDirectory() {
        assertOneLineError(run("audit", "nowhere"), "does not exist");
    }

    @Test
    void emptyDirectoryAndNotARegion() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(run("audit", "empty"), "is not a FrameJournal region");
        Files.writeString(tmp.resolve("file"), "hello");
        assertOneLineError(run("stats", "file"), "is not a directory");
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertThat(Files.createDirectories(other.resolve("journal"))).isDirectory();
        Files.write(other.resolve("region.conf"), new byte[] {0, 1, (byte) 0xff, (byte) 0xfe, 'x'});
        assertOneLineError(run("dump", "other"), "is not a FrameJournal region");
    }

    @Test
    void unknownFormatVersion() throws IOException {
        Path conf = sample.resolve("region.conf");
        Files.writeString(conf, Files.readString(conf).replace("format=2", "format=7"));
        assertOneLineError(run("audit", "sample"), "format version 7");
    }

    @Test
    void anAtOutsideTheJournalIsBadUsageNotTheEnd() {
        assertOneLineError(run("audit", "sample", "--at", "-1"), "is not a journal index");
        assertOneLineError(run("audit", "sample", "--at", "0x8000000000000000"), "is not a journal index");
        assertOneLineError(run("audit", "sample", "--at", "0"), "is outside the journal");
        assertOneLineError(run("state", "sample", "--at", "0x7fffffffffffffff"), "is outside the journal");
    }

    @Test
    void aChangedGeometryInRegionConfIsRefusedByReadOnlyCommands() throws IOException {
        Path conf = sample.resolve("region.conf");
        Files.writeString(conf, Files.readString(conf).replace("maxPaddr=0x400000", "maxPaddr=0x800000"));
        assertOneLineError(run("audit", "sample"), "region.conf was changed");
        assertOneLineError(run("stats", "sample"), "region.conf was changed");
    }

    @Test
    void journalMissing() throws IOException {
        try (Stream<Path> files = Files.list(sample.resolve("journal"))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        assertOneLineError(run("history", "sample", "--frame", "1"), "holds no journal files");
    }

    @Test
    void truncatedJournalIsReportedUpToWhereReadingStopped() throws IOException {
        Path cq4 = queueFile();
        long end = dataEnd(cq4);
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.setLength(end / 2);
        }
        Result r = run("audit", "sample");
        assertOneLineError(r, "journal reading stopped early");
        assertThat(r.out()).contains("reading STOPPED after").contains("the report covers what was read");
        assertOneLineError(run("dump", "sample"), "truncated");
        assertOneLineError(run("stats", "sample"), "truncated");
    }

    @Test
    void corruptJournalIsReportedUpToWhereReadingStopped() throws IOException {
        Path cq4 = queueFile();
        long end = dataEnd(cq4);
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.seek(end / 2);
            byte[] junk = new byte[256];
            java.util.Arrays.fill(junk, (byte) 0xAB);
            f.write(junk);
        }
        Result r = run("audit", "sample");
        assertOneLineError(r, "journal reading stopped early");
        assertThat(r.out()).contains("reading STOPPED after");
        Result diff = run("diff", "sample");
        assertThat(diff.exit()).isEqualTo(2);
        assertThat(diff.out())
                .as("the window's end is where reading stopped, not the region's recorded end alone")
                .containsPattern(
                        "^diff sample from the start to 0x[0-9a-f]+ \\(reading stopped after 0x[0-9a-f]+\\): ");
    }

    @Test
    void missingSlotTableStillAuditsTheJournalAndWarns() throws IOException {
        Files.delete(sample.resolve("slots.cm3"));
        Result r = run("audit", "sample");
        assertOneLineError(r, "slot table");
        assertThat(r.out())
                .contains("Outstanding obligations (leaks)")
                .contains("not checked: the slot table is missing");
        // stats counted from the journal too, but printed "0 B slot table" and exited 0 (found 2026-11-27)
        Result stats = run("stats", "sample");
        assertOneLineError(stats, "slot table");
        assertThat(stats.err()).contains("is missing").contains("cannot be opened or recovered");
        assertThat(stats.out()).contains("slots:   no slot table (missing)").doesNotContain("0 B slot table");
    }

    @Test
    void unreadableFiles() throws IOException {
        Path conf = sample.resolve("region.conf");
        Files.setPosixFilePermissions(conf, java.util.Set.of());
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(
                    Files.isReadable(conf), "running as root: permissions do not stop reads");
            assertOneLineError(run("audit", "sample"), "cannot read");
        } finally {
            Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void badUsage() {
        assertOneLineError(run("audit"), "Missing required parameter");
        assertOneLineError(run("audit", "sample", "--bogus"), "Unknown option");
        assertOneLineError(run("history", "sample", "--paddr", "0x1001"), "not page-aligned");
        assertOneLineError(run("history", "sample", "--paddr", "0x400000"), "outside the region");
        assertOneLineError(run("state", "sample", "--at", "zz"), "is neither a journal index");
        assertOneLineError(run("frobnicate"), "Unmatched argument");
        assertOneLineError(run("simulate", "--dir", "sample", "--max-paddr", "0x800000", "--ops", "1"), "maxPaddr");
    }

    @Test
    void aRegionWhoseNameStartsWithADashIsToldHowToGiveIt() throws IOException {
        // picocli read -dash as an option, none of the command's, and said only "Missing required parameter: 'DIR'"
        FileHashes.copyTree(sample, tmp.resolve("-dash"));
        Map<String, String> before = FileHashes.of(tmp.resolve("-dash"));
        String remedy =
                "-dash reads as an option, not as the directory of that name: write ./-dash, or put -- before it";
        assertOneLineError(run("audit", "-dash"), remedy + " (see `framejournal audit --help`)");
        assertOneLineError(run("recover", "-dash"), remedy + " (see `framejournal recover --help`)");
        assertOneLineError(run("sql", "-dash", "SELECT 1"), remedy + " (see `framejournal sql --help`)");
        assertOneLineError(run("diff", "sample", "-dash"), remedy + " (see `framejournal diff --help`)");
        for (String[] given : new String[][] {{"audit", "./-dash"}, {"audit", "--", "-dash"}}) {
            Result r = run(given);
            assertThat(r.exit()).as(r.err()).isEqualTo(1); // the sample's findings
            assertThat(r.out()).contains("Outstanding obligations (leaks)");
        }
        assertThat(FileHashes.of(tmp.resolve("-dash"))).isEqualTo(before);
    }

    @Test
    void theLauncherRunsTheJar() {
        Result r = JarRunner.exec(
                tmp,
                60,
                List.of("bash", JarRunner.root().resolve("bin/framejournal").toString(), "--version"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("framejournal ");
    }

    @Test
    void theLauncherAppliesJavaToolOptionsWithoutTheJvmsPickedUpLine() {
        // the JVM printed "Picked up JAVA_TOOL_OPTIONS: …" (the java launcher "NOTE: Picked up JDK_JAVA_OPTIONS: …")
        // before the command's one-line error
        List<String> audit = List.of(
                "bash",
                JarRunner.root().resolve("bin/framejournal").toString(),
                "audit",
                tmp.resolve("no-such-region").toString());
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            Result quiet = JarRunner.exec(
                    tmp, 60, audit, Map.of(variable, " -Dfj.unused=1\t -Dfj.unused2=2 ", "FRAMEJOURNAL_NO_BUILD", "1"));
            assertOneLineError(quiet, "no-such-region does not exist");

            // the options still apply: framejournal.debug=true prints the stack trace after the line
            Result debug = JarRunner.exec(
                    tmp, 60, audit, Map.of(variable, "-Dframejournal.debug=true", "FRAMEJOURNAL_NO_BUILD", "1"));
            assertThat(debug.exit()).as(variable).isEqualTo(2);
            assertThat(debug.err())
                    .as(variable)
                    .startsWith("framejournal: ")
                    .contains("\tat ")
                    .doesNotContain("Picked up");
        }
    }

    @Test
    void theLauncherNeverExpandsFramejournalJavaOptsAsAGlob() throws IOException {
        // the options were expanded unquoted: a word such as -Dfj.glob=* matched a file "-Dfj.glob=matched" in the
        // working directory and the JVM got the file's name instead
        Files.createFile(tmp.resolve("-Dfj.glob=matched"));
        Result r = JarRunner.exec(
                tmp,
                60,
                List.of("bash", JarRunner.root().resolve("bin/framejournal").toString(), "--version"),
                Map.of(
                        "FRAMEJOURNAL_JAVA_OPTS",
                        " -Dfj.glob=*\t -XshowSettings:properties ",
                        "FRAMEJOURNAL_NO_BUILD",
                        "1"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("framejournal ");
        assertThat(r.err())
                .as("the JVM's property listing")
                .contains("fj.glob = *")
                .doesNotContain("matched");
    }

    private Path queueFile() throws IOException {
        try (Stream<Path> s = Files.list(sample.resolve("journal"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Offset just past the last non-zero byte (queue files are zero-filled past their data). */
    private static long dataEnd(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        assertThat(new String(b, 0, Math.min(16, b.length), StandardCharsets.ISO_8859_1))
                .isNotEmpty();
        return end;
    }
}
