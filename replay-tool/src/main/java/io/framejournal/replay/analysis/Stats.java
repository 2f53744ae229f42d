package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Counts over a whole journal: events by kind and op, frames by status and usage, size, time span, sessions. */
public final class Stats {
    private Stats() {}

    /**
     * @param dir             the region
     * @param nrSlots         frames
     * @param maxPaddr        end of physical memory
     * @param clean           closed cleanly
     * @param events          events read
     * @param records         records (documents) read: one per call in format 2
     * @param recordBytes     bytes of those records, each with Chronicle's 4-byte document header
     * @param firstIndex      first event
     * @param lastIndex       last event
     * @param firstTimestamp  epoch nanoseconds of the first event
     * @param lastTimestamp   epoch nanoseconds of the last event
     * @param byKind          events by kind (non-zero only)
     * @param byOp            events by op (non-zero only)
     * @param sessions        REGION_OPEN events
     * @param cleanCloses     REGION_CLOSE events
     * @param recoveries      finished recoveries
     * @param frames          frames by status and usage at the end ({@link StateAt.Report})
     * @param journalFiles    queue files
     * @param journalBytes    apparent size of the journal directory (queue files are sparse, grown in 4 MiB blocks)
     * @param slotTableBytes  size of the slot table file
     * @param stopReason      why reading stopped early, or {@code null}
     */
    public record Report(
            Path dir,
            int nrSlots,
            long maxPaddr,
            boolean clean,
            long events,
            long records,
            long recordBytes,
            long firstIndex,
            long lastIndex,
            long firstTimestamp,
            long lastTimestamp,
            Map<String, Long> byKind,
            Map<String, Long> byOp,
            long sessions,
            long cleanCloses,
            long recoveries,
            StateAt.Report frames,
            long journalFiles,
            long journalBytes,
            long slotTableBytes,
            String stopReason) {
        /** Journal bytes per event, measured. */
        public double bytesPerEvent() {
            return events == 0 ? 0 : recordBytes / (double) events;
        }
    }

    public static Report of(RegionInput region, Progress progress) {
        long[] kinds = new long[EventKind.values().length];
        long[] ops = new long[256];
        ReplayState state = new ReplayState(region.nrSlots());
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        long events = 0;
        long first = JournalIndex.NONE;
        long last = JournalIndex.NONE;
        long t0 = 0;
        long t1 = 0;
        long recoveries = 0;
        String stop;
        long records;
        long recordBytes;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                if (events == 0) {
                    first = e.index;
                    t0 = e.timestamp;
                }
                last = e.index;
                t1 = e.timestamp;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events, reader.recordsRead());
                }
                kinds[e.kind.ordinal()]++;
                ops[e.op]++;
                if (e.kind == EventKind.RECOVERY && e.after == 1) {
                    recoveries++;
                }
                state.apply(e, scratch);
            }
            stop = JournalEnd.problem(reader, region, last, false);
            records = reader.recordsRead();
            recordBytes = reader.bytesRead();
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (EventKind k : EventKind.values()) {
            if (kinds[k.ordinal()] != 0) {
                byKind.put(k.name(), kinds[k.ordinal()]);
            }
        }
        Map<String, Long> byOp = new LinkedHashMap<>();
        for (OpCode o : OpCode.values()) {
            if (ops[o.code()] != 0) {
                byOp.put(o.name(), ops[o.code()]);
            }
        }
        StateAt.Report frames =
                StateAt.summarize(region, JournalIndex.NONE, -1, new StateAt.ReplayResult(state, events, last, stop));
        long[] files = journalFiles(region.layout().journal());
        long slotBytes = sizeOf(region.layout().slots());
        return new Report(
                region.dir(),
                region.nrSlots(),
                region.config().maxPaddr(),
                region.clean(),
                events,
                records,
                recordBytes,
                first,
                last,
                t0,
                t1,
                byKind,
                byOp,
                kinds[EventKind.REGION_OPEN.ordinal()],
                kinds[EventKind.REGION_CLOSE.ordinal()],
                recoveries,
                frames,
                files[0],
                files[1],
                slotBytes,
                stop);
    }

    private static long[] journalFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            long[] out = new long[2];
            s.filter(Files::isRegularFile).forEach(p -> {
                if (p.getFileName().toString().endsWith(".cq4")) {
                    out[0]++;
                }
                out[1] += sizeOf(p);
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
