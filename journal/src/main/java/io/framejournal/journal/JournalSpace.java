package io.framejournal.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.posix.PosixAPI;

/**
 * Reserves the journal's disk space ahead of its appends, so that a full disk refuses a record before any byte of it
 * is written.
 *
 * <p>Chronicle writes records through a memory mapping of a sparse queue file. When the disk (or tmpfs) has no room for
 * a page the mapping touches, the write takes a SIGBUS, which the JVM turns into an {@code InternalError} thrown some
 * time <em>after</em> the faulting store: Chronicle has by then completed the document's header over bytes that never
 * reached the file, and the calls appended meanwhile have returned as if journaled. What is left is a record readers
 * cannot check (a hole, or zeros) and calls lost behind it: recovery then has to salvage.
 *
 * <p>Here the queue file's blocks are allocated with {@code fallocate} (keeping its size) from its start to
 * {@value #AHEAD} bytes past the record being appended, whenever fewer than {@value #SLACK} bytes (room for an index
 * page Chronicle may write after the record) would be left past it: one system call per ~{@value #AHEAD} bytes of
 * journal. When the disk is full that call fails with {@code ENOSPC} before the record is written, and the append is
 * refused with a {@link RegionException}: nothing of the call is in the journal, and every record in it stays whole.
 * On tmpfs an allocated page is never taken back, so the mapping's writes cannot fault; on a disk file system the
 * blocks are unwritten extents, which the writes convert without allocating.
 *
 * <p>A record whose place is not known before it is appended (a writer's first, and the one that opens a new cycle's
 * queue file inside the append) is checked against the file system's free space instead ({@link #NEW_FILE_ROOM}
 * besides the record): a check, not a reservation. File systems without {@code fallocate} and platforms without the
 * POSIX binding go unguarded ({@link #unguardedBecause()}): there a full disk fails the append as before, late. Any
 * other failure of {@code fallocate} ({@code EIO}, {@code EROFS}, {@code EFBIG}...) refuses the record as a full disk
 * does: the disk has said it cannot take writes to that file, and writes through the mapping would be lost or fault.
 * Used under the append lock only.
 */
final class JournalSpace implements AutoCloseable {
    /** Free space a record needs besides its own bytes when it may open a new queue file. */
    static final long NEW_FILE_ROOM = 1L << 20;
    /** Reserved past a record's end when a reservation is made. */
    static final long AHEAD = 1L << 20;
    /** A reservation is made when less than this would be left past a record's end. */
    static final long SLACK = 256L << 10;

    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int O_RDWR = 2;
    private static final int EINTR = 4;
    private static final int ENODEV = 19;
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;
    private static final int EDQUOT = 122;

    /** {@code fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length)}: 0, or the errno it failed with. A seam for tests. */
    @FunctionalInterface
    interface Fallocate {
        int reserve(int fd, long offset, long length);
    }

    private Fallocate fallocate = this::posixFallocate;

    private final Path journalDir;

    private PosixAPI posix;
    private String unguardedBecause;

    /** The queue file appended to, its descriptor (ours, for fallocate), and how far it is reserved. */
    private File file;

    /** Chronicle's mapping of that file the last append wrote through (compared by reference on every append). */
    private MappedFile mapped;

    private int fd = -1;
    private long reservedTo;
    /**
     * Where the next record's document header goes, as the last append left it (or past it: see {@link #afterAppend});
     * -1 when unknown.
     */
    private long next = -1;

    /** Records between two reads of Chronicle's write position. */
    static final int READ_POSITION_EVERY = 32;

    private int untilRead;

    /** Reservations made so far (for tests and benchmarks). */
    private long reservations;

    JournalSpace(Path journalDir) {
        this.journalDir = journalDir;
    }

    /**
     * Called before appending a record of {@code len} bytes to the file the last append wrote to: reserves the space
     * it needs when what is reserved falls short.
     *
     * @throws RegionException when the disk has no room for it: nothing was written
     */
    void beforeAppend(int len, boolean newFile) {
        if (newFile || next < 0) {
            requireRoomForNewFile(len);
            return;
        }
        if (fd < 0) {
            return;
        }
        long end = next + 8L + len; // the header and at most 3 bytes of padding before it
        if (end + SLACK <= reservedTo) {
            return;
        }
        reserve(end, len);
    }

    /**
     * Before a record whose place is not known yet (a writer's first, or the first of a new cycle, for which
     * Chronicle creates a queue file inside the append): refuses it when the journal's file system has less than
     * {@link #NEW_FILE_ROOM} bytes free, by {@code statvfs}. Chronicle writes a new file's header and first index pages
     * through the mapping, and a full disk there faults in Chronicle's own code (which prints the process's mappings
     * to stderr on its way out). A check, not a reservation: space taken by others between it and the append is not
     * covered.
     */
    private void requireRoomForNewFile(int len) {
        if (unguardedBecause == null) {
            requireFree(
                    journalDir,
                    NEW_FILE_ROOM + len,
                    "where a record of " + len + " bytes and the queue file it may"
                            + " open need " + (NEW_FILE_ROOM + len)
                            + "; it was not written (free space, then recover the"
                            + " region)");
        }
    }

