package io.framejournal.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.Wire;
import net.openhft.posix.PosixAPI;

/**
 * Faults in, on a background thread, the pages of the journal's queue file just ahead of where records are appended,
 * so that the appending thread finds them mapped and writable instead of taking the page faults itself. On the machine
 * of bench/README.md those faults (the kernel zeroing each new page of the file) were a third of a raw Chronicle
 * append's time.
 *
 * <p>The appending thread publishes where it writes ({@link #wrote}, every {@value #PUBLISH_EVERY} records, under the
 * append lock: a few field reads of its own appender); the pretouch thread asks the kernel to populate the pages from
 * there up to what the appends write in {@value #AHEAD_MS} ms (at least {@value #MIN_AHEAD_BYTES} bytes, at most
 * {@value #AHEAD_BYTES}) ahead, within the mapped chunk, with {@code madvise(MADV_POPULATE_WRITE)}
 * (Linux 5.14 and later). That call never reads or writes the memory itself: the file's bytes stay exactly as they are
 * (zeros, past the last record), whatever the appender writes meanwhile, and an address range that is no longer
 * mapped gives an error instead of a crash. Chronicle's own pretoucher is an Enterprise feature (in the open-source
 * queue, {@code ExcerptAppender.pretouch()} recurses into a StackOverflowError here).
 *
 * <p>Where the call is missing (another OS, an older kernel, no native library for Chronicle's POSIX binding), the
 * thread stops at its first attempt and records why ({@link #problem()}); appending is unaffected either way. When no
 * records arrive it parks for up to {@value #MAX_PARK_MS} ms at a time.
 */
public final class Pretoucher implements AutoCloseable {
    /** {@code MADV_POPULATE_WRITE} from Linux's {@code mman-common.h}. */
    static final int MADV_POPULATE_WRITE = 23;

    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENOMEM = 12;
    private static final int EINVAL = 22;

    static final long PAGE = 4096;
    /**
     * How far ahead of the last published write position pages are populated: what the appends write in this long,
     * at their last measured rate, between {@link #MIN_AHEAD_BYTES} and {@link #AHEAD_BYTES} (and never past the
     * mapped chunk). A slow writer so leaves at most a few pages of the file populated past its last record.
     */
    static final long AHEAD_MS = 5;

    static final long MIN_AHEAD_BYTES = 64L << 10;
    static final long AHEAD_BYTES = 2L << 20;
    /** Populated per {@code madvise} call, so the thread follows a moving writer closely. */
    static final long STEP_BYTES = 256L << 10;
    /** Records between two publications of the write position. */
    static final int PUBLISH_EVERY = 32;

    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    static final long MAX_PARK_MS = 10;

