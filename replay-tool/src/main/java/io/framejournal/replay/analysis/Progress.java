package io.framejournal.replay.analysis;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress line on stderr for long runs (replays, simulations), drawn with {@code \r} frames only when stderr is a
 * terminal ({@link Terminal#stderrIsTerminal()}); silent otherwise, so pipes and redirected logs never get a frame.
 * Callers tick it cheaply and it redraws at most every 200 ms. With a known total it shows a bar, a percentage and an
 * ETA from the rate so far; a timed run ({@link #timed}) shows the share of its duration gone and the time left.
 *
 * <p>Why ours and not {@code me.tongfei:progressbar}: that library decides whether to draw from JLine's terminal
 * detection (which, without a system terminal, falls back to a "dumb" terminal that still writes {@code \r}
 * frames into a redirected stream), starts a refresh thread per bar, and brings JLine (a few MB) into the jar. This
 * class is 150 lines, allocation-free between redraws, and asks the one question that matters: is fd 2 a terminal.
 */
public final class Progress implements AutoCloseable {
    /** Callers call {@link #update} when {@code (count & TICK_MASK) == 0}. */
    public static final long TICK_MASK = (1 << 14) - 1;

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;
    private static final double MIN_SHARE_FOR_ETA = 0.02;

    private final PrintStream out;
    private final String label;
    private final String unit;
    private long total;
    /** Where the total comes from when it is asked for only once the bar is first drawn, or {@code null}. */
    private java.util.function.LongSupplier totalLater;

    private final long durationNanos;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastLength;
    /** The terminal's width ({@link Terminal#stderrColumns()}), asked at the first frame; -1 before, 0 unknown. */
    private int columns = -1;

    Progress(PrintStream out, String label, String unit, long total, long durationNanos) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.durationNanos = durationNanos;
    }

    /** A bar counting events when stderr is a terminal, a no-op otherwise. {@code total} &lt;= 0 means unknown. */
    public static Progress onStderr(String label, long total) {
        return onStderr(label, "events", total);
    }

    /**
     * A bar counting events when stderr is a terminal, a no-op otherwise, whose total is asked for only when the bar is
     * first drawn (a command that ends within the first redraw interval never pays for it).
     */
    public static Progress onStderr(String label, java.util.function.LongSupplier total) {
        Progress p = onStderr(label, "events", 0);
        p.totalLater = total;
        return p;
    }

    /** A bar counting {@code unit}s when stderr is a terminal, a no-op otherwise. */
    public static Progress onStderr(String label, String unit, long total) {
        return new Progress(Terminal.stderrIsTerminal() ? Terminal.stderr() : null, label, unit, total, 0);
    }

    /** A bar for a run of a fixed duration (the share is elapsed time), when stderr is a terminal. */
    public static Progress timed(String label, String unit, Duration duration) {
        return new Progress(Terminal.stderrIsTerminal() ? Terminal.stderr() : null, label, unit, 0, duration.toNanos());
    }

    /** A progress that never draws. */
    public static Progress none() {
        return new Progress(null, "", "", 0, 0);
    }

    /** This progress, drawn for a terminal {@code columns} wide (0: unknown, frames are not cut). */
    Progress withColumns(int columns) {
        this.columns = columns;
        return this;
    }

    /** Whether this progress draws at all. */
    public boolean drawing() {
        return out != null;
    }

    /** {@code done} units, also the measure of the share done. */
    public void update(long done) {
        update(done, done);
    }

    /**
     * {@code done} units shown, {@code measure} (of the total given) for the share: a replay shows events but knows
     * its total in journal records (one format-2 record holds several events).
     */
    public void update(long done, long measure) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - startNanos < REDRAW_NANOS || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        if (totalLater != null) {
            total = totalLater.getAsLong();
            totalLater = null;
        }
        out.print(line(done, measure, now - startNanos));
        out.flush();
    }

    /** The frame after {@code elapsed} ns: {@code \r}, the text, and blanks over a longer last one. */
    String line(long done, long measure, long elapsed) {
        StringBuilder sb = new StringBuilder(100).append('\r').append(label).append(' ');
        double share = total > 0
                ? Math.min(1.0, (double) measure / total)
                : durationNanos > 0 ? Math.min(1.0, (double) elapsed / durationNanos) : -1;
        if (share >= 0) {
            int filled = (int) (share * WIDTH);
            sb.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled))
                    .append("] ")
                    .append((int) (share * 100))
                    .append("% ");
        }
        sb.append(Fmt.count(done)).append(' ').append(unit);
        long eta = -1;
        if (total > 0 && share >= MIN_SHARE_FOR_ETA) {
            eta = (long) (elapsed * ((1 - share) / share)); // the rate so far, once there is a rate to speak of
        } else if (durationNanos > 0) {
            eta = Math.max(0, durationNanos - elapsed);
        }
        if (eta >= 0) {
            sb.append(", ETA ").append(clock(eta));
        }
        if (columns < 0) {
            columns = Terminal.stderrColumns();
        }
        if (columns > 1 && sb.length() > columns) {
            sb.setLength(columns); // '\r' and columns - 1 characters: a wider frame would wrap, and never be redrawn
        }
        int length = sb.length();
        if (length < lastLength) {
            sb.append(" ".repeat(lastLength - length));
        }
        lastLength = length;
        return sb.toString();
    }

    /** {@code m:ss} or {@code h:mm:ss}. */
    static String clock(long nanos) {
        long s = (nanos + 999_999_999L) / 1_000_000_000L;
        long h = s / 3600;
        long m = s / 60 % 60;
        String mmss = (h > 0 && m < 10 ? "0" : "") + m + ":" + (s % 60 < 10 ? "0" : "") + s % 60;
        return h > 0 ? h + ":" + mmss : mmss;
    }

    @Override
    public void close() {
        if (out != null && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength - 1) + "\r"); // the frame's length counts its '\r'
            out.flush();
        }
    }
}
