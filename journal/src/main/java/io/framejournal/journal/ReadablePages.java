package io.framejournal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.posix.PosixAPI;

/**
 * Says whether pages of a read-only file mapping can be read without a fault that kills the JVM.
 *
 * <p>On tmpfs a page of a file that was never written (a hole) has to be allocated when it is first read through a
 * mapping; on a full tmpfs that allocation fails and the read takes a SIGBUS. The JVM turns a SIGBUS in an
 * {@code Unsafe} read or copy into an {@code InternalError}, but not one in an intrinsic: the CRC-32C of a record checked
 * in place in its mapping ({@link RecordDecoder#check}) then aborts the JVM with an {@code hs_err} file. A writer that
 * fills its tmpfs leaves exactly such pages behind: a record whose header Chronicle completed while its bytes past a
 * page boundary never reached the file (docs/RELIABILITY.md, "A full disk").
 *
 * <p>{@link #readable} asks the kernel to populate the pages first, with {@code madvise(MADV_POPULATE_READ)} (Linux
 * 5.14 and later): a page that cannot be provided gives {@code EFAULT} instead of a signal. Only files on tmpfs are
 * checked ({@link #needed}): on a disk file system reading a hole never allocates (the page cache's zeros), and the
 * POSIX binding is not loaded for them. Where the call is missing (another OS, an older kernel, no native library)
 * {@link #readable} answers true: reading is then as unguarded as before.
 */
final class ReadablePages {
    /** {@code MADV_POPULATE_READ} from Linux's {@code mman-common.h}. */
    static final int MADV_POPULATE_READ = 22;

    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;

    private ReadablePages() {}

    /** Whether reads of {@code file}'s mapped pages need {@link #readable} first: it lies on tmpfs. */
    static boolean needed(Path file) {
        try {
            return "tmpfs".equals(Files.getFileStore(file).type());
        } catch (IOException | RuntimeException e) {
            return false; // cannot tell: read as before
        }
    }

    /**
     * Populates {@code [address, address + length)} of a read-only mapping ({@code address} page-aligned).
     *
     * @return false when a page of it cannot be provided (reading it would raise SIGBUS); true when every page can,
     *     or when this cannot be checked here
     */
    static boolean readable(long address, long length) {
        PosixAPI posix = NativePosix.API;
        if (posix == null || length <= 0) {
            return true;
        }
        for (int attempt = 0; ; attempt++) {
            if (posix.madvise(address, length, MADV_POPULATE_READ) == 0) {
                return true;
            }
            int errno = posix.lastError();
            if ((errno != EINTR && errno != EAGAIN) || attempt == 8) {
                // EFAULT: a page the file system cannot provide (or a range no longer mapped); EINVAL: the call is
                // missing here, and then nothing can be said
                return errno == EINVAL;
            }
        }
    }
}
