package io.framejournal.journal;

/**
 * A region or journal that cannot be used as asked: missing, not a region, a newer format, corrupt, in use.
 * The message is one line meant for a person and says what to do; tools print it without a stack trace.
 */
public class RegionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegionException(String message) {
        super(message);
    }

    public RegionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A cause in one line, for a message: its type, then the first line of its message when it has one (an
     * interrupted channel's {@code ClosedByInterruptException} has none, and "…: null" told nobody anything).
     */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
