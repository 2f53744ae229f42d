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
 * throws into one: a failure (the slot table's disk refusing a flush for a moment) is kept as {@link #problem()} and
 * tried again the next period; the first point written after it clears it. Meanwhile the last point written stays
 * valid: recovery just replays more.
 */
final class RedoPointKeeper implements AutoCloseable {
    /** Where the point comes from: {@link JournalWriter#redoPoint()}. */
    @FunctionalInterface
    interface Source {
        RedoPoint redoPoint();
    }

    private final Source journal;
    private final RedoPointFile file;
    private final Path slotTable;
    /** Read-only, for {@code force}; reopened by {@link #keep} when an interrupt closed it (guarded by this). */
    private FileChannel table;

    private final long periodNanos;
    private final Thread thread;
    private volatile boolean stop;
    /** Set by {@link #close} under this object's lock: no {@link #keep} after it. */
    private boolean closed;

    private volatile String problem;
    private volatile long written;
    private volatile long failures;
    private RedoPoint last;

    private RedoPointKeeper(Source journal, RedoPointFile file, Path slotTable, FileChannel table, Duration period) {
        this.journal = journal;
        this.file = file;
        this.slotTable = slotTable;
        this.table = table;
        this.periodNanos = Math.max(1_000_000L, period.toNanos());
        this.thread = new Thread(this::run, "framejournal-redo-point");
        thread.setDaemon(true);
    }

    static RedoPointKeeper start(JournalWriter journal, Path redoFile, Path slotTable, Duration period) {
        return start((Source) journal::redoPoint, redoFile, slotTable, period);
    }

    static RedoPointKeeper start(Source journal, Path redoFile, Path slotTable, Duration period) {
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
        RedoPointKeeper k = new RedoPointKeeper(journal, file, slotTable, table, period);
        k.thread.start();
        return k;
    }

    private void run() {
        while (!stop) {
            LockSupport.parkNanos(periodNanos);
            if (stop) {
                break;
            }
            try {
                keep();
            } catch (RuntimeException | IOException e) {
                failed(e); // tried again next period
            }
        }
    }

    private void failed(Exception e) {
        failures++;
        problem = "the redo point could not be recorded (" + RegionException.oneLine(e)
                + "); recovery replays from the last one written, and the keeper tries again every period";
    }

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
        boolean interrupted = Interrupts.clear();
        try {
            RedoPoint p = journal.redoPoint();
            if (p != null && !p.equals(last)) {
                if (!table.isOpen()) {
                    table = FileChannel.open(slotTable, StandardOpenOption.READ);
                }
                table.force(
                        false); // every slot store before p is in the page cache now; put it on disk before naming p
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

    /** Redo points written in this session. */
    long written() {
        return written;
    }

    /** Why the last try to record the point failed, until one succeeds again; else {@code null}. */
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
