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

    private Terminal() {}

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
