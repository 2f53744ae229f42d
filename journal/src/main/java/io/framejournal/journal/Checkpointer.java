package io.framejournal.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes checkpoints of a region by tailing its journal read-only: it starts from the newest usable checkpoint,
 * replays every record as it arrives ({@link LedgerReplay}) and writes a {@link CheckpointFile} whenever the period
 * has passed or enough records have arrived. It never stops or slows a writer (it reads the queue like any tailer) and
 * replays far faster than writers write. Run it as a background thread of the writing process ({@link #start}) or
 * call {@link #catchUp} and {@link #checkpointNow} from a separate process ({@code framejournal checkpoint}).
 *
 * <p>After a checkpoint it deletes all but the newest {@link Policy#keep} checkpoint files.
 */
public final class Checkpointer implements AutoCloseable {
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RegionLayout layout;
    private final Policy policy;
    private final ReplayStart start;
    private final LedgerReplay replay;
    private final JournalReader reader;
    private final JournalEvent event = new JournalEvent();
    private long lastCheckpointIndex;
    private long lastCheckpointNanos = System.nanoTime();
    private long recordsSinceCheckpoint;
    private long checkpointsWritten;
    private volatile boolean stopping;
    private volatile String problem;
    /** Why the background thread's last checkpoint failed, while it retries; {@code null} once one succeeds. */
    private volatile String failing;

    private volatile boolean sawClose;
    private Thread thread;

    /**
     * How often to take a checkpoint.
     *
     * @param every   at most this long between checkpoints while records arrive (zero: by records only)
     * @param records at most this many records between checkpoints (zero: by time only)
     * @param keep    checkpoint files to keep (at least 1)
     * @param retain  after each checkpoint, retire the journal files before the oldest checkpoint kept (see
     *                {@link Retention}), or {@code null} to keep the whole journal
     */
    public record Policy(Duration every, long records, int keep, Retain retain) {
        public static final int DEFAULT_KEEP = 3;

        public Policy(Duration every, long records, int keep) {
            this(every, records, keep, null);
        }

        public Policy {
            if (every.isNegative() || records < 0 || (every.isZero() && records == 0)) {
                throw new RegionException("a checkpoint period needs a positive time or number of records");
            }
            if (keep < 1) {
                throw new RegionException("at least one checkpoint must be kept, not " + keep);
            }
        }

        public static Policy every(Duration every) {
            return new Policy(every, 0, DEFAULT_KEEP);
        }

        public static Policy everyRecords(long records) {
            return new Policy(Duration.ZERO, records, DEFAULT_KEEP);
        }

        public Policy keeping(int k) {
            return new Policy(every, records, k, retain);
        }

        /** Retires journal files after each checkpoint (the writer's own retention). */
        public Policy retaining(Retain r) {
            return new Policy(every, records, keep, r);
        }

        boolean due(long nanosSince, long recordsSince) {
            return recordsSince > 0
                    && ((!every.isZero() && nanosSince >= every.toNanos()) || (records > 0 && recordsSince >= records));
        }
    }

    /**
     * Retention run after each checkpoint.
     *
     * @param maxJournalBytes when positive, also retire files (up to the newest checkpoint) past this journal size
     * @param archive         where retired files go, gzip-compressed; {@code null} deletes them
     */
    public record Retain(long maxJournalBytes, Path archive) {
        public static Retain deleting() {
            return new Retain(0, null);
        }
    }

    private final int nrSlots;
    private volatile Retention.Result lastRetention;

    private Checkpointer(RegionLayout layout, int nrSlots, Policy policy) {
        this.nrSlots = nrSlots;
        this.layout = layout;
        this.policy = policy;
        this.start = ReplayStart.open(layout.journal(), layout.checkpoints(), nrSlots, JournalIndex.NONE, true);
        this.replay = start.replay();
        this.reader = start.reader();
        this.lastCheckpointIndex = replay.lastRecord();
    }

    /** Opens a checkpointer positioned after the newest usable checkpoint; nothing runs until asked. */
    public static Checkpointer open(RegionLayout layout, int nrSlots, Policy policy) {
        return new Checkpointer(layout, nrSlots, policy);
    }

    /** Opens a checkpointer and runs it on a daemon thread until {@link #close()}. */
    public static Checkpointer start(RegionLayout layout, int nrSlots, Policy policy) {
        Checkpointer c = new Checkpointer(layout, nrSlots, policy);
        c.thread = new Thread(c::run, "framejournal-checkpointer");
        c.thread.setDaemon(true);
        c.thread.start();
        return c;
    }

    private void run() {
        long retryAt = System.nanoTime();
        try {
            while (!stopping && problem == null) {
                long read = catchUp();
                boolean tried = false;
                if (due() && System.nanoTime() - retryAt >= 0) {
                    tried = true;
                    try {
                        checkpointNow();
                        failing = null;
                    } catch (OldFilesKept e) {
                        // the checkpoint is there: only what it made obsolete is not gone yet, and the next
                        // checkpoint removes it once it can
                        retryAt = System.nanoTime() + retryNanos();
                        failing = e.getMessage();
                    } catch (RegionException e) {
                        // a checkpoint or its retention that could not be written or deleted (a full disk, an archive
                        // directory gone): the replay is intact, so the next attempt may well succeed. Stopping here
                        // for good would stop retention for the rest of the session, and the journal would grow
                        // without bound after a disk that was full for a moment
                        retryAt = System.nanoTime() + retryNanos();
                        failing = "the last checkpoint failed, retrying every " + retryNanos() / 1_000_000 + " ms: "
                                + (e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                }
                if (!tried && read == 0) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
        } catch (RuntimeException | Error e) { // a background thread: whatever stops it is reported, never lost
            // a constant first: an OutOfMemoryError (the heap full for a moment) may leave no room to build the
            // reason, and a checkpointer that died without one was taken for a healthy one: close() went on replaying
            // from where the error left a record applied part way and wrote a checkpoint of that
            problem = STOPPED;
            try {
                problem = STOPPED + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
            } catch (Throwable noRoom) { // NOPMD
                // the constant says it
            }
        }
    }

    private static final String STOPPED = "checkpointer stopped";

    /** How long the background thread waits before it tries again after a checkpoint failed: the period, or 1 s. */
    private long retryNanos() {
        return policy.every().isZero()
                ? TimeUnit.SECONDS.toNanos(1)
                : policy.every().toNanos();
    }

    /**
     * Replays every record that has arrived (up to a bounded batch, so a background thread looks at its clock).
     *
     * @return events replayed
     */
    public long catchUp() {
        long n = 0;
        long records0 = reader.recordsRead();
        long bytes0 = reader.bytesRead();
        // a bounded batch (so a background thread looks at its clock), ended only at a record's end: a checkpoint of a
        // record applied part way would be wrong
        // a format-2 record is judged and applied whole, in place (LedgerReplay.applyRead); only a marker fills event
        long seen = reader.eventsRead();
        for (int got;
                (n < (1 << 20) || !reader.atRecordEnd())
                        && (got = reader.nextWhole(event)) != JournalReader.NOTHING; ) {
            boolean marker = got == JournalReader.ONE_EVENT || reader.decoder().isMarker();
            if (!replay.applyRead(reader, got, event)) {
                break;
            }
            if (marker && event.kind == EventKind.REGION_CLOSE) {
                sawClose = true;
            } else if (marker && event.kind == EventKind.REGION_OPEN) {
                sawClose = false;
            }
            n += reader.eventsRead() - seen;
            seen = reader.eventsRead();
        }
        recordsSinceCheckpoint += reader.recordsRead() - records0;
        replay.addRecordBytes(reader.bytesRead() - bytes0);
        if (n == 0 && reader.stopReason() != null && problem == null) {
            problem = "the journal could not be read past index " + JournalIndex.format(reader.lastGoodIndex()) + ": "
                    + reader.stopReason() + "; no checkpoint past it will be taken";
        }
        return n;
    }

    /** Whether the policy says a checkpoint is due now. */
    public boolean due() {
        return policy.due(System.nanoTime() - lastCheckpointNanos, recordsSinceCheckpoint);
    }

    /** Reads until no record is left right now. */
    public void catchUpFully() {
        while (catchUp() > 0) {
            // a batch at a time
        }
    }

    /**
     * Writes a checkpoint at the last record replayed, unless one is already there, then removes what it made obsolete
     * (see {@link Policy}).
     *
     * @return the file written, or {@code null} when nothing new was replayed since the last checkpoint
     * @throws OldFilesKept when the checkpoint was written but removing the obsolete files failed
     * @throws RegionException when the checkpoint could not be written
     */
    public Path checkpointNow() {
        if (!reader.atRecordEnd()) {
            throw new IllegalStateException("a record is applied part way: checkpoints are taken between records");
        }
        long at = replay.lastRecord();
        if (at == JournalIndex.NONE || at == lastCheckpointIndex) {
            lastCheckpointNanos = System.nanoTime();
            return null;
        }
        Path file = CheckpointFile.write(layout.checkpoints(), replay, RecordFormat.VERSION);
        lastCheckpointIndex = at;
        lastCheckpointNanos = System.nanoTime();
        recordsSinceCheckpoint = 0;
        checkpointsWritten++;
        try {
            removeObsolete();
        } catch (RegionException e) {
            throw new OldFilesKept(file, e);
        }
        return file;
    }

    /** After a checkpoint: the policy's retention, or all but the newest {@link Policy#keep} checkpoints deleted. */
    private void removeObsolete() {
        if (policy.retain() != null) {
            lastRetention = Retention.retire(
                    layout,
                    nrSlots,
                    policy.keep(),
                    policy.retain().maxJournalBytes(),
                    policy.retain().archive());
        } else {
            prune(layout.checkpoints(), policy.keep());
        }
    }

    /**
     * {@link #checkpointNow} wrote its checkpoint, but removing what it made obsolete (old checkpoints, or the journal
     * files retention retires) failed: the checkpoint is there and usable, the old files only take space until a later
     * checkpoint removes them.
     */
    public static final class OldFilesKept extends RegionException {
        private static final long serialVersionUID = 1L;

        private final transient Path checkpoint;

        OldFilesKept(Path checkpoint, RegionException cause) {
            super(
                    "checkpoint " + checkpoint + " was taken, but removing the old files after it failed ("
                            + cause.getMessage() + "); they stay until a later checkpoint removes them: fix that and"
                            + " nothing else is needed",
                    cause);
            this.checkpoint = checkpoint;
        }

        /** The checkpoint that was written. */
        public Path checkpoint() {
            return checkpoint;
        }
    }

    /** Deletes all but the newest {@code keep} checkpoint files; returns how many were deleted. */
    public static int prune(Path checkpointsDir, int keep) {
        List<CheckpointFile.Entry> all = CheckpointFile.list(checkpointsDir);
        int deleted = 0;
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                Files.deleteIfExists(all.get(i).file());
                deleted++;
            } catch (java.io.IOException e) {
                throw new RegionException(
                        "cannot delete old checkpoint " + all.get(i).file() + ": "
                                + RegionException.reason(e, all.get(i).file()));
            }
        }
        return deleted;
    }

    /** The replay as far as it has read. Only for the thread that drives it (or after {@link #close}). */
    public LedgerReplay replay() {
        return replay;
    }

    /** Checkpoints that could not be used at start, one line each. */
    public List<String> warnings() {
        return start.warnings();
    }

    /**
     * Why the checkpointer stopped, or why the background thread's last checkpoint failed while it retries (see {@link
     * #retrying()}), or that it was taken but the old files after it could not be removed (until a later checkpoint
     * removes them), or {@code null} while it is well.
     */
    public String problem() {
        String p = problem;
        return p != null ? p : failing;
    }

    /**
     * Whether the background thread is running and retrying a checkpoint (or its retention) that failed: {@link
     * #problem()} says why, and clears once a checkpoint is written again.
     */
    public boolean retrying() {
        return problem == null && failing != null;
    }

    /** Whether the last marker read was the writer's REGION_CLOSE (the writer has finished, for now). */
    public boolean writerClosed() {
        return sawClose;
    }

    /** What the last retention pass did, or {@code null} when none ran. */
    public Retention.Result lastRetention() {
        return lastRetention;
    }

    public long checkpointsWritten() {
        return checkpointsWritten;
    }

    public long lastCheckpointIndex() {
        return lastCheckpointIndex;
    }

    /**
     * Stops the background thread (if any) and waits for it; the caller may then drive the checkpointer itself (a
     * final {@link #catchUpFully} and {@link #checkpointNow}).
     */
    public void stop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            Threads.awaitEnd(t, Duration.ofSeconds(30));
            thread = null;
        }
    }

    /** Stops the background thread (if any) and closes the reader; takes no final checkpoint. */
    @Override
    public void close() {
        stop();
        start.close();
    }
}
