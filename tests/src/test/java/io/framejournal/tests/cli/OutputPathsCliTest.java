package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.Cycles;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the commands write, through the real jar: {@code report -o} into a FIFO, through a symbolic link, to standard
 * output, never over a directory; {@code retain --archive} never inside the region; errors that say why a path
 * failed; a non-ASCII path under the C locale.
 */
class OutputPathsCliTest {
    private static final String HTML_START = "<!DOCTYPE html>";

    @TempDir
    Path tmp;

    Path sample;

    @BeforeEach
    void copySample() throws IOException {
        sample = tmp.resolve("sample");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), sample);
    }

    private Result run(String... args) {
        return JarRunner.jar(tmp, 120, args);
    }

    private static void assertOneLineError(Result r, String expected) {
        JarRunner.assertOneLineError(r, expected);
        assertThat(r.err()).doesNotContain("Exception");
    }

    /** Files whose name marks them as a half-written report ({@code .NAME.<hex>.tmp}). */
    private static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aReportIntoAFifoIsReadFromItAndTheFifoStays() throws Exception {
        Path fifo = tmp.resolve("report.fifo");
        Result made = JarRunner.exec(tmp, 10, List.of("mkfifo", fifo.toString()));
        assumeTrue(made.exit() == 0, "mkfifo is not available: " + made.err());
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo); // blocks until the report opens the FIFO, then reads to its close
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Result r = run("report", "sample", "-o", fifo.toString());
        if (!read.isDone()) {
            // the report never opened the FIFO: open and close it ourselves, so that the reader sees the end
            try (OutputStream unblock = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                unblock.flush();
            }
        }
        byte[] html = read.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(new String(html, StandardCharsets.UTF_8))
                .startsWith(HTML_START)
                .endsWith("</html>\n");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS))
                .as("the FIFO was written into, not replaced")
                .isFalse();
        assertThat(Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .as("still a FIFO")
                .satisfies(mode -> assertThat(((Integer) mode) & 0170000).isEqualTo(0010000));
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void aSymbolicLinkIsFollowedToItsTarget() throws IOException {
        Path reports = Files.createDirectories(tmp.resolve("reports"));
        Path real = Files.writeString(reports.resolve("real.html"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.html"), Path.of("reports/real.html"));
        Result r = run("report", "sample", "-o", "link.html");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("reports/real.html"));
        assertThat(Files.readString(real)).startsWith(HTML_START);
        assertThat(r.out()).contains("-> " + real.toRealPath());
        assertThat(leftovers(reports)).isEmpty();
        assertThat(leftovers(tmp)).isEmpty();

        // a link to a file not made yet: the file is made where the link leads
        Path dangling = Files.createSymbolicLink(tmp.resolve("next.html"), Path.of("reports/next.html"));
        Result next = run("report", "sample", "-o", "next.html");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(Files.readString(reports.resolve("next.html"))).startsWith(HTML_START);

        // a link into the region is writing into the region
        Files.createSymbolicLink(tmp.resolve("sneaky.html"), sample.resolve("report.html"));
        assertOneLineError(run("report", "sample", "-o", "sneaky.html"), "inside the region");
        assertThat(sample.resolve("report.html")).doesNotExist();
    }

    @Test
    void dashIsStandardOutput() {
        Result r = run("report", "sample", "-o", "-");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .as("standard output holds the HTML alone")
                .startsWith(HTML_START)
                .endsWith("</html>\n");
        assertThat(tmp.resolve("-")).doesNotExist();
        assertOneLineError(run("report", "sample", "-o", "-", "--json"), "both write to standard output");
        assertOneLineError(run("export", "sample", "--to", "-"), "writes a directory of tables");
        assertThat(tmp.resolve("-")).doesNotExist();
    }

    @Test
    void aDirectoryIsRefusedAndLeftAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        assertOneLineError(run("report", "sample", "-o", "out"), "is a directory");
        assertThat(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(dir.resolve("keep.txt"))).isEqualTo("mine");
        assertThat(leftovers(tmp)).isEmpty();
    }

    @Test
    void aPathUnderARegularFileSaysWhy() throws IOException {
        Files.writeString(tmp.resolve("afile"), "x");
        Result sim = run("simulate", "--dir", "afile/x", "--ops", "10");
        // a DIR argument is checked as it is parsed: the file in the way is named
        assertOneLineError(sim, "'afile/x' cannot be a directory: ");
        assertThat(sim.err()).contains("afile is a file; give a path under a directory");
        assertOneLineError(run("report", "sample", "-o", "afile/r.html"), "exists and is not a directory");
        assertOneLineError(run("export", "sample", "--to", "afile/x"), "afile is a file");
        assertThat(Files.readString(tmp.resolve("afile"))).isEqualTo("x");
    }

    @Test
    void anArchiveInsideTheRegionIsRefusedAndNothingChanges() throws IOException {
        Path region = tmp.resolve("r");
        String[] sim = {"simulate", "--dir", "r", "--max-paddr", "0x400000", "--roll-cycle", "test-1s", "--ops", "800"};
        Result first = run(sim);
        assertThat(first.exit()).as(first.err()).isZero();
        Cycles.awaitNextSecond(); // the second session lands in a queue file of its own
        Result second = run("simulate", "--dir", "r", "--ops", "800");
        assertThat(second.exit()).as(second.err()).isZero();
        Result cp = run("checkpoint", "r");
        assertThat(cp.exit()).as(cp.err()).isZero();
        Map<String, String> before = FileHashes.of(region);
        Files.createSymbolicLink(tmp.resolve("into-region"), region.resolve("journal"));
        for (String archive : new String[] {"r/journal", "r", "r/archive", "into-region"}) {
            assertOneLineError(
                    run("retain", "r", "--keep-checkpoints", "1", "--archive", archive), "is inside the region");
            assertThat(FileHashes.of(region))
                    .as("--archive %s changed nothing", archive)
                    .isEqualTo(before);
        }
        assertThat(region.resolve("journal/journal")).doesNotExist();
        assertThat(region.resolve("archive")).doesNotExist();

        // outside the region the same retention goes ahead: the first session's file is archived
        Result ok = run("retain", "r", "--keep-checkpoints", "1", "--archive", "retired");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).containsPattern("[1-9][0-9]* journal file\\(s\\) archived to retired");
    }

    @Test
    void aRegionWhoseJournalIsALinkToAnotherDiskGetsNoOutputInIt() throws IOException {
        // the journal kept elsewhere (another disk), the region's journal/ a symbolic link to it: the outputs that must
        // land outside the region were written into that journal directory (found 2026-11-28)
        Path journal = Files.createDirectories(tmp.resolve("other-disk")).resolve("journal");
        Files.move(sample.resolve("journal"), journal);
        Files.createSymbolicLink(sample.resolve("journal"), journal);
        Map<String, String> before = FileHashes.of(journal);

        assertOneLineError(
                run("report", "sample", "-o", journal.resolve("r.html").toString()), "is inside the region");
        assertOneLineError(
                run("export", "sample", "--to", journal.resolve("tables").toString()), "is inside the region");
        assertOneLineError(
                run("retain", "sample", "--archive", journal.resolve("old").toString()), "is inside the region");
        assertThat(FileHashes.of(journal))
                .as("nothing written into the journal")
                .isEqualTo(before);

        // the region reads through the link as it did before
        Result audit = run("audit", "sample");
        assertThat(audit.exit()).as(audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains("9 handle group(s)");
    }

    @Test
    void aReportIsWrittenWhenTheTemporaryDirectoryIsMissing() {
        // ImageIO cached the memory map's PNG in java.io.tmpdir: "I/O error: IIOException: Can't create cache file!"
        List<String> cmd = new java.util.ArrayList<>(JarRunner.command(
                "report", "sample", "-o", tmp.resolve("r.html").toString()));
        cmd.add(1, "-Djava.io.tmpdir=" + tmp.resolve("no-such-tmp"));
        Result r = JarRunner.exec(tmp, 120, cmd);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(tmp.resolve("r.html")).content().startsWith(HTML_START);
    }

    @Test
    void exportAndSqlSayInOneLineThatTheTemporaryDirectoryCannotTakeTheirNativeLibraries() throws IOException {
        // zstd-jni (Parquet) and DuckDB's driver (sql, CSV) unpack their native libraries into java.io.tmpdir: export
        // failed with "NoClassDefFoundError: Could not initialize class com.github.luben.zstd.ZstdCompressCtx", sql
        // with "cannot create a temporary directory: …-spill-…: no such file or directory", neither saying what to do
        Path missing = tmp.resolve("no-such-tmp");
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        String out = tmp.resolve("tables").toString();
        for (Map.Entry<Path, String> javaTmp : Map.of(missing, "it does not exist", file, "it is not a directory")
                .entrySet()) {
            for (List<String> args : List.of(
                    List.of("export", "sample", "--to", out),
                    List.of("export", "sample", "--format", "csv", "--to", out),
                    List.of("sql", "sample", "select count(*) from events"))) {
                List<String> cmd = new java.util.ArrayList<>(JarRunner.command(args.toArray(String[]::new)));
                cmd.add(1, "-Djava.io.tmpdir=" + javaTmp.getKey());
                Result r = JarRunner.exec(tmp, 120, cmd);
                assertOneLineError(r, args.get(0) + " cannot unpack ");
                assertThat(r.err())
                        .as("%s with java.io.tmpdir %s", args, javaTmp.getKey())
                        .contains(args.contains("csv") ? "DuckDB's native library" : " native librar")
                        .contains(" into java.io.tmpdir " + javaTmp.getKey() + " (" + javaTmp.getValue() + "): give"
                                + " another with FRAMEJOURNAL_JAVA_OPTS=-Djava.io.tmpdir=DIR");
            }
        }
        assertThat(tmp.resolve("tables")).as("nothing exported").doesNotExist();
        assertThat(missing).doesNotExist();

        // given one that works, the same export is written
        List<String> cmd = new java.util.ArrayList<>(JarRunner.command("export", "sample", "--to", out));
        cmd.add(1, "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("java-tmp")));
        Result r = JarRunner.exec(tmp, 120, cmd);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(tmp.resolve("tables/events")).isDirectory();
    }

    @Test
    void exportAndSqlRefuseATemporaryDirectoryMountedNoexec() throws Exception {
        // a tmpdir on a noexec mount passed the check (it exists and is writable), and the native library unpacked
        // there then failed to load: "NoClassDefFoundError: Could not initialize class …ZstdCompressCtx" again
        Path noexec = Files.createDirectories(tmp.resolve("noexec tmp"));
        assumeTrue(
                JarRunner.succeeds("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "tmpfs", noexec.toString()),
                "cannot mount a tmpfs here (needs root): noexec test skipped");
        try {
            String out = tmp.resolve("tables").toString();
            for (List<String> args : List.of(
                    List.of("export", "sample", "--to", out),
                    List.of("sql", "sample", "select count(*) from events"))) {
                List<String> cmd = new java.util.ArrayList<>(JarRunner.command(args.toArray(String[]::new)));
                cmd.add(1, "-Djava.io.tmpdir=" + noexec);
                Result r = JarRunner.exec(tmp, 120, cmd);
                assertOneLineError(r, args.get(0) + " cannot unpack ");
                assertThat(r.err())
                        .as("%s with java.io.tmpdir on a noexec mount", args)
                        .contains(" into java.io.tmpdir " + noexec + " (it is on " + noexec
                                + ", mounted noexec: a native library unpacked there cannot be loaded): give another");
            }
            assertThat(tmp.resolve("tables")).as("nothing exported").doesNotExist();
        } finally {
            JarRunner.succeeds("umount", noexec.toString());
        }
    }

    @Test
    void aNonAsciiPathUnderTheCLocale() throws IOException {
        assumeTrue(
                "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                "the test JVM itself cannot name the directory");
        Result locales = JarRunner.exec(tmp, 10, List.of("locale", "-a"));
        assumeTrue(
                locales.exit() == 0
                        && locales.out().toLowerCase(java.util.Locale.ROOT).contains(".utf"),
                "no UTF-8 locale is installed");
        Path odd = tmp.resolve("région à espace");
        FileHashes.copyTree(sample, odd);
        Map<String, String> c = Map.of("LC_ALL", "C", "LANG", "C");

        // the launcher runs the JVM under a UTF-8 locale: the name works
        Result viaLauncher = JarRunner.exec(
                tmp,
                120,
                List.of("bash", JarRunner.root().resolve("bin/framejournal").toString(), "stats", odd.toString()),
                Map.of("LC_ALL", "C", "LANG", "C", "FRAMEJOURNAL_NO_BUILD", "1", "FRAMEJOURNAL_NO_CDS", "1"));
        assertThat(viaLauncher.exit()).as(viaLauncher.err()).isZero();
        assertThat(viaLauncher.out()).contains("events");

        // the JVM started directly under the C locale cannot encode the name: one line that names the cause
        List<String> direct = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                "-jar",
                JarRunner.jar().toString(),
                "stats",
                odd.toString());
        Result bare = JarRunner.exec(tmp, 120, direct, c);
        assertOneLineError(bare, "cannot be used as a file name under the current locale");
        assertThat(bare.err()).contains("LC_ALL=C.UTF-8").doesNotContain("java.");
    }
}
