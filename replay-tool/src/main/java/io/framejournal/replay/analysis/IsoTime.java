package io.framejournal.replay.analysis;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Epoch nanoseconds as a fixed-width ISO-8601 UTC instant, {@code 2026-11-26T18:56:08.123456789Z}: nine fraction
 * digits always (nanosecond precision kept, and strings sort as times do). The date and time of day are formatted once
 * per second and cached, so writing a journal's consecutive timestamps costs a few appends each. One instance per
 * thread ({@link #format} keeps one per thread).
 */
public final class IsoTime {
    private static final ThreadLocal<IsoTime> LOCAL = ThreadLocal.withInitial(IsoTime::new);

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;
    private final StringBuilder sb = new StringBuilder(32);

    /** Formats with this thread's instance. */
    public static String format(long epochNanos) {
        IsoTime t = LOCAL.get();
        t.sb.setLength(0);
        return t.appendTo(t.sb, epochNanos).toString();
    }

    /** Appends {@code epochNanos} as {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ}. */
    public StringBuilder appendTo(StringBuilder out, long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (second != cachedSecond) {
            cachedPrefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC)
                            .toLocalDate()
                            .toString()
                    + 'T'
                    + twoDigits((int) Math.floorMod(second, 86_400L) / 3600)
                    + ':'
                    + twoDigits((int) Math.floorMod(second, 3600L) / 60)
                    + ':'
                    + twoDigits((int) Math.floorMod(second, 60L));
            cachedSecond = second;
        }
        out.append(cachedPrefix).append('.');
        for (int div = 100_000_000; div > 0; div /= 10) {
            out.append((char) ('0' + nanos / div % 10));
        }
        return out.append('Z');
    }

    private static String twoDigits(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
