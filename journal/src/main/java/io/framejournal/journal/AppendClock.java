package io.framejournal.journal;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * Chronicle's clock for a journal writer's queue. Chronicle reads the clock on every append, to find the roll cycle
 * the document goes into; the writer has just read the clock itself, to stamp the record. While a thread appends
 * (between {@link #appending} and {@link #done}), this clock tells that thread the record's own timestamp, so an
 * append reads the system clock once instead of twice, and a record always lands in the cycle its timestamp names.
 * Every other caller, and that thread outside an append, gets the system clock.
 *
 * <p>The fields are plain: only the appending thread writes them and reads them as its own; another thread reading
 * {@link #thread} racily sees another thread or {@code null}, never itself, and falls through to the system clock.
 */
final class AppendClock implements TimeProvider {
    private static final TimeProvider SYSTEM = SystemTimeProvider.INSTANCE;

    /** The thread inside an append, or {@code null}. */
    private Thread thread;
    /** The timestamp of the record that thread is appending, epoch nanoseconds. */
    private long epochNanos;

    /** The calling thread appends a record stamped {@code epochNanos} now. */
    void appending(long epochNanos) {
        this.epochNanos = epochNanos;
        this.thread = Thread.currentThread();
    }

    /** The calling thread's append is over (written or failed). */
    void done() {
        thread = null;
    }

    @Override
    public long currentTimeMillis() {
        return thread == Thread.currentThread() ? epochNanos / 1_000_000L : SYSTEM.currentTimeMillis();
    }

    @Override
    public long currentTimeMicros() {
        return thread == Thread.currentThread() ? epochNanos / 1_000L : SYSTEM.currentTimeMicros();
    }

    @Override
    public long currentTimeNanos() {
        return thread == Thread.currentThread() ? epochNanos : SYSTEM.currentTimeNanos();
    }
}
