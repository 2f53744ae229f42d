package io.framejournal.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;

/**
 * One journal record, as a reusable mutable flyweight (never allocate one per event on a hot path).
 *
 * <p>Wire layout, format version 1, {@value #SIZE} bytes, little-endian, one record per queue document:
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
    public static final int FORMAT_VERSION = 1;
    public static final int SIZE = 48;

    /** The last event of one operation on this slot: the slot is at a quiet point after it. */
    public static final int FLAG_OP_END = 1;
    /** META_WRITE over initialized metadata of the same type (an in-place update). */
    public static final int FLAG_UPDATE = 2;

    public static final int NO_SLOT = -1;

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** {@link #readFrom} copies a record here in one bounds-checked read, then decodes it word by word. */
    private final byte[] record = new byte[SIZE];

    /** Journal index of this event; set by the writer on append and by the reader on read. */
    public long index;
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
        this.op = op.ordinal();
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
    }

    /** Writes the record at the bytes' write position: six words, the first two packing the header fields. */
    public void writeTo(Bytes<?> out) {
        long head = (FORMAT_VERSION & 0xffL) | (kind.code() & 0xffL) << 8 | (op & 0xffL) << 16
                | (flags & 0xffL) << 24 | (long) slot << 32;
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
     * Reads and validates one record.
     *
     * @return {@code null} when the record is good, else a one-line reason it is not
     */
    public String readFrom(BytesIn<?> in, long index) {
        long remaining = in.readRemaining();
        if (remaining != SIZE) {
            return "record at index " + JournalIndex.format(index) + " has " + remaining + " bytes, expected " + SIZE;
        }
        // One bounds-checked copy of the record, then six plain little-endian word reads (a checked Bytes read per
        // field costs more than the copy); bytes 0..7 and 8..15 pack the header fields.
        in.read(record, 0, SIZE);
        long head = (long) WORDS.get(record, 0);
        long ids = (long) WORDS.get(record, 8);
        int version = (int) head & 0xff;
        if (version != FORMAT_VERSION) {
            return "record at index " + JournalIndex.format(index) + " has format version " + version
                    + ", this build reads version " + FORMAT_VERSION;
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
        return JournalIndex.format(index) + ' ' + kind + ' ' + OpCode.nameOf(op) + " slot=" + slot
                + " before=" + before + " after=" + after + " handle=" + handle;
    }
}
