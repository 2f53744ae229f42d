package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.testsupport.DeadWriter;
import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * System calls failed under the real CLI with {@code strace -e inject=…:error=…}, each on one file ({@code -P}): the
 * command must say so in one line and exit non-zero, and never take a failed flush for a later success (found
 * 2026-11-27 by fault-injection testing). Skipped where strace is missing or cannot trace (no ptrace).
 */
class SyscallFaultCliTest {
    /** What a retention that stopped part-way says to do (the pass run again at the end of the test proves it safe). */
    private static final String RETAIN_AGAIN =
            "fix that and run `framejournal retain` again, which is safe: it goes on with what is left to retire";

    @TempDir
    Path tmp;

    private static boolean strace;

    @BeforeAll
    static void findStrace() {
        try {
            Process p = new ProcessBuilder("strace", "-f", "-qq", "-o", "/dev/null", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            strace = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            strace = false;
        }
    }

    /**
     * Runs the jar under strace, failing {@code syscall} with {@code errno} at its {@code when} (counted per thread) on
     * {@code file}, or on any file when it is {@code null}.
     */
    private Result injected(String syscall, String errno, String when, Path file, String... args) {
        List<String> options = new ArrayList<>(List.of("-o", "/dev/null"));
        if (file != null) {
            options.addAll(List.of("-P", file.toString()));
        }
        options.addAll(
                List.of("-e", "trace=" + syscall, "-e", "inject=" + syscall + ":error=" + errno + ":when=" + when));
        return underStrace(options, args);
    }

    /** Runs the jar's {@code args} under {@code strace -f -qq} with {@code options} (an {@code -o} among them). */
    private Result underStrace(List<String> options, String... args) {
        assumeTrue(strace, "strace is missing or cannot trace here");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq"));
        cmd.addAll(options);
        cmd.addAll(JarRunner.command(args));
        return JarRunner.exec(tmp, 180, cmd);
    }

    /**
     * The redo point keeper's flush of the slot table fails once (its second, as a lost write-back reports itself to
     * the next fsync only): every later flush succeeds, but none may be believed. It used to write newer points after
     * the failure and {@code simulate} exited 0 without a word.
     */
    @Test
    @Timeout(240)
    void a_failed_flush_of_the_slot_table_ends_the_redo_points_and_simulate_says_so() {
        Path region = tmp.resolve("r");
        RegionLayout layout = new RegionLayout(region);
        Result r = injected(
                "fdatasync",
                "EIO",
                "2",
                layout.slots(),
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x1000000",
                "--ops",
                "30000",
                "--leak-detection",
                "DISABLED",
                "--redo-point-every",
                "5ms");
        JarRunner.assertOneLineError(r, "the slot table could not be forced to disk (input/output error)");
        assertThat(r.out()).contains("WARNING: the slot table could not be forced to disk");
        assertThat(r.err()).contains("no redo point is recorded for the rest of this session");
        RedoPointFile.Read point = RedoPointFile.read(layout.redoPoint());
        assertThat(point.problem()).isNull();
        assertThat(point.generation())
                .as("only the point whose flush succeeded, before the failed one, was written")
                .isEqualTo(1);
    }

    /** A region of one closed simulate session, without checkpoints. */
    private Path simulated(String name) {
        Path region = tmp.resolve(name);
        Result made = JarRunner.jar(
                tmp, 120, "simulate", "--dir", region.toString(), "--max-paddr", "0x1000000", "--ops", "2000");
        assertThat(made.exit()).as(made.err()).isZero();
        return region;
    }

    /**
     * The checkpoint's file is forced and renamed into place, and then its directory's {@code fsync} fails: the rename
     * may not be on disk. It used to be ignored (as for a file system that cannot force a directory), {@code
     * checkpoint} exited 0 and retention could rely on a checkpoint a power loss takes back.
     */
    @Test
    @Timeout(240)
    void a_checkpoint_whose_directory_cannot_be_forced_fails_and_is_absent() throws Exception {
        Path region = simulated("r");
        RegionLayout layout = new RegionLayout(region);
        Result r = injected("fsync", "EIO", "1", layout.checkpoints(), "checkpoint", region.toString());
        JarRunner.assertOneLineError(r, "cannot write checkpoint");
        assertThat(r.err()).contains("cannot force directory").contains("input/output error");
        try (var left = Files.list(layout.checkpoints())) {
            assertThat(left.toList())
                    .as("neither the checkpoint nor its temporary file")
                    .isEmpty();
        }
        assertThat(CheckpointFile.list(layout.checkpoints())).isEmpty();
    }

    /**
     * A region made on a disk with no room for its slot table: Chronicle Map's {@code posix_fallocate() returned -1}
     * used to be the whole message.
     */
    @Test
    @Timeout(240)
    void a_region_whose_slot_table_finds_no_room_says_so() throws Exception {
        Path region = tmp.resolve("full");
        Result r = injected(
                "fallocate",
                "ENOSPC",
                "1+",
                null,
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x1000000",
                "--ops",
                "10");
        JarRunner.assertOneLineError(r, "cannot create region " + region);
        assertThat(r.err()).contains("fallocate failed: no space left on device");
        assertThat(region).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no half-made region left beside it")
                    .noneMatch(n -> n.contains("creating"));
        }
    }

