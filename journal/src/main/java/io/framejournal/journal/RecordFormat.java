package io.framejournal.journal;

/**
 * Journal format version 2: one Chronicle Queue document per public call. All integers little-endian; documented
 * byte by byte in {@code docs/DESIGN.md} and pinned by {@code RecordFormatGoldenTest}.
 *
 * <pre>
 * Header, {@value #HEADER} bytes
 *  offset size field
 *   0     1    format version (2)
 *   1     1    record type     ({@link #TYPE_CALL} or {@link #TYPE_MARKER})
 *   2     1    op              ({@link OpCode} code: which public call)
 *   3     1    flags           (bit 0 {@link #FLAG_FROM_HANDLE}; other bits reserved, 0)
 *   4     4    crc32c          (CRC-32C of bytes 0..3 followed by bytes 8..end)
 *   8     8    seq             (per-region record sequence number: +1 per record, across sessions)
 *  16     8    handle          (the handle behind the call, 0 for none)
 *  24     8    timestamp       (epoch nanoseconds)
 *  32     4    thread          (id of the writing thread)
 *  36     4    site            (call-site id, 0 = none)
 *  40     4    count           (call: number of slot groups; marker: 1)
 *  44     8    fromHandle      (only when flag {@link #FLAG_FROM_HANDLE} is set: the handle whose obligations the
 *                              call's REDEEM entries redeem, for calls that move an obligation from one handle to
 *                              another: Segment::next, Segment::from(frame), Frame::from_unique, try_from_shared)
 *
 * Call body (after the header and the optional fromHandle): count slot groups, ascending by slot, each
 *   0     4    slot
 *   4     2    entries in this group (at least 1)
 *   6     2    reserved (0)
 *   8     8    prevIndex       (journal index of the previous record that touched this slot, -1 for none)
 *  then the group's entries, in the order they apply:
 *   narrow entry, {@value #NARROW} bytes: kind (1, high bit clear), flags (1), reserved (2, 0), before (i32), after (i32)
 *   wide entry,   {@value #WIDE} bytes: kind | 0x80 (1), flags (1), metaType (2), before (i64), after (i64)
 *
 * Marker body ({@value #MARKER} bytes; REGION_OPEN, REGION_CLOSE, LEAKED_HANDLE, RECOVERY)
 *   0     1    kind ({@link EventKind} code)
 *   1     1    reserved (0)
 *   2     2    aux (format version for REGION_OPEN, else 0)
 *   4     4    slot (-1 for region-wide)
 *   8     8    a (the event's "before")
 *  16     8    b (the event's "after")
 * </pre>
 *
 * META_WRITE and META_DROP entries are always wide (they carry a metadata type and two 64-bit words); other kinds are
 * narrow when both values fit in 32 bits. The last entry of a group leaves its slot at a quiet point. A record's length
 * is exactly what its count and entry sizes say; anything else fails the check.
 */
public final class RecordFormat {
    public static final int VERSION = 2;

    public static final int TYPE_CALL = 1;
    public static final int TYPE_MARKER = 2;

    public static final int HEADER = 44;
    public static final int GROUP = 16;
    public static final int NARROW = 12;
    public static final int WIDE = 20;
    public static final int MARKER = 24;

    /** Entry kind byte: the high bit marks a wide entry. */
    public static final int WIDE_BIT = 0x80;

    // header offsets
    public static final int VERSION_OFF = 0;
    public static final int TYPE_OFF = 1;
    public static final int OP_OFF = 2;
    public static final int FLAGS_OFF = 3;
    public static final int CRC_OFF = 4;
    public static final int SEQ_OFF = 8;
    public static final int HANDLE_OFF = 16;
    public static final int TIME_OFF = 24;
    public static final int THREAD_OFF = 32;
    public static final int SITE_OFF = 36;
    public static final int COUNT_OFF = 40;

    /** Header flag: 8 bytes of fromHandle follow the header. */
    public static final int FLAG_FROM_HANDLE = 1;

    public static final int FROM_HANDLE = 8;

    /** Entry flag: META_WRITE over initialized metadata of the same type (an in-place update). */
    public static final int ENTRY_UPDATE = JournalEvent.FLAG_UPDATE;

    /**
     * The largest record this build writes or reads: a call over every frame of a 2 GiB region (524,288 slots, up to
     * 7 entries each) fits; Chronicle's document limit ({@link Chronicle#QUEUE_BLOCK_SIZE} / 4) is above it.
     */
    public static final int MAX_RECORD = 48 << 20;

    private RecordFormat() {}

    /** The kinds a format-2 marker record may carry (BEGIN and END exist only in format 1). */
    public static boolean isMarker(EventKind kind) {
        return kind == EventKind.REGION_OPEN
                || kind == EventKind.REGION_CLOSE
                || kind == EventKind.LEAKED_HANDLE
                || kind == EventKind.RECOVERY;
    }
}
