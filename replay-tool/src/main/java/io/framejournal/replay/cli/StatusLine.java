package io.framejournal.replay.cli;

import java.io.PrintStream;

/**
 * A status line on stderr: redrawn in place ({@code \r}) on a terminal, else one plain line each time, so a redirected
 * log gets whole lines and never a {@code \r} frame.
 */
final class StatusLine {
    private final PrintStream err;
    private final boolean terminal;
    /** The terminal's width, or 0 when unknown: a line drawn in place is cut to fit it (a wrapped one is never redrawn). */
    private final int columns;

    private int shown;

    StatusLine(PrintStream err, boolean terminal) {
        this(err, terminal, terminal ? io.framejournal.replay.analysis.Terminal.stderrColumns() : 0);
    }

    StatusLine(PrintStream err, boolean terminal, int columns) {
        this.err = err;
        this.terminal = terminal;
        this.columns = columns;
    }

    void show(String full) {
        if (terminal) {
            String line = io.framejournal.replay.analysis.Terminal.fit(full, columns);
            String pad = line.length() < shown ? " ".repeat(shown - line.length()) : "";
            err.print("\r" + line + pad);
            shown = line.length();
        } else {
            err.println(full);
        }
        err.flush();
    }

    /** Removes a line drawn in place. */
    void clear() {
        if (terminal && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
