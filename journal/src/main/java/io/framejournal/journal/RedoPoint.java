package io.framejournal.journal;

/**
 * A point in the journal before which every record is already in the slot table: no call whose record lies before it
 * is still in flight. Recovery that trusts the table up to here replays only what follows ({@code RedoPointFile}).
 *
 * <p>Named by an existing record, the anchor, so that a reader can find it and check that it is the same record
 * (sequence number and stored CRC-32C, as checkpoints are checked): either the anchor itself is the first record not
 * known to be applied ({@code inclusive}: a call was in flight with it), or every record up to and including the anchor
 * is applied and replay resumes after it.
 *
 * @param anchor    journal index of the anchor record
 * @param seq       its sequence number
 * @param crc       its stored CRC-32C
 * @param inclusive whether the anchor record itself may not be applied (replay from it rather than after it)
 */
public record RedoPoint(long anchor, long seq, int crc, boolean inclusive) {
    @Override
    public String toString() {
        return (inclusive ? "at " : "after ") + JournalIndex.format(anchor);
    }
}
