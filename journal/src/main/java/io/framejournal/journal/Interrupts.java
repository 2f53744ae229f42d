package io.framejournal.journal;

/**
 * File I/O on a thread that may have been interrupted. An interrupt closes a {@code FileChannel} under the thread that
 * uses it ({@code ClosedByInterruptException}), for every later user of that channel too. A simulator that stops its
 * threads with interrupts ({@code ExecutorService.shutdownNow}) still has to close its region clean, and a call that
 * records a new call site on an interrupted thread must not close the site table under the region. So those writes
 * run with the calling thread's interrupt status cleared, and set again afterwards for the caller:
 *
 * <pre>{@code
 * boolean interrupted = Interrupts.clear();
 * try {
 *     ... // channel writes
 * } finally {
 *     Interrupts.restore(interrupted);
 * }
 * }</pre>
 *
 * An interrupt that arrives during the writes themselves can still close the channel; each user reopens it (or
 * fails cleanly) then.
 */
public final class Interrupts {
    private Interrupts() {}

    /** Clears the calling thread's interrupt status. @return whether it was set (give it to {@link #restore}) */
    public static boolean clear() {
        return Thread.interrupted();
    }

    /** Runs {@code action} with the interrupt status cleared, and sets it again afterwards when it was set. */
    public static <T> T deferredDuring(java.util.function.Supplier<T> action) {
        boolean interrupted = clear();
        try {
            return action.get();
        } finally {
            restore(interrupted);
        }
    }

    /** Sets the calling thread's interrupt status again when it was set before {@link #clear}. */
    public static void restore(boolean wasInterrupted) {
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
