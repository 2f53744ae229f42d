package io.framejournal.journal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for one of our background threads (pretouch, read-ahead, checkpointer, redo point keeper) to end once it has
 * been told to stop, before closing what it uses: the files and mappings would otherwise go from under it. The wait
 * does not give up when the waiting thread is interrupted (a thread stopped with {@code shutdownNow} closing its
 * region); the interrupt is kept and set again when the wait is over.
 */
public final class Threads {
    private Threads() {}

    /** Waits until {@code thread} has ended. */
    public static void awaitEnd(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        Interrupts.restore(interrupted);
    }

    /** Waits until {@code thread} has ended, at most {@code timeout}. @return whether it ended */
    public static boolean awaitEnd(Thread thread, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            Interrupts.restore(interrupted);
        }
    }
}
