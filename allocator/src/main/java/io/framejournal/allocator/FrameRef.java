package io.framejournal.allocator;

/**
 * A borrowed reference to a frame (OSTD's {@code FrameRef}): no handle, no obligation, no reference count change.
 * Valid while the frame handle it was borrowed from is; using it after is an {@link IllegalStateException}.
 *
 * @param <M> the metadata type
 */
public final class FrameRef<M> {
    private final Frame<M> frame;

    FrameRef(Frame<M> frame) {
        this.frame = frame;
    }

    public long startPaddr() {
        return frame.startPaddr();
    }

    public M meta() {
        return frame.meta();
    }

    public long referenceCount() {
        return frame.referenceCount();
    }

    /** A new owned handle to the borrowed frame (refcount +1). */
    public Frame<M> toOwned() {
        return frame.clone();
    }
}
