package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalIndex;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A point in a journal as a user names it: a journal index ({@code 0x512f00000400} or decimal) or a time (ISO-8601:
 * {@code 2026-11-26T17:02:18.4Z}, an offset such as {@code +01:00}, or no zone at all, which means UTC).
 *
 * @param isTime whether {@link #value} is epoch nanoseconds (else a journal index)
 * @param value  the index, or the time in epoch nanoseconds
 */
public record Position(boolean isTime, long value) {
    public static Position index(long index) {
        return new Position(false, index);
    }

    public static Position time(long epochNanos) {
        return new Position(true, epochNanos);
    }

    /**
     * Parses a journal index or an ISO-8601 time.
     *
     * @throws IllegalArgumentException with a one-line message naming both accepted forms
     */
    public static Position parse(String text) {
        String t = text.trim().replace("_", "");
        if (t.indexOf('T') < 0 && t.indexOf(':') < 0) {
            try {
                return index(JournalIndex.parse(t)); // negative values too: the caller says why they are no index
            } catch (NumberFormatException e) {
                // fall through to the one message below
            }
        } else {
            Instant at = instant(t);
            if (at != null) {
                try {
                    return time(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()));
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("'" + text + "' is too far from 1970 for a journal time");
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is neither a journal index (0x… or decimal) nor an ISO-8601"
                + " time (e.g. 2026-11-26T17:02:18.4Z)");
    }

    private static Instant instant(String t) {
        try {
            return OffsetDateTime.parse(t).toInstant(); // Z or an offset
        } catch (DateTimeException e) {
            // no zone: UTC
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Whether an event at {@code index} written at {@code timeNanos} is at or after this position. */
    public boolean eventAtOrAfter(long index, long timeNanos) {
        return isTime ? timeNanos >= value : Long.compareUnsigned(index, value) >= 0;
    }

    /** Whether an event at {@code index} written at {@code timeNanos} is at or before this position. */
    public boolean eventAtOrBefore(long index, long timeNanos) {
        return isTime ? timeNanos <= value : Long.compareUnsigned(index, value) <= 0;
    }

    @Override
    public String toString() {
        return isTime ? IsoTime.format(value) : JournalIndex.format(value);
    }
}
