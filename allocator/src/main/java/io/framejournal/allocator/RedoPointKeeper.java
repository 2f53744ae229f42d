package io.framejournal.allocator;

import io.framejournal.journal.Interrupts;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.Threads;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A background thread of the writing process that records the region's redo point ({@link RedoPoint}) every period:
 * it asks the journal for the point before which every call's slots are stored ({@link JournalWriter#redoPoint()}),
 * forces the slot table's file to disk (so those stores survive a power loss, not only a process kill) and only then
 * writes the point to {@code redo.point} ({@link RedoPointFile}). Recovery then trusts the table up to that point and
 * replays only the journal after it.
 *
 * <p>It never blocks or slows a writer beyond the append lock it takes for a few lane reads each period, and it never
 * throws into one: a failure (the journal's point not to be had, {@code redo.point} not written) is kept as {@link
 * #problem()} and tried again the next period; the first point written after it clears it. Meanwhile the last point
 * written stays valid: recovery just replays more.
 *
 * <p>A failed flush of the slot table is different, and final for the session: the kernel may have dropped the
 * table's pages it could not write (marking them clean), and a later flush that succeeds says nothing about them
 * (the "fsyncgate" mistake). So from then on no point is written, {@link #problem()} says why until the session ends,
 * and recovery replays from the last point written before the failure, which still holds: every table page was on
 * disk at least as of that point.
 */
final class RedoPointKeeper implements AutoCloseable {
    /** Where the point comes from: {@link JournalWriter#redoPoint()}. */
    @FunctionalInterface
    interface Source {
        RedoPoint redoPoint();
    }

    /** Forces the slot table's file to disk ({@code FileChannel.force}); a seam for tests. */
    @FunctionalInterface
    interface Flush {
        void force() throws IOException;
    }

    private final Source journal;
    private final RedoPointFile file;
    private final Path slotTable;
    /** Read-only, for {@code force}; reopened by {@link #forceChannel} when an interrupt closed it (guarded by this). */
    private FileChannel table;

    private final Flush flush;

    /** Set by {@link #close} under this object's lock: no {@link #keep} after it. */
    private boolean closed;
    /** Why the slot table could not be forced, once it could not: no point is written after it. */
    private volatile String flushFailed;

    private final long periodNanos;
    private final Thread thread;
    private volatile boolean stop;
    private volatile String problem;
    private volatile long written;
    private volatile long failures;
    private RedoPoint last;

    private RedoPointKeeper(
            Source journal, RedoPointFile file, Path slotTable, FileChannel table, Flush flush, Duration period) {
        this.journal = journal;
        this.file = file;
        this.slotTable = slotTable;
        this.table = table;
        this.flush = flush != null ? flush : this::forceChannel;
        this.periodNanos = Math.max(1_000_000L, period.toNanos());
        this.thread = new Thread(this::run, "framejournal-redo-point");
        thread.setDaemon(true);
    }

    static RedoPointKeeper start(JournalWriter journal, Path redoFile, Path slotTable, Duration period) {
        return start((Source) journal::redoPoint, redoFile, slotTable, period);
    }

    static RedoPointKeeper start(Source journal, Path redoFile, Path slotTable, Duration period) {
        return start(journal, redoFile, slotTable, period, null);
    }

    /** {@code flush}, when not {@code null}, forces the table instead of its channel (tests). */
    static RedoPointKeeper start(Source journal, Path redoFile, Path slotTable, Duration period, Flush flush) {
        RedoPointFile file = RedoPointFile.openForWrite(redoFile);
        FileChannel table;
        try {
            table = FileChannel.open(slotTable, StandardOpenOption.READ);
        } catch (IOException e) {
            file.close();
            throw new io.framejournal.journal.RegionException(
                    "cannot open slot table " + slotTable + " to force it: "
                            + io.framejournal.journal.RegionException.reason(e, slotTable),
                    e);
        }
        RedoPointKeeper k = new RedoPointKeeper(journal, file, slotTable, table, flush, period);
        k.thread.start();
        return k;
    }

    private void run() {
        while (!stop && flushFailed == null) {
            LockSupport.parkNanos(periodNanos);
            if (stop) {
                break;
            }
            try {
                keep();
            } catch (Throwable e) { // NOPMD: an OutOfMemoryError too (the heap full for a moment): it used to end
                // the thread, and with it every later point, with no problem reported
                try {
                    failed(e); // tried again next period
                } catch (Throwable noRoom) { // NOPMD
                    // failed() set a reason before building the whole one ran out of memory as well
                }
            }
        }
    }

    private void failed(Throwable e) {
        if (flushFailed != null) {
            problem = flushFailed; // counted and said once, and for good
            return;
        }
        failures++;
        problem = UNRECORDED; // first, a constant: saying more takes memory, which may be what is lacking
        problem = "the redo point could not be recorded (" + RegionException.oneLine(e)
                + "); recovery replays from the last one written, and the keeper tries again every period";
    }

    private static final String UNRECORDED = "the redo point could not be recorded; recovery replays from the last"
            + " one written, and the keeper tries again every period";

    /**
     * Records the redo point now, if it moved: table forced first, then the point. Runs with the calling thread's
     * interrupt status cleared and sets it again afterwards ({@link Interrupts}): {@code MetaRegion.recordRedoPoint()}
     * calls it on the embedder's thread, and an interrupt would close both channels under the force and the write, for
     * the keeper too; a channel closed all the same (an interrupt that arrives during them) is reopened at the next try.
     *
     * @return the newest point recorded, or {@code null} when the journal has no record of this writer yet
     */
    synchronized RedoPoint keep() throws IOException {
        if (closed) {
            throw new IllegalStateException("the redo point keeper is closed");
        }
        if (flushFailed != null) {
            throw new RegionException(flushFailed);
        }
        boolean interrupted = Interrupts.clear();
        try {
            RedoPoint p = journal.redoPoint();
            if (p != null && !p.equals(last)) {
                forceTable(); // every slot store before p is in the page cache now; put it on disk before naming p
                file.write(p);
                last = p;
                written++;
            }
            problem = null; // the point is as current as it can be again
            return last;
        } catch (RuntimeException | IOException e) {
            failed(e);
            throw e;
        } finally {
            Interrupts.restore(interrupted);
        }
    }

    /** The default flush: forces the table's channel, reopened first if an interrupt closed it. */
    private void forceChannel() throws IOException {
        if (!table.isOpen()) {
            table = FileChannel.open(slotTable, StandardOpenOption.READ);
        }
        table.force(false);
    }

    /**
     * Forces the slot table to disk; when that fails, no point is ever written again in this session (see the class
     * comment): the reason is kept as {@link #problem()} for good.
     */
    private void forceTable() throws IOException {
        try {
            flush.force();
        } catch (java.nio.channels.ClosedChannelException e) {
            throw e; // an interrupt closed the channel (the kernel refused nothing): reopened and tried next time
        } catch (IOException | RuntimeException e) {
            failures++;
            flushFailed = "the slot table could not be forced to disk (" + RegionException.oneLine(e)
                    + "): writes to it since the last redo point may never reach the disk, and a later flush that"
                    + " succeeds would not say otherwise, so no redo point is recorded for the rest of this session;"
                    + " recovery replays from the last one written";
            problem = flushFailed;
            throw new RegionException(flushFailed, e);
        }
    }

    /** Redo points written in this session. */
    long written() {
        return written;
    }

    /**
     * Why the last try to record the point failed, until one succeeds again; after a failed flush of the slot table,
     * why none is recorded any more; else {@code null}.
     */
    String problem() {
        return problem;
    }

    /** Tries that failed in this session, whether or not a later one succeeded. */
    long failures() {
        return failures;
    }

    /** Stops the thread and waits for it; the file keeps the last point written. */
    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(thread);
        Threads.awaitEnd(thread, Duration.ofSeconds(10));
        synchronized (this) { // a keep() on another thread ends first, and none after it reopens a channel
            closed = true;
            file.close();
            try {
                table.close();
            } catch (IOException ignored) {
                // read-only channel: nothing pending
            }
        }
    }
}