    /**
     * {@code retain --archive} deletes a journal file once its archived copy is in place; that copy's name must be on
     * disk first. It never forced the archive's directory (so a power loss could keep the deletion and lose the
     * copy), and a copy that failed (a full archive disk) left its temporary file behind, holding the space.
     */
    @Test
    @Timeout(240)
    void retain_archive_deletes_nothing_it_could_not_make_durable_and_leaves_no_temporary_file() throws Exception {
        Path region = tmp.resolve("r");
        Result made = JarRunner.jar(
                tmp,
                120,
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x1000000",
                "--roll-cycle",
                "test-1s",
                "--duration",
                "2s",
                "--rate",
                "1000",
                "--checkpoint-every",
                "500",
                "--keep-checkpoints",
                "100"); // every one: the older ones lie in files --max-journal retires
        assertThat(made.exit()).as(made.err()).isZero();
        Path journal = new RegionLayout(region).journal();
        List<String> files = queueFiles(journal);
        assertThat(files).as("queue files, the first to retire").hasSizeGreaterThan(1);
        Path archive = tmp.resolve("archive");
        Path archived = archive.resolve("journal");
        Path firstTmp = archived.resolve("." + files.get(0) + ".gz.tmp");
        List<String> checkpoints = checkpointNames(region);
        assertThat(checkpoints.stream().map(n -> n.substring(0, 8)).distinct())
                .as("checkpoints in more than one file (cycle): --max-journal retires the older ones' files")
                .hasSizeGreaterThan(1);

        // an archive this user may not write: it said `retention stopped after 0 file(s): A/journal: permission
        // denied` and "fix that", and the checkpoints of the records it was to retire were deleted before it failed
        Result refused = injected(
                "mkdir",
                "EACCES",
                "1+",
                archived,
                "retain",
                "--keep-checkpoints",
                Integer.toString(checkpoints.size()),
                "--max-journal",
                "1",
                "--archive",
                archive.toString(),
                region.toString());
        JarRunner.assertOneLineError(
                refused,
                "cannot prepare archive " + archive + ": " + archived + ": permission denied; nothing was retired:"
                        + " give an archive directory this user may write, or none to delete the retired files");
        assertThat(queueFiles(journal)).as("nothing retired").isEqualTo(files);
        assertThat(checkpointNames(region))
                .as("no checkpoint deleted for records that were not retired")
                .isEqualTo(checkpoints);

        // the journal's listing refused: it gave the cause only
        Result unlisted =
                injected("openat", "EMFILE", "1+", journal, "retain", "--keep-checkpoints", "1", region.toString());
        JarRunner.assertOneLineError(
                unlisted, "cannot list journal " + journal + ": too many open files; " + RETAIN_AGAIN);
        assertThat(queueFiles(journal)).as("nothing retired").isEqualTo(files);

        Result full = injected(
                "write",
                "ENOSPC",
                "1+",
                firstTmp,
                "retain",
                "--keep-checkpoints",
                "1",
                "--archive",
                archive.toString(),
                region.toString());
        JarRunner.assertOneLineError(
                full, "retention stopped after 0 file(s): no space left on device; " + RETAIN_AGAIN);
        assertThat(queueFiles(journal)).as("nothing retired").isEqualTo(files);
        try (var left = Files.list(archived)) {
            assertThat(left.toList())
                    .as("no temporary file left in the archive")
                    .isEmpty();
        }

        Result unforced = injected(
                "fsync",
                "EIO",
                "1",
                archived,
                "retain",
                "--keep-checkpoints",
                "1",
                "--archive",
                archive.toString(),
                region.toString());
        JarRunner.assertOneLineError(unforced, "retention stopped after 0 file(s): cannot force directory");
        assertThat(unforced.err()).contains(RETAIN_AGAIN);
        assertThat(queueFiles(journal))
                .as("the file whose archived name may not be on disk is still in the region")
                .isEqualTo(files);

        Result r = JarRunner.jar(
                tmp, 120, "retain", "--keep-checkpoints", "1", "--archive", archive.toString(), region.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(queueFiles(journal)).doesNotContain(files.get(0));
        assertThat(archived.resolve(files.get(0) + ".gz")).isRegularFile();
    }

    private static List<String> checkpointNames(Path region) throws java.io.IOException {
        try (var s = Files.list(new RegionLayout(region).checkpoints())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> queueFiles(Path journal) throws java.io.IOException {
        try (var s = Files.list(journal)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cq4"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * {@code simulate --injected-out FILE} whose file the disk stops taking: it used to fail with {@code simulation
     * worker 0 failed: java.io.IOException: No space left on device}, naming neither the file nor the option.
     */
    @Test
    @Timeout(240)
    void an_injected_out_file_that_cannot_be_written_is_named() throws Exception {
        Path region = tmp.resolve("r");
        Path injectedOut = tmp.resolve("injected.jsonl");
        Result r = injected(
                "write",
                "ENOSPC",
                "2",
                injectedOut,
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x1000000",
                "--ops",
                "5000",
                "--leak-rate",
                "0.05",
                "--injected-out",
                injectedOut.toString());
        JarRunner.assertOneLineError(r, "cannot write --injected-out " + injectedOut + ": no space left on device");
        assertThat(r.err()).doesNotContain("IOException");
        Result audit = JarRunner.jar(tmp, 120, "audit", region.toString());
        assertThat(audit.exit())
                .as("the region was closed cleanly: %s", audit.err())
                .isLessThan(2);
    }

    /**
     * Opening a region measures the slot table's length with a probe table made in {@code java.io.tmpdir}; a full
     * temporary disk there said {@code cannot … region R: posix_fallocate() returned -1}, as if the region's own disk
     * were full.
     */
    @Test
    @Timeout(240)
    void a_probe_table_that_finds_no_room_in_the_temporary_directory_is_named() throws Exception {
        Path region = simulated("r");
        Result r = injected("fallocate", "ENOSPC", "1+", null, "simulate", "--dir", region.toString(), "--ops", "10");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .contains("probe table")
                .contains("(in java.io.tmpdir)")
                .contains("fallocate failed: no space left on device");
        assertThat(RegionStatus.read(new RegionLayout(region).status()).clean())
                .as("the region was left as it was")
                .isTrue();
    }

    /**
     * A new region whose first queue file cannot be created (no file descriptor left, here; a disk another process
     * filled since the creation's check does the same): the creation used to leave a region with no journal file,
     * which {@code simulate}, {@code audit} and {@code recover} all refused for good ("holds no journal files"), and
     * the error called the journal's files damaged.
     */
    @Test
    @Timeout(240)
    void a_region_whose_first_queue_file_cannot_be_created_is_not_left_behind() throws Exception {
        Path region = tmp.resolve("r");
        Path journal = new RegionLayout(region).journal();
        // the default roll cycle's files (5 minutes each): the one of now, and the next in case the run crosses it
        java.time.format.DateTimeFormatter names = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmm'V.cq4'")
                .withZone(java.time.ZoneOffset.UTC);
        long now = System.currentTimeMillis();
        long cycle = 5 * 60_000L;
        List<String> options = new ArrayList<>(List.of("-o", "/dev/null"));
        for (long t = now - now % cycle; t <= now + 2 * cycle; t += cycle) {
            options.addAll(List.of(
                    "-P",
                    journal.resolve(names.format(java.time.Instant.ofEpochMilli(t)))
                            .toString()));
        }
        options.addAll(List.of("-e", "trace=openat", "-e", "inject=openat:error=EMFILE:when=1+"));
        Result r =
                underStrace(options, "simulate", "--dir", region.toString(), "--max-paddr", "0x1000000", "--ops", "10");

        JarRunner.assertOneLineError(r, "cannot append to journal " + journal);
        assertThat(r.err()).contains("too many open files").doesNotContain("damaged");
        assertThat(region).as("the creation was undone").doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("creating"));
        }
    }

    /**
     * The order of what a clean mark rests on, traced (as ALICE checks an application's persistence order): a clean
     * close, and a recovery's clean mark, flush the slot table and the new status file before the rename that makes
     * the status "clean". A power loss could otherwise keep the clean mark and lose table pages, and open trusts the
     * table of a clean region. Before, neither flushed the table (found 2026-11-27 by fault-injection testing). Both
     * also flush the journal's queue file first, in the default SyncMode.NONE too: before 2026-11-28 nothing did, so
     * a power loss could keep the mark and the forced table over a journal that lost pages.
     */
    @Test
    @Timeout(240)
    void the_clean_mark_is_renamed_into_place_only_after_the_journal_the_slot_table_and_the_status_are_flushed()
            throws Exception {
        Path region = tmp.resolve("r");
        RegionLayout layout = new RegionLayout(region);
        List<String> close =
                traced("close", "simulate", "--dir", region.toString(), "--max-paddr", "0x100000", "--ops", "50");
        assertFlushedBeforeTheCleanMark(close, region);

        DeadWriter.markOpen(region);
        List<String> recover = traced("recover", "recover", region.toString());
        assertFlushedBeforeTheCleanMark(recover, region);
        assertThat(RegionStatus.read(layout.status()).clean()).isTrue();
    }

    /** What a write refused for want of access says to do. */
    private static final String WRITE_ACCESS =
            "writing to a region needs write access to it: run this as its owner, or on a writable copy of it";

    /**
     * {@code region.status} that cannot be written: a recovery said only {@code cannot recover region R:
     * R/region.status.tmp: permission denied}, the cause alone, about a file the user never made; an open and a close
     * named that file too. Each now names {@code region.status}, says the region stays unclean and what to do; so do a
     * recovery's and an open's other file system errors.
     */
    @Test
    @Timeout(240)
    void a_status_that_cannot_be_written_and_other_refused_writes_say_what_to_do() throws Exception {
        Path region = simulated("r");
        RegionLayout layout = new RegionLayout(region);
        Path status = layout.status();
        Path statusTmp = region.resolve("region.status.tmp");
        // one region through every case, each leaving it as the next needs it (nine runs of the jar)

        // the close's status write (the second rename: the first is the open's)
        Result close =
                injected("rename", "EACCES", "2", statusTmp, "simulate", "--dir", region.toString(), "--ops", "0");
        JarRunner.assertOneLineError(
                close,
                "cannot mark region " + region + " clean (cannot write " + status + ": permission denied); it stays"
                        + " unclean: run `framejournal recover` on it; " + WRITE_ACCESS);
        assertThat(close.err()).doesNotContain(".tmp");
        assertThat(RegionStatus.read(status).clean()).isFalse();

        // the recovery's clean mark
        Result refused = injected("openat", "EACCES", "1", statusTmp, "recover", region.toString());
        JarRunner.assertOneLineError(
                refused,
                "cannot recover region " + region + ": cannot write " + status + ": permission denied; it stays"
                        + " unclean: " + WRITE_ACCESS);
        assertThat(refused.err()).doesNotContain(".tmp");
        assertThat(RegionStatus.read(status).clean()).isFalse();
        Result full = injected("openat", "ENOSPC", "1", statusTmp, "recover", region.toString());
        JarRunner.assertOneLineError(
                full,
                "cannot recover region " + region + ": cannot write " + status + ": no space left on device; it stays"
                        + " unclean: fix that and run `framejournal recover` again, which is safe");
        assertThat(RegionStatus.read(status).clean()).isFalse();

        // any other file system error of a recovery: it gave the cause alone
        Result unforced = injected("fdatasync", "EIO", "1", layout.slots(), "recover", region.toString());
        JarRunner.assertOneLineError(
                unforced,
                "cannot recover region " + region + ": input/output error; fix that and run `framejournal recover`"
                        + " again, which is safe");

        // a slot table it may not read is no damage: it advised `--salvage`, which moved the table aside and rebuilt it
        Result unreadable =
                injected("openat", "EACCES", "1+", layout.slots(), "recover", "--salvage", region.toString());
        JarRunner.assertOneLineError(
                unreadable,
                "cannot recover " + region + ": slot table " + layout.slots() + " is not readable: permission"
                        + " denied; nothing was changed; " + WRITE_ACCESS);
        try (var files = Files.list(region)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("damaged"));
        }

        Result again = JarRunner.jar(tmp, 120, "recover", region.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(RegionStatus.read(status).clean()).isTrue();

        // an open refused the slot table for want of access: it gave the cause alone
        Result table = injected(
                "openat", "EACCES", "1+", layout.slots(), "simulate", "--dir", region.toString(), "--ops", "0");
        JarRunner.assertOneLineError(
                table, "cannot open region " + region + ": " + layout.slots() + ": permission denied; " + WRITE_ACCESS);
        assertThat(RegionStatus.read(status).clean()).isTrue();

        // the open's status write
        Result open = injected("openat", "EROFS", "1", statusTmp, "simulate", "--dir", region.toString(), "--ops", "0");
        JarRunner.assertOneLineError(
                open,
                "cannot open region " + region + " (cannot write " + status + ": read-only file system); its journal"
                        + " has this session's REGION_OPEN, so it is left unclean: run `framejournal recover` on it; "
                        + WRITE_ACCESS);
    }

    /** Runs the jar under strace, tracing flushes and renames with the files they name; @return the trace */
    private List<String> traced(String name, String... args) throws Exception {
        Path trace = tmp.resolve(name + ".strace");
        Result r = underStrace(
                List.of("-y", "-o", trace.toString(), "-e", "trace=fsync,fdatasync,rename,renameat,renameat2"), args);
        assertThat(r.exit()).as("%s: %s", name, r.err()).isIn(0, 1);
        return Files.readAllLines(trace);
    }

    /**
     * The last rename of {@code region.status.tmp} (the clean mark) comes after a flush of {@code slots.cm3} and of
     * the status file itself, both after the rename before it (the open's, if any).
     */
    private static void assertFlushedBeforeTheCleanMark(List<String> trace, Path region) {
        String tmpStatus = region.resolve("region.status.tmp").toString();
        List<Integer> marks = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            String l = trace.get(i);
            if (l.contains("rename") && l.contains('"' + tmpStatus + '"')) {
                marks.add(i);
            }
        }
        assertThat(marks).as("renames of %s in the trace", tmpStatus).isNotEmpty();
        int mark = marks.get(marks.size() - 1);
        int from = marks.size() > 1 ? marks.get(marks.size() - 2) : 0;
        List<String> between = trace.subList(from, mark);
        String slots = region.resolve("slots.cm3").toString() + ">";
        assertThat(between)
                .as("a flush of the slot table before the clean mark")
                .anyMatch(l -> (l.contains("fsync(") || l.contains("fdatasync(")) && l.contains(slots));
        assertThat(between)
                .as("a flush of the new status before its rename")
                .anyMatch(l -> (l.contains("fsync(") || l.contains("fdatasync(")) && l.contains(tmpStatus + ">"));
        // the mark vouches for the journal too: with SyncMode.NONE (the default) nothing else forces its queue file
        String journal = region.resolve("journal").toString() + "/";
        assertThat(between)
                .as("a flush of the journal's queue file before the clean mark, in the default SyncMode.NONE")
                .anyMatch(l -> (l.contains("fsync(") || l.contains("fdatasync("))
                        && l.contains(journal)
                        && l.contains(".cq4>"));
    }
}