    private static final VarHandle VERSION;
    private static final VarHandle ADDRESS;
    private static final VarHandle LIMIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            VERSION = l.findVarHandle(Pretoucher.class, "version", long.class);
            ADDRESS = l.findVarHandle(Pretoucher.class, "address", long.class);
            LIMIT = l.findVarHandle(Pretoucher.class, "limit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The last published write position (an address in the appender's mapped chunk) and the end of that chunk, as a
     * sequence lock: odd while the appending thread writes them. Written only under the append lock.
     */
    private long version;

    @SuppressWarnings("unused") // through ADDRESS
    private long address;

    @SuppressWarnings("unused") // through LIMIT
    private long limit;

    /** Records since the last publication (under the append lock). */
    private int sincePublished;

    private final Thread thread;
    private volatile boolean stopping;
    private volatile String problem;
    private volatile long bytesPopulated;
    /** Written by the pretouch thread only. */
    private volatile long wakeups;

    private Pretoucher(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Starts a pretouch thread for one queue's appends ({@link JournalWriter} starts its own; this is also for an
     * appender of one's own, as the floor benchmark's). Call {@link #wrote} after each append, from one thread at a
     * time, and {@link #close} before the queue is closed.
     */
    public static Pretoucher start(String journalName) {
        Pretoucher p = new Pretoucher("framejournal-pretouch-" + journalName);
        p.thread.start();
        return p;
    }

    /**
     * Called by the appending thread under the append lock after each record it appended through {@code appender}:
     * every {@value #PUBLISH_EVERY}th time, publishes where that appender writes. Never throws. Not thread-safe: one
     * appending thread at a time (the append lock's holder).
     */
    public void wrote(ExcerptAppender appender) {
        if (++sincePublished < PUBLISH_EVERY) {
            return;
        }
        sincePublished = 0;
        try {
            Wire wire = appender.wire();
            if (wire == null) {
                return;
            }
            Bytes<?> bytes = wire.bytes();
            long pos = bytes.writePosition();
            BytesStore<?, ?> chunk = bytes.bytesStore();
            if (chunk == null || !chunk.isDirectMemory() || pos < chunk.start() || pos >= chunk.safeLimit()) {
                return;
            }
            long at = chunk.addressForWrite(pos);
            long v = version;
            VERSION.setOpaque(this, v + 1);
            ADDRESS.setRelease(this, at);
            LIMIT.setRelease(this, at + (chunk.safeLimit() - pos));
            VERSION.setRelease(this, v + 2);
        } catch (RuntimeException e) {
            // a position Chronicle cannot give an address for (between chunks): the next publication will
        }
    }

    /** Why the thread stopped before being closed ({@code madvise} missing or refused), or {@code null}. */
    public String problem() {
        return problem;
    }

    /** Bytes of the queue file populated so far. */
    public long bytesPopulated() {
        return bytesPopulated;
    }

    /** Whether the pretouch thread is running. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        PosixAPI posix = NativePosix.API;
        if (posix == null) {
            problem = "no POSIX binding on this platform (or no native library for it)";
            return;
        }
        long seen = -1;
        long ahead = MIN_AHEAD_BYTES;
        long lastAt = 0;
        long lastNanos = 0;
        long populatedTo = 0;
        long chunkLimit = 0;
        long park = MIN_PARK_NANOS;
        long total = 0;
        while (!stopping) {
            long v = (long) VERSION.getAcquire(this);
            long at = (long) ADDRESS.getAcquire(this);
            long end = (long) LIMIT.getAcquire(this);
            boolean fresh = v != seen; // a publication this thread has not looked at yet (or a torn read of one)
            seen = v;
            if ((v & 1) != 0 || v != (long) VERSION.getAcquire(this) || v == 0) {
                park = idle(fresh ? MIN_PARK_NANOS : park); // torn, or nothing published yet
                continue;
            }
            long now = System.nanoTime();
            if (fresh && lastNanos != 0 && at > lastAt && at - lastAt < AHEAD_BYTES) {
                ahead = aheadFor(at - lastAt, now - lastNanos);
            }
            if (fresh) {
                lastAt = at;
                lastNanos = now;
            }
            long from = at & -PAGE;
            if (end != chunkLimit || populatedTo < from || populatedTo > end) {
                // another chunk, or the writer got ahead of what was populated: start where it writes
                populatedTo = from;
                chunkLimit = end;
            }
            // every bound a whole number of pages from a page boundary: madvise takes page-aligned ranges only
            long to = Math.min(Math.min(end & -PAGE, from + ahead), populatedTo + STEP_BYTES);
            if (to <= populatedTo) {
                park = idle(fresh ? MIN_PARK_NANOS : park);
                continue;
            }
            park = MIN_PARK_NANOS;
            if (posix.madvise(populatedTo, to - populatedTo, MADV_POPULATE_WRITE) != 0) {
                int errno = posix.lastError();
                if (errno == EINVAL) {
                    problem = "madvise(MADV_POPULATE_WRITE) is not supported here (Linux 5.14 or later has it)";
                    return;
                }
                if (errno != EINTR && errno != EAGAIN && errno != ENOMEM) {
                    // EFAULT (a page the file system could not provide: a full disk), EIO, ...: the writer will meet
                    // the same error itself; wait for it to move on rather than retrying at once
                    park = idle(TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MS));
                }
                // ENOMEM (the chunk was unmapped) and the rest: nothing more in this chunk until the next publication
                populatedTo = end & -PAGE;
                continue;
            }
            total += to - populatedTo;
            bytesPopulated = total;
            populatedTo = to;
        }
    }

    /**
     * How far ahead to populate when the appends moved {@code movedBytes} in {@code elapsedNanos}: what they write in
     * {@value #AHEAD_MS} ms at that rate, between {@link #MIN_AHEAD_BYTES} and {@link #AHEAD_BYTES}, in whole pages.
     */
    static long aheadFor(long movedBytes, long elapsedNanos) {
        long window = movedBytes * TimeUnit.MILLISECONDS.toNanos(AHEAD_MS) / Math.max(1, elapsedNanos);
        return Math.max(MIN_AHEAD_BYTES, Math.min(AHEAD_BYTES, window)) & -PAGE;
    }

    /** Parks for {@code nanos}; @return the next idle park, doubled up to {@value #MAX_PARK_MS} ms */
    private long idle(long nanos) {
        wakeups++;
        LockSupport.parkNanos(nanos);
        return Math.min(nanos * 2, TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MS));
    }

    /** Times the thread has parked (for tests: an idle writer's thread must not spin). */
    long wakeups() {
        return wakeups;
    }

    /** Stops the thread and waits for it (before the queue it touches is closed). */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        Threads.awaitEnd(thread, Duration.ofSeconds(5));
    }
}
