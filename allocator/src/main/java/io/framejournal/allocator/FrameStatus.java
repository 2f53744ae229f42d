package io.framejournal.allocator;

import io.framejournal.journal.RefCount;

/** What a frame's reference count says about it; OSTD's reading of {@code MetaSlot::ref_count}. */
public enum FrameStatus {
    /** Reference count {@code UNUSED}: the frame is free. */
    FREE,
    /** Reference count {@code UNIQUE}: one {@link UniqueFrame} owns it. */
    UNIQUE,
    /** Reference count 1..MAX: shared by frame handles and raw references. */
    SHARED,
    /** Reference count 0: under construction or destruction; only ever seen inside an operation (or torn by a crash). */
    BUSY,
    /** A reference count no operation can produce (between MAX and UNIQUE as unsigned). */
    ILLEGAL;

    /** The status a raw reference count implies. */
    public static FrameStatus of(long refCount) {
        if (refCount == RefCount.UNUSED) {
            return FREE;
        }
        if (refCount == RefCount.UNIQUE) {
            return UNIQUE;
        }
        if (refCount == 0) {
            return BUSY;
        }
        return refCount > 0 ? SHARED : ILLEGAL;
    }
}
