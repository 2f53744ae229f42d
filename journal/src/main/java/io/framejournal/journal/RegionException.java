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
}
