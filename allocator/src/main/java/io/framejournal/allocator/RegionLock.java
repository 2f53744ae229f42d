package io.framejournal.allocator;

import io.framejournal.journal.RegionException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One writer per region: an OS file lock, released by the OS when the writer dies. */
final class RegionLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RegionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static RegionLock acquire(Path lockFile, Path regionDir) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new RegionException(
                        "region " + regionDir + " is open for writing by another process; stop it first");
            }
            return new RegionLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new RegionException("region " + regionDir + " is already open for writing in this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RegionException(
                    "cannot lock region " + regionDir + ": " + RegionException.reason(e, regionDir) + "; " + remedy(e));
        }
    }

    /**
     * What to do when the lock file cannot be made or opened: for an access refused or a read-only file system,
     * {@link RegionException#writeAccessRemedy}; else the cause is the disk's.
     */
    private static String remedy(IOException e) {
        String access = RegionException.writeAccessRemedy(e);
        return access != null ? access : "fix that (the region's directory must be writable) and run it again";
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
