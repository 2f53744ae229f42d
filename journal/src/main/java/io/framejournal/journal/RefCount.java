package io.framejournal.journal;

/**
 * OSTD's reference-count sentinels, in a Java {@code long}. OSTD keeps a {@code u64}: {@code UNUSED = 2^64-1}
 * and {@code UNIQUE = 2^64-2} are -1 and -2 here, {@code MAX = 2^63-1} is {@link Long#MAX_VALUE}.
 */
public final class RefCount {
    /** The slot is free. */
    public static final long UNUSED = -1L;
    /** The slot is owned by exactly one {@code UniqueFrame}. */
    public static final long UNIQUE = -2L;
    /** The largest shared count; incrementing past it is a panic in OSTD. */
    public static final long MAX = Long.MAX_VALUE;

    private RefCount() {}

    public static boolean isShared(long rc) {
        return rc > 0; // 1..MAX; MAX is Long.MAX_VALUE so every positive long is shared
    }

    /** A value that may legally sit in a slot: UNUSED, UNIQUE, 0 or 1..MAX. */
    public static boolean isLegal(long rc) {
        return rc >= 0 || rc == UNUSED || rc == UNIQUE;
    }

    /**
     * Whether one step of a slot's reference count is a transition the model allows:
     * UNUSED→0 (claim), 0→1 / 0→UNIQUE (publish), 0→UNUSED (release), n→n+k within 1..MAX (increments),
     * n→n-1 (decrement, possibly to 0), UNIQUE→1 and 1→UNIQUE (conversion), UNIQUE→0 (unique drop).
     */
    public static boolean isLegalStep(long before, long after) {
        if (before == UNUSED) {
            return after == 0;
        }
        if (before == 0) {
            return after == 1 || after == UNIQUE || after == UNUSED;
        }
        if (before == UNIQUE) {
            return after == 1 || after == 0;
        }
        if (before > 0) {
            return (after > before) || after == before - 1 || (before == 1 && after == UNIQUE);
        }
        return false;
    }

    /** Human form: UNUSED, UNIQUE, MAX or the number. */
    public static String describe(long rc) {
        if (rc == UNUSED) {
            return "UNUSED";
        }
        if (rc == UNIQUE) {
            return "UNIQUE";
        }
        if (rc == MAX) {
            return "MAX";
        }
        return rc < 0 ? "ILLEGAL(" + Long.toUnsignedString(rc) + ")" : Long.toString(rc);
    }

    /** The status name a slot's reference count implies. */
    public static String status(long rc) {
        if (rc == UNUSED) {
            return "free";
        }
        if (rc == UNIQUE) {
            return "unique";
        }
        if (rc == 0) {
            return "busy";
        }
        return rc > 0 ? "shared" : "illegal";
    }
}