    /**
     * Before a writer opens a journal: refuses when its file system has less than {@link #NEW_FILE_ROOM} bytes free.
     * Chronicle writes its metadata file ({@code metadata.cq4t}) and a queue file's header through mappings as it opens
     * them, and a full disk there faults inside Chronicle.
     */
    static void requireRoomToOpen(Path journalDir) {
        requireFree(
                journalDir,
                NEW_FILE_ROOM,
                "a writer needs " + NEW_FILE_ROOM + " to open the journal (free space," + " then try again)");
    }

    /**
     * Refuses with "no space left" when the file system {@code dir} lies on (or will, for a directory not created yet)
     * has fewer than {@code need} bytes free; nothing when that cannot be told.
     */
    private static void requireFree(Path dir, long need, String what) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent(); // a journal not created yet: the disk it will be created on
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return; // cannot tell: unguarded
        }
        if (free < need) {
            throw new RegionException(
                    "no space left on the journal's disk: " + free + " bytes free in " + dir + ", " + what);
        }
    }

    /**
     * Called after an append of a record of {@code len} bytes through {@code appender}: notes where the next record
     * goes. Chronicle's write position (and the file it writes) is read every {@value #READ_POSITION_EVERY} records and
     * after a record that may have opened a new file ({@code force}); in between the position is advanced by each
     * record's length and header (an index page Chronicle inserts meanwhile is within {@link #SLACK}).
     */
    void afterAppend(ExcerptAppender appender, int len, boolean force) {
        if (!force && --untilRead > 0 && next >= 0) {
            next += 8L + len;
            return;
        }
        untilRead = READ_POSITION_EVERY;
        if (unguardedBecause != null) {
            return;
        }
        try {
            Bytes<?> bytes = appender.wire().bytes();
            if (!(bytes instanceof MappedBytes)) {
                next = -1;
                return;
            }
            MappedFile mf = ((MappedBytes) bytes).mappedFile();
            if (mf != mapped) { // another queue file (a roll), or the same one mapped anew
                mapped = mf;
                if (!mf.file().equals(file)) {
                    switchTo(mf.file());
                }
            }
            next = bytes.writePosition();
        } catch (RuntimeException e) {
            next = -1; // no position to go by: the next append is checked against the free space
        }
    }

    private void switchTo(File f) {
        closeFd();
        file = f;
        next = -1;
        reservedTo = 0;
        if (posix == null) {
            posix = NativePosix.API;
            if (posix == null) {
                unguardedBecause = "no POSIX binding on this platform";
                return;
            }
        }
        int opened = posix.open(f.getPath(), O_RDWR, 0);
        if (opened < 0) {
            unguardedBecause =
                    "cannot open " + f.getName() + " to reserve its space: " + posix.strerror(posix.lastError());
            return;
        }
        fd = opened;
    }

    /**
     * Reserves up to {@value #AHEAD} bytes past {@code end} (where a record of {@code len} bytes ends), or, when the
     * disk has no room for that much, {@value #SLACK} past it (room for the record and an index page Chronicle may
     * write before it): a nearly full disk still takes the records that fit.
     */
    private void reserve(long end, int len) {
        long to = end + AHEAD;
        for (int attempt = 0; ; attempt++) {
            int errno = fallocate.reserve(fd, reservedTo, to - reservedTo);
            if (errno == 0) {
                reservedTo = to;
                reservations++;
                return;
            }
            if (errno == EINTR && attempt < 8) {
                continue;
            }
            if ((errno == ENOSPC || errno == EDQUOT) && to > end + SLACK) {
                to = end + SLACK; // as little as the record needs
                continue;
            }
            if (errno == ENOSPC || errno == EDQUOT) {
                throw new RegionException("no space left on the journal's disk: " + file.getName() + " cannot be given"
                        + " room up to file offset " + to + " for a record of " + len + " bytes; it was not written"
                        + " (free space, then recover the region)");
            }
            if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL || errno == ENODEV) {
                // a file system that cannot reserve space: append unguarded, as before
                unguardedBecause = "fallocate on " + file.getName() + " failed: " + strerror(errno);
                closeFd();
                return;
            }
            // EIO, EROFS, EFBIG...: the disk refuses writes to this file; those through the mapping would be lost
            throw new RegionException("cannot reserve the journal's disk space: fallocate on " + file.getName()
                    + " up to file offset " + to + " failed (" + strerror(errno) + "), so the record of " + len
                    + " bytes was not written (check the disk, then recover the region)");
        }
    }

    private int posixFallocate(int fd, long offset, long length) {
        return posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) == 0 ? 0 : posix.lastError();
    }

    private String strerror(int errno) {
        String s = posix == null ? null : posix.strerror(errno);
        return s == null ? "errno " + errno : s.toLowerCase(java.util.Locale.ROOT);
    }

    /** Makes every later reservation go through {@code f} (tests: a disk that fails with a chosen errno). */
    void fallocateForTests(Fallocate f) {
        fallocate = f;
    }

    /** Why appends are not guarded (no binding, no fallocate on this file system), or {@code null}. */
    String unguardedBecause() {
        return unguardedBecause;
    }

    /** The file offset up to which the current queue file is reserved. */
    long reservedTo() {
        return reservedTo;
    }

    long reservations() {
        return reservations;
    }

    private void closeFd() {
        if (fd >= 0) {
            posix.close(fd);
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeFd();
    }
}
