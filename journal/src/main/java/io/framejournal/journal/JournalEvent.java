package io.framejournal.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One journal event, as a reusable mutable flyweight (never allocate one per event on a hot path). Readers hand out
 * every journal's events through it: a format-2 record (one per public call, see {@link RecordFormat}) gives one event
 * per slot entry (all with the record's {@link #index}) or one for a marker; a format-1 record is one event.
 *
 * <p>Format version 1 (read only), {@value #SIZE} bytes, little-endian, one record per queue document:
 * <pre>
 *  offset size field
 *   0     1    format version (1)
 *   1     1    kind        ({@link EventKind} code)
 *   2     1    op          ({@link OpCode} code: which public call)
 *   3     1    flags       ({@link #FLAG_OP_END}, {@link #FLAG_UPDATE})
 *   4     4    slot        (frame index; -1 for region-wide events)
 *   8     4    thread      (id of the writing thread)
 *  12     2    metaType    (metadata type id for META_*; format version for REGION_OPEN)
 *  14     2    check       (16-bit hash of the other 46 bytes; see {@link #check})
 *  16     8    before
 *  24     8    after
 *  32     8    handle      (id of the handle behind the event, 0 for none)
 *  40     8    timestamp   (epoch nanoseconds)
 * </pre>
 * Nothing in a record names a Java class and nothing is deserialized reflectively: a journal from an
 * untrusted machine is read field by field and validated.
 */
public final class JournalEvent {
    /** The format-1 record: one event per document. Still read; no longer written. */
    public static final int V1 = 1;

    public static final int SIZE = 48;

    /** The last event of one operation on this slot: the slot is at a quiet point after it. */
    public static final int FLAG_OP_END = 1;
    /** META_WRITE over initialized metadata of the same type (an in-place update). */
    public static final int FLAG_UPDATE = 2;

    public static final int NO_SLOT = -1;

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Journal index of this event's record; set by the writer on append and by the reader on read. */
    public long index;
    /** Format version of the record this event came from (1 or 2). */
    public int version = RecordFormat.VERSION;
    /** Sequence number of the event's record (format 2), or -1 (format 1). */
    public long seq = -1;
    /** Call-site id of the event's record, 0 for none. */
    public int site;
    /** Index of the previous record that touched this event's slot (format 2), or {@link JournalIndex#NONE}. */
    public long prevIndex = JournalIndex.NONE;
    /** True for the first event of its slot in its record (always true in format 1). */
    public boolean groupStart = true;

    public EventKind kind;
    public int op;
    public int flags;
    public int slot;
    public int thread;
    public short metaType;
    public long before;
    public long after;
    public long handle;
    public long timestamp;

    public JournalEvent set(EventKind kind, OpCode op, int slot, long before, long after, long handle) {
        this.kind = kind;
        this.op = op.code();
        this.flags = 0;
        this.slot = slot;
        this.metaType = 0;
        this.before = before;
        this.after = after;
        this.handle = handle;
        return this;
    }

    public OpCode opCode() {
        return OpCode.ofCode(op);
    }

    public boolean isOpEnd() {
        return (flags & FLAG_OP_END) != 0;
    }

    public void copyFrom(JournalEvent o) {
        index = o.index;
        kind = o.kind;
        op = o.op;
        flags = o.flags;
        slot = o.slot;
        thread = o.thread;
        metaType = o.metaType;
        before = o.before;
        after = o.after;
        handle = o.handle;
        timestamp = o.timestamp;
        version = o.version;
        seq = o.seq;
        site = o.site;
        prevIndex = o.prevIndex;
        groupStart = o.groupStart;
    }

    /** Writes a format-1 record at the bytes' write position (for tests of the format-1 reader). */
    public void writeV1To(Bytes<?> out) {
        long head = (V1 & 0xffL)
                | (kind.code() & 0xffL) << 8
                | (op & 0xffL) << 16
                | (flags & 0xffL) << 24
                | (long) slot << 32;
        long ids = (thread & 0xffff_ffffL) | (metaType & 0xffffL) << 32;
        long check = check(head, ids, before, after, handle, timestamp) & 0xffffL;
        out.writeLong(head);
        out.writeLong(ids | check << 48);
        out.writeLong(before);
        out.writeLong(after);
        out.writeLong(handle);
        out.writeLong(timestamp);
    }

    /**
     * Reads and validates one format-1 record.
     *
     * @return {@code null} when the record is good, else a one-line reason it is not
     */
    public String readV1From(byte[] record, int length, long index) {
        if (length != SIZE) {
            return "record at index " + JournalIndex.format(index) + " has " + length + " bytes, expected " + SIZE;
        }
        long head = (long) WORDS.get(record, 0);
        long ids = (long) WORDS.get(record, 8);
        int version = (int) head & 0xff;
        if (version != V1) {
            return "record at index " + JournalIndex.format(index) + " has format version " + version + ", expected "
                    + V1;
        }
        int k = (int) (head >>> 8) & 0xff;
        EventKind ek = EventKind.ofCode(k);
        if (ek == null) {
            return "record at index " + JournalIndex.format(index) + " has unknown kind " + k;
        }
        int o = (int) (head >>> 16) & 0xff;
        if (OpCode.ofCode(o) == null) {
            return "record at index " + JournalIndex.format(index) + " has unknown op " + o;
        }
        this.index = index;
        this.kind = ek;
        this.op = o;
        this.flags = (int) (head >>> 24) & 0xff;
        this.slot = (int) (head >>> 32);
        this.thread = (int) ids;
        this.metaType = (short) (ids >>> 32);
        short stored = (short) (ids >>> 48);
        this.before = (long) WORDS.get(record, 16);
        this.after = (long) WORDS.get(record, 24);
        this.handle = (long) WORDS.get(record, 32);
        this.timestamp = (long) WORDS.get(record, 40);
        this.version = V1;
        this.seq = -1;
        this.site = 0;
        this.prevIndex = JournalIndex.NONE;
        this.groupStart = true;
        if (stored != check(head, ids & 0xffff_ffff_ffffL, before, after, handle, timestamp)) {
            return "record at index " + JournalIndex.format(index) + " fails its check: the journal is damaged there"
                    + " (a flipped bit, or a record truncated part way)";
        }
        if ((flags & ~(FLAG_OP_END | FLAG_UPDATE)) != 0) {
            return "record at index " + JournalIndex.format(index) + " has reserved flag bits set";
        }
        return null;
    }

    /**
     * The record's 16-bit check (bytes 14..15): a multiply-rotate hash of the other 46 bytes, folded. Any one flipped
     * bit changes it; random damage passes with probability 2^-16. Cheap enough for every append and every read.
     */
    static short check(long head, long ids, long before, long after, long handle, long timestamp) {
        long h = head * 0x9E37_79B9_7F4A_7C15L;
        h = Long.rotateLeft(h ^ ids, 29) * 0xC2B2_AE3D_27D4_EB4FL;
        h = Long.rotateLeft(h ^ before, 29) * 0x1656_67B1_9E37_79F9L;
        h = Long.rotateLeft(h ^ after, 29) * 0x9E37_79B9_7F4A_7C15L;
        h = Long.rotateLeft(h ^ handle, 29) * 0xC2B2_AE3D_27D4_EB4FL;
        h = Long.rotateLeft(h ^ timestamp, 29) * 0x1656_67B1_9E37_79F9L;
        h ^= h >>> 32;
        h ^= h >>> 16;
        return (short) h;
    }

    @Override
    public String toString() {
        return JournalIndex.format(index) + ' ' + kind + ' ' + OpCode.nameOf(op) + " slot=" + slot + " before=" + before
                + " after=" + after + " handle=" + handle;
    }
}
