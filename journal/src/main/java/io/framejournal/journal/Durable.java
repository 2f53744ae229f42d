package io.framejournal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The few steps that put a region's small files on disk in an order a crash or a power loss cannot break: a file's
 * bytes forced before a rename names them, a replacement renamed into place in one step, a directory forced after a
 * rename. The one place for each, used by the status, the writer's identity, checkpoints, retention's archives, the
 * slot table's clean mark and the files the CLI writes.
 */
public final class Durable {
    private Durable() {}

    /**
     * Puts {@code file}'s bytes on disk ({@code fdatasync}), those written through a memory mapping included. A failure
     * is final for what it was forcing: the kernel may have dropped the pages it could not write, and a later force
     * that succeeds says nothing about them.
     */
    public static void forceFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(false);
        }
    }

    /**
     * Forces a directory's entries (a rename in it) to disk. A file system that cannot force a directory ({@code
     * EINVAL}, {@code ENOTSUP}) is let be: the rename is still atomic. Any other failure ({@code EIO}) is thrown: the
     * rename may be lost.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException notSupported) {
            // no directory channels here
        } catch (IOException e) {
            if (!cannotForceDirectories(e)) {
                throw new IOException("cannot force directory " + dir + " to disk: " + RegionException.oneLine(e), e);
            }
        }
    }

    /** Whether {@code e} is how a file system that cannot force a directory answers (by its errno's text). */
    private static boolean cannotForceDirectories(IOException e) {
        String m = e.getMessage();
        return m != null && (m.equals("Invalid argument") || m.equals("Operation not supported"));
    }

    /** Renames {@code from} over {@code to} in one step where the file system can (else a plain replacing move). */
    public static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
