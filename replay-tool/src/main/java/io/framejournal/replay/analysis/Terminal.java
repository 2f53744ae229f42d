package io.framejournal.replay.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether stderr is a terminal, for progress frames. Java has no {@code isatty(2)}: {@code System.console() != null}
 * says stdin and stdout are terminals (JDK 17), which is wrong both ways for stderr ({@code dump > file} keeps a
 * terminal on stderr; {@code audit 2> log} keeps one on stdout). So, in order:
 *
 * <ol>
 *   <li>{@code -Dframejournal.stderrIsTerminal=true|false}, which {@code bin/framejournal} sets from the shell's
 *       {@code [ -t 2 ]} (a real {@code isatty(2)}), wins;
 *   <li>else, on Linux, {@code /proc/self/fd/2} must link to a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN},
 *       {@code /dev/console});
 *   <li>else: not a terminal (no bar rather than {@code \r} frames in a log).
 * </ol>
 *
 * {@code TERM=dumb} means no bar either way.
 */
public final class Terminal {
    public static final String PROPERTY = "framejournal.stderrIsTerminal";

    /** The process's standard error as the command found it (see {@link #detachStderr}). */
    private static volatile java.io.PrintStream stderr = System.err;

    /** The width of stderr's terminal in columns, when the caller knows it better (a wrapper, a test). */
    public static final String COLUMNS_PROPERTY = "framejournal.stderrColumns";

    /** {@link #stderrColumns()}, once asked; -1 before. */
    private static volatile int columns = -1;

    private Terminal() {}

    /**
     * The width in columns of the terminal on stderr, or 0 when unknown. A line drawn in place ({@code \r}) must be
     * narrower: a longer one wraps, and {@code \r} returns to the start of its last row only, so every redraw left its
     * first rows behind ({@code audit --follow}'s status line is about 150 characters; a progress bar about 75, more
     * than a narrow terminal has). From {@code -Dframejournal.stderrColumns}, else {@code COLUMNS} (when exported), else
     * {@code stty size} of stderr's device (one short process, once, and only for a terminal that is drawn on).
     */
    public static int stderrColumns() {
        int c = columns;
        if (c < 0) {
            c = columns(System.getProperty(COLUMNS_PROPERTY), System.getenv("COLUMNS"));
            if (c == 0) {
                c = sttyColumns();
            }
            columns = c;
        }
        return c;
    }

    /** The first of {@code property} and {@code env} that is a width (a whole number, 1 or more), else 0. */
    static int columns(String property, String env) {
        for (String v : new String[] {property, env}) {
            if (v != null && v.strip().matches("[1-9][0-9]{0,4}")) {
                return Integer.parseInt(v.strip());
            }
        }
        return 0;
    }

    /** {@code stty -F <stderr's device> size} ("rows columns"): the columns, or 0 when it cannot say. */
    private static int sttyColumns() {
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            if (!device.startsWith("/dev/")) {
                return 0;
            }
            Process p = new ProcessBuilder("stty", "-F", device, "size")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String size = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            if (!p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return 0;
            }
            String[] rowsColumns = size.strip().split("\\s+");
            return rowsColumns.length == 2 ? columns(rowsColumns[1], null) : 0;
        } catch (IOException | RuntimeException e) {
            return 0; // no stty, no /proc: lines are drawn as they are
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * {@code line} cut to fit {@code columns} (one short of them, so the cursor stays on the row and {@code \r} redraws
     * it whole); as it is when the width is unknown (0).
     */
    public static String fit(String line, int columns) {
        return columns > 1 && line.length() >= columns ? line.substring(0, columns - 1) : line;
    }

    /**
     * Points {@code System.err} at nothing and returns the stream it was, for the command's own messages. Chronicle
     * prints straight to {@code System.err} in places its loggers do not cover (on a SIGBUS while it creates a queue
     * file it prints the process's memory mappings); none of that may reach a user. Progress bars keep drawing on the
     * real stream ({@link #stderr()}).
     */
    public static java.io.PrintStream detachStderr() {
        java.io.PrintStream real = System.err;
        stderr = real;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true));
        return real;
    }

    /** Standard error for progress frames: the real one, also after {@link #detachStderr}. */
    public static java.io.PrintStream stderr() {
        return stderr;
    }

    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        String told = System.getProperty(PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told.trim().toLowerCase(Locale.ROOT));
        }
        return isTerminalDevice(Path.of("/proc/self/fd/2"));
    }

    /** Whether {@code fdLink} (a {@code /proc/self/fd/N} entry) points at a terminal device. */
    static boolean isTerminalDevice(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
