package io.framejournal.replay.cli;

import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.RegionInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The one check every replaying command ({@code audit}, {@code state}, {@code stats}, {@code report}, {@code diff},
 * {@code export}, {@code sql}) makes before it reads anything: whether the JVM's heap can hold the most its replay can
 * need, else a one-line refusal that says how much and how to give it, rather than an {@link OutOfMemoryError} after
 * minutes of work.
 *
 * <p>A replay's state lives in pages of 4,096 frames made when a frame in them is first written (64 bytes a frame,
 * with the ledger's and the report's per-frame pages about 80), so what it holds follows the frames the journal
 * touches, not the frames the region claims. The pages it can make are bounded without reading a record: a record
 * touches one frame or a run of consecutive ones, so at most two pages more than its frames fill; the frames are
 * bounded by the bytes the queue files hold (at least 28 for each frame a record touches: a 16-byte slot header and a
 * 12-byte entry), the records by Chronicle's indices, and a checkpoint a replay may start from holds at most a frame
 * per 16 bytes. A region that claims 2^28 frames but whose journal touched a handful needs a few pages; one whose
 * journal holds billions of events may need all of them. The bound is an upper one: a journal of many records on few
 * pages needs less, and {@code -Dframejournal.heapCheck=false} skips the check.
 */
final class HeapCheck {
    /** Heap a state holds per frame of a page it made (the state's 64 bytes, the ledger's and the report's pages). */
    static final long BYTES_PER_FRAME = 80;
    /** Frames in one page of a replay's state. */
    static final long PAGE_FRAMES = 4096;
    /** The fewest journal bytes that touch one more frame (a format-2 slot header and its smallest entry). */
    static final long JOURNAL_BYTES_PER_FRAME = 28;
    /** The fewest checkpoint bytes that hold one frame's state. */
    static final long CHECKPOINT_BYTES_PER_FRAME = 16;
    /** Heap a command needs besides its replay states: its buffers, the reader's, the JIT's, picocli's. */
    static final long BASE = 16L << 20;
    /** {@link #BASE} for the commands that write Parquet through our encoder (a 65,536-row batch of every column). */
    static final long PARQUET_BASE = 60L << 20;

    private HeapCheck() {}

    /**
     * @param command the subcommand, for the message
     * @param region  the region about to be replayed
     * @param states  replay states the command holds at once (export: its scan's and the audit's)
     * @param base    heap needed besides them ({@link #BASE} or {@link #PARQUET_BASE})
     * @throws RegionException when the heap cannot hold the most the replay can need
     */
    static void require(String command, RegionInput region, int states, long base) {
        if (!Boolean.parseBoolean(System.getProperty("framejournal.heapCheck", "true"))) {
            return;
        }
        long need = need(region, states, base);
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE || need <= max) {
            return;
        }
        long gib = (need + (1L << 30) - 1) >>> 30; // whole GiB, rounded up, as -Xmx takes it
        long mib = ((need >>> 20) / 64 + 1) * 64; // the next multiple of 64 MiB above the need
        String xmx = gib <= 1 ? "-Xmx" + mib + "m" : "-Xmx" + gib + "g";
        throw new RegionException(command + " of " + region.dir() + " may need up to " + Fmt.bytes(need)
                + " of heap (" + states + " replay state(s) of " + BYTES_PER_FRAME + " bytes a frame for up to "
                + Fmt.count(Math.min(region.nrSlots(), pages(region) * PAGE_FRAMES)) + " frames, the most its journal"
                + " can touch of the region's " + Fmt.count(region.nrSlots()) + ", and " + Fmt.bytes(base)
                + " besides), more than this JVM's " + Fmt.bytes(max)
                + ": run it with FRAMEJOURNAL_JAVA_OPTS=" + xmx + " (java " + xmx + " -jar …), or with"
                + " -Dframejournal.heapCheck=false to try with less when the journal touched few of the frames");
    }

    /** The most heap the command can need: {@code base} and {@code states} states of every page it can make. */
    static long need(RegionInput region, int states, long base) {
        long perState = pages(region) * PAGE_FRAMES * BYTES_PER_FRAME + region.nrSlots() / 8; // + bits per frame
        return base + states * perState;
    }

    /**
     * The most pages of frames a replay of the region can make: a record touches one frame or a run of consecutive
     * ones (a segment), so at most two pages more than its frames fill; the journal's bytes bound its frames; each
     * frame a checkpoint holds may lie in a page of its own.
     */
    static long pages(RegionInput region) {
        long bytes;
        long records;
        try (JournalReader reader = region.journal()) {
            bytes = reader.bytesWritten();
            records = reader.recordsAtMost();
        }
        long bound = bytes / JOURNAL_BYTES_PER_FRAME / PAGE_FRAMES
                + 2 * records
                + checkpointBytes(region) / CHECKPOINT_BYTES_PER_FRAME;
        return Math.min((region.nrSlots() + PAGE_FRAMES - 1) / PAGE_FRAMES, bound);
    }

    private static long checkpointBytes(RegionInput region) {
        Path dir = region.layout().checkpoints();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
        } catch (IOException e) {
            return 0; // the replay reports an unreadable checkpoint directory itself
        }
        return total;
    }

    /**
     * The one line for an {@link OutOfMemoryError} the check did not foresee (memory besides the replay's states): what
     * the heap was and how to give more.
     */
    static String outOfMemory(OutOfMemoryError e) {
        long max = Runtime.getRuntime().maxMemory();
        String xmx =
                max == Long.MAX_VALUE ? "-Xmx<size>" : "-Xmx" + Math.max(1, 2 * ((max + (1L << 30) - 1) >>> 30)) + "g";
        return "ran out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage()) + "; this JVM's"
                + " heap is " + (max == Long.MAX_VALUE ? "unlimited" : Fmt.bytes(max)) + "): run it again with a larger"
                + " heap, FRAMEJOURNAL_JAVA_OPTS=" + xmx + " (java " + xmx + " -jar …)";
    }
}
