package io.framejournal.replay.cli;

import java.io.PrintStream;

/**
 * A status line on stderr: redrawn in place ({@code \r}) on a terminal, else one plain line each time, so a redirected
 * log gets whole lines and never a {@code \r} frame.
 */
final class StatusLine {
    private final PrintStream err;
    private final boolean terminal;
    private int shown;

    StatusLine(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    void show(String line) {
        if (terminal) {
            String pad = line.length() < shown ? " ".repeat(shown - line.length()) : "";
            err.print("\r" + line + pad);
            shown = line.length();
        } else {
            err.println(line);
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
