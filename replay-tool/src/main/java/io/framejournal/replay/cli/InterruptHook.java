package io.framejournal.replay.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, or SIGTERM) during a long-running command (following a journal, simulating): a JVM shutdown hook
 * that asks the command's loop to stop and waits (at most {@link #waitMillis} ms) until the command has finished its
 * work, flushed its output and printed its summary, so the last line written is whole and, for {@code simulate}, the
 * region is closed cleanly. The JVM then exits with the signal's status (130 for SIGINT). Removed again on a normal
 * end.
 */
final class InterruptHook implements AutoCloseable {
    /** How long a follow may take to print its summary (for {@code audit}, the whole audit) after Ctrl-C. */
    static final long WAIT_MILLIS = 30_000;

    private final Runnable stop;
    private final long waitMillis;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean fired;

    private InterruptHook(Runnable stop, long waitMillis) {
        this.stop = stop;
        this.waitMillis = waitMillis;
        this.hook = new Thread(this::interrupted, "framejournal-interrupt");
    }

    /** Installs a hook that calls {@code stop} on Ctrl-C and waits up to {@code waitMillis} for {@link #done()}. */
    static InterruptHook install(Runnable stop, long waitMillis) {
        InterruptHook h = new InterruptHook(stop, waitMillis);
        Runtime.getRuntime().addShutdownHook(h.hook);
        return h;
    }

    /** {@link #install(Runnable, long)} with {@value #WAIT_MILLIS} ms. */
    static InterruptHook install(Runnable stop) {
        return install(stop, WAIT_MILLIS);
    }

    private void interrupted() {
        fired = true;
        stop.run();
        try {
            finished.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether Ctrl-C (or SIGTERM) has arrived: the JVM exits once {@link #done()} is called. */
    boolean fired() {
        return fired;
    }

    /** The command has written everything: an interrupt waiting in the hook may let the JVM go. */
    void done() {
        finished.countDown();
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and lets the JVM exit once done() was called
        }
    }
}
