package io.framejournal.replay.analysis;

import java.io.PrintStream;

/**
 * A progress line on stderr for long replays, drawn only when a person is watching ({@code System.console() !=
 * null}); silent otherwise, so pipes and logs stay clean. Callers tick it cheaply and it redraws at most every
 * 200 ms.
 */
public final class Progress implements AutoCloseable {
    /** Callers call {@link #update} when {@code (count & TICK_MASK) == 0}. */
    public static final long TICK_MASK = (1 << 14) - 1;

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** A bar when stderr is a terminal, a no-op otherwise. {@code total} &lt;= 0 means unknown. */
    public static Progress onStderr(String label, long total) {
        return new Progress(System.console() != null ? System.err : null, label, total);
    }

    /** A progress that never draws. */
    public static Progress none() {
        return new Progress(null, "", 0);
    }

    public void update(long done) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - startNanos < REDRAW_NANOS || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        StringBuilder sb = new StringBuilder(80).append('\r').append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            sb.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled))
                    .append("] ")
                    .append(Math.min(100, done * 100 / total))
                    .append("% ");
        }
        sb.append(Fmt.count(done)).append(" events");
        out.print(sb);
        out.flush();
    }

    @Override
    public void close() {
        if (out != null && drawn) {
            out.print("\r" + " ".repeat(WIDTH + label.length() + 40) + "\r");
            out.flush();
        }
    }
}
