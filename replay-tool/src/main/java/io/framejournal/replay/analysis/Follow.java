package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a journal that a writer may still be appending to, as {@code tail -f} does: every event as it arrives, then,
 * at the moving end, a short sleep and another look. Only {@link JournalReader} is used: a read-only Chronicle tailer,
 * no lock, no byte written (the writer never knows it is watched).
 *
 * <p>It ends: at the writer's close (a REGION_CLOSE with nothing after it once caught up; a later session's
 * REGION_OPEN carries on), past {@code until} (an index: the first event after it; a time: the first event written
 * after it, or the clock passing it while nothing arrives), when {@link #stop()} is called (the CLI's shutdown hook on
 * Ctrl-C), or where the journal cannot be read further.
 */
public final class Follow {
    /** What the caller does with events and quiet moments. */
    public interface Listener {
        /** Every event, in journal order (the caller filters). */
        void event(JournalEvent e);

        /** Called at the moving end (before each sleep) and about every {@code tickMillis} while events flow. */
        void tick(long nowNanos);
    }

    /** Why following ended. */
    public enum End {
        /** The writer closed the region. */
        CLOSED,
        /** Past {@code --until}. */
        UNTIL,
        /** {@link #stop()} (Ctrl-C). */
        STOPPED,
        /** The journal could not be read further ({@link #stopReason()}). */
        UNREADABLE
    }

    private static final long MIN_SLEEP_NANOS = 2_000_000L;
    private static final long MAX_SLEEP_NANOS = 100_000_000L;

    private final RegionInput region;
    private final Position until;
    private final String untilOption;
    private final long tickNanos;
    private volatile boolean stopRequested;
    private String stopReason;
    private long events;
    private long last = JournalIndex.NONE;

    /**
     * @param region     the region to follow
     * @param until      where to end, or {@code null}
     * @param tickMillis how often {@link Listener#tick} is called while events flow
     */
    public Follow(RegionInput region, Position until, long tickMillis) {
        this(region, until, "--until", tickMillis);
    }

    /**
     * @param region      the region to follow
     * @param until       where to end, or {@code null}
     * @param untilOption the option that gave {@code until} ({@code --until}, {@code dump --to}), for {@link #describe}
     * @param tickMillis  how often {@link Listener#tick} is called while events flow
     */
    public Follow(RegionInput region, Position until, String untilOption, long tickMillis) {
        this.region = region;
        this.until = until;
        this.untilOption = untilOption;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
    }

    /** Asks the loop to end at its next look (any thread; returns at once). */
    public void stop() {
        stopRequested = true;
    }

    /** Follows from the journal's first event ({@code from} {@link JournalIndex#NONE}) or from {@code from}. */
    public End run(long from, Listener listener) {
        JournalEvent e = new JournalEvent();
        long sleep = MIN_SLEEP_NANOS;
        long lastTick = System.nanoTime();
        boolean closed = false;
        try (JournalReader reader = open(from)) {
            while (!stopRequested) {
                if (reader.next(e)) {
                    sleep = MIN_SLEEP_NANOS;
                    if (pastUntil(e)) {
                        return End.UNTIL;
                    }
                    events++;
                    last = e.index;
                    listener.event(e);
                    closed = e.kind == EventKind.REGION_CLOSE || (closed && e.kind != EventKind.REGION_OPEN);
                    long now = System.nanoTime();
                    if (now - lastTick >= tickNanos) {
                        lastTick = now;
                        listener.tick(now);
                    }
                    continue;
                }
                if (reader.stopReason() != null) {
                    stopReason = reader.stopReason();
                    return End.UNREADABLE;
                }
                long now = System.nanoTime();
                lastTick = now;
                listener.tick(now);
                if (closed || region.closedAt(last)) { // closedAt: a region closed, or recovered, before we caught up
                    return End.CLOSED;
                }
                if (until != null && until.isTime() && System.currentTimeMillis() * 1_000_000L > until.value()) {
                    return End.UNTIL;
                }
                LockSupport.parkNanos(sleep);
                sleep = Math.min(MAX_SLEEP_NANOS, sleep * 2);
            }
            return End.STOPPED;
        }
    }

    private JournalReader open(long from) {
        JournalReader reader = region.journal();
        if (from != JournalIndex.NONE && !reader.moveTo(from)) {
            reader.close();
            reader = region.journal(); // not an exact index: read from the start
        }
        return reader;
    }

    private boolean pastUntil(JournalEvent e) {
        if (until == null) {
            return false;
        }
        return until.isTime() ? e.timestamp > until.value() : Long.compareUnsigned(e.index, until.value()) > 0;
    }

    /** Events handed to the listener. */
    public long events() {
        return events;
    }

    /** Index of the last event handed to the listener, or {@link JournalIndex#NONE}. */
    public long lastIndex() {
        return last;
    }

    /** Why the journal could not be read further ({@link End#UNREADABLE}), else {@code null}. */
    public String stopReason() {
        return stopReason;
    }

    /** One line for stderr: how following ended. */
    public static String describe(End end, Follow f) {
        String upTo = Fmt.count(f.events()) + " event(s), last " + JournalIndex.format(f.lastIndex());
        switch (end) {
            case CLOSED:
                return "followed to the writer's close: " + upTo;
            case UNTIL:
                return "followed to " + f.untilOption + " " + f.until + ": " + upTo;
            case STOPPED:
                return "stopped following (interrupted): " + upTo;
            default:
                return "journal reading stopped: " + f.stopReason();
        }
    }
}
