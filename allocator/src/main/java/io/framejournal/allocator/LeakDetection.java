package io.framejournal.allocator;

/**
 * How closely handles are watched for being dropped without {@code close()}, like Netty's leak detector levels.
 * A noticed leak is journaled as a {@code LEAKED_HANDLE} event; its obligation stays outstanding either way.
 */
public enum LeakDetection {
    /** No tracking: no cost per handle. */
    DISABLED,
    /** One handle in {@value LeakTracker#SAMPLE_INTERVAL} is tracked. */
    SAMPLED,
    /** Every handle is tracked (a Cleaner registration each). */
    PARANOID;

    /** The level named by system property {@code framejournal.leakDetection}, SAMPLED when unset. */
    public static LeakDetection fromSystemProperty() {
        String v = System.getProperty("framejournal.leakDetection");
        if (v == null || v.isBlank()) {
            return SAMPLED;
        }
        try {
            return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "framejournal.leakDetection must be DISABLED, SAMPLED or PARANOID, not " + v);
        }
    }
}
