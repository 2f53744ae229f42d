package io.framejournal.journal;

/**
 * An append refused because the current roll cycle holds as many records as it can index (a test roll cycle's
 * 4,096 in one second): the record was not written, and the writer takes no more. Its own type so that a tool can
 * turn it into advice of its own (the CLI: recover, then a roll cycle with room or a lower rate).
 */
public final class RollCycleFullException extends RegionException {
    private static final long serialVersionUID = 1L;

    private final long records;
    private final long cycleMillis;
    private final long lastIndex;

    RollCycleFullException(String message, long records, long cycleMillis, long lastIndex) {
        super(message);
        this.records = records;
        this.cycleMillis = cycleMillis;
        this.lastIndex = lastIndex;
    }

    /** Records already in the full cycle (its most). */
    public long records() {
        return records;
    }

    /** The roll cycle's length. */
    public long cycleMillis() {
        return cycleMillis;
    }

    /** The index of the cycle's last record. */
    public long lastIndex() {
        return lastIndex;
    }
}
