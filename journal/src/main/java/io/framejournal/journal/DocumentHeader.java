package io.framejournal.journal;

/**
 * The 4-byte header Chronicle Queue writes before every document of a queue file ({@code net.openhft.chronicle.wire.
 * Wires}), for the readers that walk queue files without Chronicle ({@link JournalReader}'s mapped fast path and
 * {@link QueueFileIndex}).
 */
final class DocumentHeader {
    /** Bit 31: the document is still being written (or was never finished). */
    static final int NOT_COMPLETE = 0x8000_0000;
    /** Bit 30: a metadata document (index arrays, roll markers), not a data document. */
    static final int META_DATA = 0x4000_0000;
    /** Bits 0-29: the document's length, header excluded. */
    static final int LENGTH_MASK = 0x3fff_ffff;
    /** Chronicle's end-of-file marker: the writer rolled to the next cycle. */
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;

    private DocumentHeader() {}
}
