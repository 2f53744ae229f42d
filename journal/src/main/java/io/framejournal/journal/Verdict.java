package io.framejournal.journal;

/** What {@link Transition#apply} found when it applied one event to a slot. */
public enum Verdict {
    /** The event follows from the slot's state and is a legal step. */
    OK,
    /** The event's "before" differs from the slot's state: an event was lost, reordered or forged. */
    CONTINUITY,
    /** The step is not one the model allows (e.g. reference count UNUSED→1). */
    ILLEGAL_TRANSITION,
    /** A forgotten reference restored when none was forgotten (from_raw without into_raw). */
    DOUBLE_FREE,
    /** A count taken below zero (obligations, raw references or the reference count). */
    UNDERFLOW,
    /** A reference count taken past MAX. */
    OVERFLOW,
    /** Metadata of another type than the slot holds, or written over initialized metadata. */
    META_MISMATCH,
    /** The event names a slot outside the region. */
    BAD_SLOT
}
