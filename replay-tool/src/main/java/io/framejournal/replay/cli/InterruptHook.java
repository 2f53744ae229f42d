package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.Follow;

/**
 * Ctrl-C (SIGINT, or SIGTERM) while following: a JVM shutdown hook that stops the {@link Follow} loop and waits
 * (at most {@value #WAIT_MILLIS} ms) until the command has flushed its output and printed its summary, so the last
 * line written is whole. The JVM then exits with the signal's status (130 for SIGINT). Removed again on a normal end.
 */
final class InterruptHook implements AutoCloseable {
    static final long WAIT_MILLIS = 5_000;

    private final Follow follow;
    private final Thread hook;

    private InterruptHook(Follow follow) {
        this.follow = follow;
        this.hook = new Thread(() -> follow.stopAndAwait(WAIT_MILLIS), "framejournal-interrupt");
    }

    static InterruptHook install(Follow follow) {
        InterruptHook h = new InterruptHook(follow);
        Runtime.getRuntime().addShutdownHook(h.hook);
        return h;
    }

    /** The command has written everything: an interrupt waiting in the hook may let the JVM go. */
    void done() {
        follow.finished();
    }

    @Override
    public void close() {
        follow.finished();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and lets the JVM exit once finished() was called
        }
    }
}
