package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a cause reads in a one-line message: a file system error says why (Java keeps only the path in the message of
 * an {@link AccessDeniedException} or a {@link NoSuchFileException}), never just the path.
 */
class RegionExceptionTest {
    @TempDir
    Path tmp;

    @Test
    void fileSystemErrorsNameThePathAndTheReason() {
        assertThat(RegionException.oneLine(new AccessDeniedException("/r/region.lock")))
                .isEqualTo("/r/region.lock: permission denied");
        assertThat(RegionException.oneLine(new NoSuchFileException("/r/journal")))
                .isEqualTo("/r/journal: no such file or directory");
        assertThat(RegionException.oneLine(new NotDirectoryException("/a/file")))
                .isEqualTo("/a/file: not a directory");
        assertThat(RegionException.oneLine(new FileAlreadyExistsException("/nowhere/x")))
                .isEqualTo("/nowhere/x: already exists");
        // the reason the operating system gave wins over the type's generic one, lower-cased like the others
        assertThat(RegionException.oneLine(new FileSystemException("/a/file/x", null, "Not a directory")))
                .isEqualTo("/a/file/x: not a directory");
        assertThat(RegionException.oneLine(new AccessDeniedException("/ro/x", null, "Read-only file system")))
                .isEqualTo("/ro/x: read-only file system");
        assertThat(RegionException.oneLine(new FileSystemException("/a", "/b", "Invalid cross-device link")))
                .isEqualTo("/a -> /b: invalid cross-device link");
        assertThat(RegionException.oneLine(new FileSystemException(null, null, null)))
                .isEqualTo("file system error");
    }

    @Test
    void aRegularFileInTheWayOfADirectoryIsSaidSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        // what Files.createDirectories throws for tmp/afile/x
        assertThat(RegionException.oneLine(new FileAlreadyExistsException(file.toString())))
                .isEqualTo(file + ": exists and is not a directory");
    }

    @Test
    void otherErrorsKeepTheirMessageAndTheTypeWhenItSaysMore() {
        assertThat(RegionException.oneLine(new IOException("No space left on device")))
                .isEqualTo("no space left on device");
        assertThat(RegionException.oneLine(new IOException("EOF")))
                .as("an acronym stays as it is")
                .isEqualTo("EOF");
        assertThat(RegionException.oneLine(new ClosedByInterruptException())).isEqualTo("ClosedByInterruptException");
        assertThat(RegionException.oneLine(new IllegalStateException("first\nsecond")))
                .isEqualTo("IllegalStateException: first");
    }

    @Test
    void theReasonAloneWhenTheMessageAlreadyNamesTheFile() {
        Path lock = Path.of("/r/region.lock");
        assertThat(RegionException.reason(new AccessDeniedException("/r/region.lock"), lock))
                .isEqualTo("permission denied");
        assertThat(RegionException.reason(new AccessDeniedException("/r/region.lock"), Path.of("/r")))
                .as("about another file: that file is named")
                .isEqualTo("/r/region.lock: permission denied");
        assertThat(RegionException.reason(new IOException("Input/output error"), lock))
                .isEqualTo("input/output error");
        assertThat(RegionException.reason(new NoSuchFileException("/tmp/.r.html.1f.tmp")))
                .isEqualTo("no such file or directory");
    }

    @Test
    void ourOwnMessagesAndTheJvmsSigbusReadAsWhatTheyMean() {
        assertThat(RegionException.oneLine(new RegionException("no space left on the journal's disk: …\nmore")))
                .isEqualTo("no space left on the journal's disk: …");
        assertThat(RegionException.oneLine(new InternalError(
                        "a fault occurred in a recent unsafe memory access operation in compiled Java" + " code")))
                .isEqualTo(RegionException.PAGE_FAULT)
                .contains("SIGBUS")
                .contains("full disk");
        assertThat(RegionException.oneLine(new InternalError("something else")))
                .isEqualTo("InternalError: something else");
    }

    @Test
    void bytesQuotedFromADamagedFileCannotSplitTheLineOrReachTheTerminal() {
        // what Chronicle threw on a metadata.cq4t whose roll-cycle format had one bit flipped: M (0x4d) became CR
        assertThat(RegionException.oneLine(new IllegalStateException(
                        "Can't find an appropriate RollCycles to override to of length yyyyM\rdd-HHmm'V'")))
                .isEqualTo("IllegalStateException: Can't find an appropriate RollCycles to override to of length"
                        + " yyyyM\\u000ddd-HHmm'V'");
        assertThat(RegionException.oneLine(new RegionException("a\u001b[2Jb\u2028c\u202ed\u0085e\tf")))
                .isEqualTo("a\\u001b[2Jb\\u2028c\\u202ed\\u0085e\tf");
        assertThat(RegionException.firstLine("plain text, as it was")).isEqualTo("plain text, as it was");
    }

    /**
     * Chronicle Map's "posix_fallocate() returned -1" (a slot table made on a full disk: {@code cannot create region
     * R: posix_fallocate() returned -1}) said nothing of why; the binding's errno for this thread says it (found
     * 2026-11-27 by fault injection: {@code strace -e inject=fallocate:error=ENOSPC}).
     */
    @Test
    void chronicle_maps_failed_fallocate_says_why() {
        net.openhft.posix.PosixAPI posix = NativePosix.API;
        org.junit.jupiter.api.Assumptions.assumeTrue(posix != null, "no POSIX binding here");
        assertThat(posix.fallocate(-1, 0, 0, 4096)).as("fallocate on no file").isNegative(); // errno EBADF
        assertThat(RegionException.oneLine(new IOException("posix_fallocate() returned -1")))
                .isEqualTo("cannot allocate the file's disk space (fallocate failed: bad file descriptor)");
    }

    /**
     * {@code FileNotFoundException}, which java.io's opens throw for any failure (an export's part file when the
     * process has no file descriptor left), read {@code FileNotFoundException: /x/part-00000.parquet (Too many open
     * files)} (found 2026-11-27 by fault injection: {@code strace -e inject=openat:error=EMFILE}).
     */
    @Test
    void a_file_not_found_exception_reads_as_path_and_reason() {
        assertThat(RegionException.oneLine(
                        new java.io.FileNotFoundException("/x/calls/part-00000.parquet (Too many open files)")))
                .isEqualTo("/x/calls/part-00000.parquet: too many open files");
        assertThat(RegionException.oneLine(new java.io.FileNotFoundException("odd message")))
                .isEqualTo("FileNotFoundException: odd message");
    }
}
