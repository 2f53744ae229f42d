package io.framejournal.allocator;

import io.framejournal.journal.Checkpointer;
import java.time.Duration;
import java.util.Objects;
import net.openhft.chronicle.bytes.SyncMode;

/**
 * How a region is opened for writing.
 *
 * @param leakDetection how closely handles are watched for leaks
 * @param syncMode      {@link SyncMode#NONE} (default): every event survives a process kill, as the page cache keeps
 *                      it, and nothing is forced to disk while the region runs, so a power loss keeps only what the
 *                      kernel had written back; {@link SyncMode#SYNC} or {@link SyncMode#ASYNC} also msyncs each
 *                      queue block as Chronicle releases it, narrowing that window. In every mode a clean {@link
 *                      MetaRegion#close()} forces the journal's queue files, then the slot table, then the clean
 *                      status ({@code fdatasync}, once per close, costing what the kernel had not yet written back):
 *                      a region closed clean survives a power loss whole
 * @param checkpoints   when to take checkpoints on a background thread of the writing process, or {@code null} for
 *                      none (then {@code framejournal checkpoint --follow} can take them from another process)
 * @param redoPointEvery how often a background thread records the redo point ({@code redo.point}: the slot table
 *                      forced to disk, then the journal point before which every call is in it), or {@code null} for
 *                      none; recovery then replays only the journal after it
 * @param pretouch       whether a background thread faults in the journal file's pages ahead of the appends
 *                      ({@link io.framejournal.journal.Pretoucher}), so the calling threads do not take those page
 *                      faults; on by default ({@code -Dframejournal.pretouch=false} turns the default off)
 */
public record RegionOptions(
        LeakDetection leakDetection,
        SyncMode syncMode,
        Checkpointer.Policy checkpoints,
        Duration redoPointEvery,
        boolean pretouch) {
    /** The system property that sets {@link #defaults()}'s {@code pretouch} ({@code true} unless "false"). */
    public static final String PRETOUCH_PROPERTY = "framejournal.pretouch";

    /** Refuses options that would fail later, when the region opens or its keeper starts. */
    public RegionOptions {
        Objects.requireNonNull(leakDetection, "the leak detection level is null: pass one of its levels");
        Objects.requireNonNull(syncMode, "the sync mode is null: pass one of its modes (NONE for the default)");
        if (redoPointEvery != null && (redoPointEvery.isNegative() || redoPointEvery.isZero())) {
            throw new IllegalArgumentException("a redo point period must be positive, not " + redoPointEvery
                    + ": pass a positive duration, or null for no redo point");
        }
    }

    public static RegionOptions defaults() {
        return new RegionOptions(
                LeakDetection.fromSystemProperty(),
                SyncMode.NONE,
                null,
                null,
                !"false".equalsIgnoreCase(System.getProperty(PRETOUCH_PROPERTY)));
    }

    public RegionOptions withLeakDetection(LeakDetection level) {
        return new RegionOptions(level, syncMode, checkpoints, redoPointEvery, pretouch);
    }

    public RegionOptions withSyncMode(SyncMode mode) {
        return new RegionOptions(leakDetection, mode, checkpoints, redoPointEvery, pretouch);
    }

    /** Takes checkpoints on a background thread while the region is open, and one at close. */
    public RegionOptions withCheckpoints(Checkpointer.Policy policy) {
        return new RegionOptions(leakDetection, syncMode, policy, redoPointEvery, pretouch);
    }

    /**
     * Records the redo point on a background thread every {@code period} (positive) while the region is open;
     * {@code null} records none.
     */
    public RegionOptions withRedoPoint(Duration period) {
        return new RegionOptions(leakDetection, syncMode, checkpoints, period, pretouch);
    }

    /** Whether a background thread faults in the journal's pages ahead of the appends. */
    public RegionOptions withPretouch(boolean on) {
        return new RegionOptions(leakDetection, syncMode, checkpoints, redoPointEvery, on);
    }
}
