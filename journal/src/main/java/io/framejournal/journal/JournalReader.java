package io.framejournal.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Streams a journal's events, with their indices, from a read-only queue. A record that fails validation or
 * a queue file Chronicle cannot parse ends the stream; {@link #stopReason()} then says where and why, so a
 * report can cover the readable prefix and name where reading stopped.
 */
public final class JournalReader implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private String stopReason;
    private long lastGoodIndex = JournalIndex.NONE;
    private long count;

    private JournalReader(SingleChronicleQueue queue) {
        this.queue = queue;
        this.tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
    }

    /** Opens a region's journal directory read-only; a missing or unreadable journal is a {@link RegionException}. */
    public static JournalReader open(Path journalDir) {
        if (!Files.isDirectory(journalDir)) {
            throw new RegionException(journalDir + " is not a journal directory");
        }
        try (var files = Files.list(journalDir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".cq4"))) {
                throw new RegionException(journalDir + " holds no journal files (*.cq4)");
            }
        } catch (java.io.IOException e) {
            throw new RegionException("cannot list " + journalDir + ": " + e.getMessage());
        }
        try {
            return new JournalReader(Chronicle.readOnlyQueue(journalDir));
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            throw new RegionException("cannot open journal " + journalDir + ": " + oneLine(e));
        }
    }

    /** Positions the reader so the next event read is the one at {@code index} (or the first after it). */
    public boolean moveTo(long index) {
        try {
            return tailer.moveToIndex(index);
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            stopReason = "cannot seek to index " + JournalIndex.format(index) + ": " + oneLine(e);
            return false;
        }
    }

    /**
     * Reads the next event into {@code into}.
     *
     * @return false at the end of the journal or where reading stopped (then {@link #stopReason()} is set)
     */
    public boolean next(JournalEvent into) {
        if (stopReason != null) {
            return false;
        }
        // A loop, not recursion, over metadata documents: a damaged file can hold very many of them.
        for (long metadata = 0; metadata <= MAX_METADATA_RUN; metadata++) {
            int outcome = readOne(into);
            if (outcome != METADATA) {
                return outcome == EVENT;
            }
        }
        stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + ": more than "
                + MAX_METADATA_RUN + " metadata records in a row";
        return false;
    }

    private static final int EVENT = 0;
    private static final int METADATA = 1;
    private static final int STOP = 2;
    /** Chronicle writes a handful of metadata records per queue file; a run this long means damage. */
    private static final long MAX_METADATA_RUN = 1 << 20;

    private int readOne(JournalEvent into) {
        boolean atEnd = false;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                atEnd = true;
                return STOP;
            }
            if (dc.isMetaData()) {
                return METADATA;
            }
            String problem = into.readFrom(dc.wire().bytes(), dc.index());
            if (problem != null) {
                stopReason = problem;
                return STOP;
            }
            lastGoodIndex = into.index;
            count++;
            return EVENT;
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            // InternalError: a read past the end of a truncated, memory-mapped file (SIGBUS);
            // StackOverflowError: Chronicle recursing over damaged cycle bookkeeping in metadata.cq4t
            stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + " (" + oneLine(e)
                    + "): the file was truncated or damaged there";
            return STOP;
        } finally {
            if (atEnd) {
                checkNothingMissing();
            }
        }
    }

    /**
     * At the end of the readable events: when the queue's own bookkeeping says events were written past the last
     * readable one, the file was truncated or damaged there, and that is a stop, not the end. A writer appending at
     * this moment makes the index run ahead of what was readable a moment ago; then the next event is now there
     * ({@code moveToIndex} finds it, leaving the tailer on it) and this is only the end for now.
     */
    private void checkNothingMissing() {
        if (lastGoodIndex == JournalIndex.NONE) {
            return;
        }
        long last;
        try {
            last = queue.lastIndex();
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            stopReason = "journal ends at index " + JournalIndex.format(lastGoodIndex) + " and its index past it is unreadable ("
                    + oneLine(e) + "): the file was truncated or damaged there";
            return;
        }
        if (last > lastGoodIndex && !nextIsThereNow()) {
            stopReason = "journal ends at index " + JournalIndex.format(lastGoodIndex) + " but records events up to "
                    + JournalIndex.format(last) + ": the file was truncated or damaged there";
        }
    }

    private boolean nextIsThereNow() {
        try {
            return tailer.moveToIndex(lastGoodIndex + 1);
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            return false;
        }
    }

    /** Why reading stopped before the end, or {@code null} when the journal read cleanly so far. */
    public String stopReason() {
        return stopReason;
    }

    public long lastGoodIndex() {
        return lastGoodIndex;
    }

    public long eventsRead() {
        return count;
    }

    /** Index of the first event, or {@link JournalIndex#NONE} for an empty journal. */
    public long firstIndex() {
        long first;
        try {
            first = queue.firstIndex();
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            throw new RegionException("journal index unreadable: " + oneLine(e));
        }
        return first == Long.MAX_VALUE || first < 0 ? JournalIndex.NONE : first;
    }

    /** Index of the last event written, or {@link JournalIndex#NONE}. */
    public long lastIndex() {
        long last;
        try {
            last = queue.lastIndex();
        } catch (RuntimeException | AssertionError | InternalError | StackOverflowError e) {
            throw new RegionException("journal index unreadable: " + oneLine(e));
        }
        return last < 0 ? JournalIndex.NONE : last;
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
