package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.ReplayStart;
import java.util.ArrayList;
import java.util.List;

/**
 * The one replay loop of the read-only commands that need a region's state at a point ({@code state}, {@code stats}):
 * from the nearest usable checkpoint at or before the point (or the journal's start) to the point.
 */
public final class Replays {
    private Replays() {}

    /**
     * A replay up to a point.
     *
     * @param replay     everything replay knows there
     * @param checkpoint the checkpoint it started from, or {@link JournalIndex#NONE}
     * @param read       events read from the journal (those past the checkpoint)
     * @param stopReason why reading stopped early, or {@code null}
     * @param warnings   checkpoints that could not be used, and a journal start that was retired
     */
    public record Result(LedgerReplay replay, long checkpoint, long read, String stopReason, List<String> warnings) {
        public long last() {
            return replay.lastRecord();
        }

        public long events() {
            return replay.counter(LedgerReplay.Counter.EVENTS);
        }
    }

    /** Replays up to and including {@code at} ({@link JournalIndex#NONE}: the end). */
    public static Result upTo(RegionInput region, long at, Progress progress) {
        List<String> warnings = new ArrayList<>();
        if (region.statusWarning() != null) {
            warnings.add(region.statusWarning());
        }
        try (ReplayStart start = ReplayStart.open(
                region.layout().journal(), region.layout().checkpoints(), region.nrSlots(), at, true)) {
            warnings.addAll(start.warnings());
            LedgerReplay replay = start.replay();
            JournalReader reader = start.reader();
            LedgerPass.Outcome pass = LedgerPass.run(reader, replay, at, progress, LedgerPass.BeforeRecord.NONE);
            long read = pass.read();
            replay.addRecordBytes(pass.bytes());
            String missing = start.missingStart(read == 0 ? -1 : reader.firstSeqRead());
            if (missing != null) {
                warnings.add(missing);
            }
            String stop = JournalEnd.problem(reader, region, replay.lastRecord(), at != JournalIndex.NONE);
            return new Result(
                    replay,
                    start.fromCheckpoint() ? start.checkpoint().index() : JournalIndex.NONE,
                    read,
                    stop,
                    List.copyOf(warnings));
        }
    }
}
