package io.framejournal.journal;

import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Appends fixed-layout {@link JournalEvent} records to a Chronicle Queue. Thread-safe: each thread appends
 * through its own {@link Lane} (appender plus a reusable off-heap buffer), so appending allocates nothing.
 */
public final class JournalWriter implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final Queue<Lane> lanes = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Lane> lane = ThreadLocal.withInitial(this::newLane);
    private final long epochNanosAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoTimeAtStart = System.nanoTime();
    private volatile boolean closed;

    private JournalWriter(SingleChronicleQueue queue) {
        this.queue = queue;
    }

    public static JournalWriter open(Path journalDir, SyncMode syncMode) {
        return new JournalWriter(Chronicle.writableQueue(journalDir, syncMode));
    }

    /** The calling thread's lane; keep it for the length of one operation to skip the thread-local lookup. */
    public Lane lane() {
        if (closed) {
            throw new IllegalStateException("journal is closed");
        }
        return lane.get();
    }

    /** Appends one event from the calling thread and sets its index, thread and timestamp. */
    public long append(JournalEvent e) {
        return lane().append(e);
    }

    /** Index of the last event written to the queue by anyone, or {@link JournalIndex#NONE}. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? JournalIndex.NONE : last;
    }

    public SingleChronicleQueue queue() {
        return queue;
    }

    private Lane newLane() {
        Lane l = new Lane(queue.createAppender(), (int) Thread.currentThread().getId());
        lanes.add(l);
        return l;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Lane l : lanes) {
            l.close();
        }
        queue.close();
    }

    /** One thread's way into the journal. Not thread-safe; owned by the thread that made it. */
    public final class Lane {
        private final ExcerptAppender appender;
        private final Bytes<?> buffer = Bytes.allocateDirect(JournalEvent.SIZE);
        private final int threadId;

        Lane(ExcerptAppender appender, int threadId) {
            this.appender = appender;
            this.threadId = threadId;
            appender.singleThreadedCheckDisabled(true);
        }

        public long append(JournalEvent e) {
            e.thread = threadId;
            e.timestamp = epochNanosAtStart + (System.nanoTime() - nanoTimeAtStart);
            buffer.clear();
            e.writeTo(buffer);
            appender.writeBytes(buffer);
            long index = appender.lastIndexAppended();
            e.index = index;
            return index;
        }

        void close() {
            appender.close();
            buffer.releaseLast();
        }
    }
}
