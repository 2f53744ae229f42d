package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.ReplayState;
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
     * @param slotTableBytes  size of the slot table file (0 for an archive, or when it is missing)
     * @param slotTableMissing a region (not an archive) without its slot table file
     * @param writer          for a region not closed cleanly: whether its writer is live or died ({@code "live (pid
     *                        N)"}, {@code "died (pid N is gone)"}), or {@code null} when clean or not on record
     * @param stopReason      why reading stopped early, or {@code null}
     */
    public record Report(
            Path dir,
            int nrSlots,
            long maxPaddr,
            boolean clean,
            boolean archive,
            String writer,
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
            boolean slotTableMissing,
            String stopReason) {
        /** Journal bytes per event, measured. */
        public double bytesPerEvent() {
            return events == 0 ? 0 : recordBytes / (double) events;
        }
    }

    public static Report of(RegionInput region, Progress progress) {
        Replays.Result r = Replays.upTo(region, JournalIndex.NONE, progress);
        LedgerReplay replay = r.replay();
        long events = r.events();
        long records = replay.counter(LedgerReplay.Counter.RECORDS);
        long recordBytes = replay.counter(LedgerReplay.Counter.RECORD_BYTES);
        long first = events == 0 ? JournalIndex.NONE : replay.counter(LedgerReplay.Counter.FIRST_INDEX);
        long last = r.last();
        long t0 = replay.counter(LedgerReplay.Counter.FIRST_TIME);
        long t1 = replay.counter(LedgerReplay.Counter.LAST_TIME);
        long recoveries = replay.counter(LedgerReplay.Counter.RECOVERIES);
        String stop = r.stopReason();
        ReplayState state = replay.state();
        long[] kinds = new long[EventKind.values().length];
        for (EventKind k : EventKind.values()) {
            kinds[k.ordinal()] = replay.counter(LedgerReplay.Counter.BY_KIND + (k.code() & 0xff));
        }
        long[] ops = new long[256];
        for (int op = 0; op < 256; op++) {
            ops[op] = replay.counter(LedgerReplay.Counter.BY_OP + op);
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
        java.util.List<String> warnings = new java.util.ArrayList<>(r.warnings());
        if (!region.archive() && !region.hasSlotTable()) {
            // counted from the journal all the same, but a region without its table cannot be opened or recovered:
            // "0 B slot table" and exit 0 said nothing of it
            warnings.add("slot table " + region.layout().slots() + " is missing: these counts come from the journal;"
                    + " the region cannot be opened or recovered without it");
        }
        StateAt.Report frames = StateAt.summarize(
                region, JournalIndex.NONE, -1, new StateAt.ReplayResult(state, events, last, stop, warnings));
        long[] files = journalFiles(region.layout().journal());
        long slotBytes = sizeOf(region.layout().slots());
        return new Report(
                region.dir(),
                region.nrSlots(),
                region.config().maxPaddr(),
                region.clean(),
                region.archive(),
                region.clean() ? null : io.framejournal.journal.WriterIdentity.describe(region.dir()),
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
                !region.archive() && !region.hasSlotTable(),
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
