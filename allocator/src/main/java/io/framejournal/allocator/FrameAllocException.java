package io.framejournal.allocator;

/** OSTD's {@code Error::NoMemory} or a bad request: no frames allocated, nothing changed. */
public final class FrameAllocException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FrameAllocException(String message) {
        super(message);
    }
}
