package io.framejournal.allocator;

/** OSTD's {@code GetFrameError}: why a frame could not be had. */
public enum GetFrameError {
    /** The frame is in use (shared). */
    IN_USE,
    /** The frame is free, but the call needs it in use. */
    UNUSED,
    /** The frame is being constructed or destructed by another thread (refCount 0). */
    BUSY,
    /** The frame is owned by a {@code UniqueFrame}. */
    UNIQUE,
    /** The address is at or past maxPaddr. */
    OUT_OF_BOUND,
    /** The address is not page-aligned. */
    NOT_ALIGNED
}
