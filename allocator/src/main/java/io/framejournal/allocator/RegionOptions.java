package io.framejournal.allocator;

import net.openhft.chronicle.bytes.SyncMode;

/**
 * How a region is opened for writing.
 *
 * @param leakDetection how closely handles are watched for leaks
 * @param syncMode      {@link SyncMode#NONE} (default): every event survives a process kill, as the page cache keeps
 *                      it; {@link SyncMode#SYNC} or {@link SyncMode#ASYNC} also msyncs queue files, for power loss
 */
public record RegionOptions(LeakDetection leakDetection, SyncMode syncMode) {
    public static RegionOptions defaults() {
        return new RegionOptions(LeakDetection.fromSystemProperty(), SyncMode.NONE);
    }

    public RegionOptions withLeakDetection(LeakDetection level) {
        return new RegionOptions(level, syncMode);
    }

    public RegionOptions withSyncMode(SyncMode mode) {
        return new RegionOptions(leakDetection, mode);
    }
}
