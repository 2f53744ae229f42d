package io.framejournal.journal;

import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.noop.NoOpPosixAPI;

/**
 * Chronicle's POSIX binding ({@code net.openhft.posix}, through JNR), loaded on first use: the journal's guards against
 * a full disk ({@link JournalSpace}, {@link ReadablePages}) and the {@link Pretoucher} call it, and a JVM that never
 * needs them never loads it.
 */
final class NativePosix {
    /** The binding, or {@code null} where there is none (another OS, or no native library for it). */
    static final PosixAPI API = load();

    private NativePosix() {}

    private static PosixAPI load() {
        try {
            PosixAPI p = PosixAPI.posix();
            return p instanceof NoOpPosixAPI ? null : p;
        } catch (Throwable t) { // no native library for the binding: the callers go unguarded, as before
            return null;
        }
    }
}
