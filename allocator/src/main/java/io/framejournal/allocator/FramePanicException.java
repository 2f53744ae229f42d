package io.framejournal.allocator;

/**
 * A seed {@code may_panic} precondition broken (split at 0, slice out of range, reference count at MAX, an empty
 * range): a programming error. Thrown before anything is journaled; slots, ledger and journal are unchanged.
 */
public final class FramePanicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FramePanicException(String message) {
        super(message);
    }
}
