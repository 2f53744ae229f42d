package io.framejournal.journal;

import static io.framejournal.journal.RecordFormat.COUNT_OFF;
import static io.framejournal.journal.RecordFormat.CRC_OFF;
import static io.framejournal.journal.RecordFormat.FLAGS_OFF;
import static io.framejournal.journal.RecordFormat.GROUP;
import static io.framejournal.journal.RecordFormat.HANDLE_OFF;
import static io.framejournal.journal.RecordFormat.HEADER;
import static io.framejournal.journal.RecordFormat.MARKER;
import static io.framejournal.journal.RecordFormat.NARROW;
import static io.framejournal.journal.RecordFormat.SEQ_OFF;
import static io.framejournal.journal.RecordFormat.SITE_OFF;
import static io.framejournal.journal.RecordFormat.THREAD_OFF;
import static io.framejournal.journal.RecordFormat.TIME_OFF;
import static io.framejournal.journal.RecordFormat.TYPE_OFF;
import static io.framejournal.journal.RecordFormat.VERSION_OFF;
import static io.framejournal.journal.RecordFormat.WIDE;
import static io.framejournal.journal.RecordFormat.WIDE_BIT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * Builds one format-2 record (see {@link RecordFormat}) in a reusable direct buffer: a call's header, its slot groups
 * and their entries, or a marker. Owned by one thread; allocates only when a record outgrows the buffer.
 * {@link #seal} stamps sequence number, thread and time and computes the check; the writer does that while it holds
 * the queue's write lock, so sequence numbers follow the journal's order.
 *
 * <p>Fields are written with plain stores at the buffer's native address (little-endian, as the format says; swapped on
 * a big-endian machine), every one inside the bounds {@link #ensure} made room for: this is the writer's hot path,
 * and the buffer's per-access index checks and cursor updates were a visible share of it.
 */
public final class RecordEncoder {
    private static final UnsafeMemory MEM = UnsafeMemory.MEMORY;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ByteBuffer buf = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
    /** A second cursor over {@link #buf} for the checksum, so sealing allocates nothing. */
    private ByteBuffer view = buf.duplicate();
    /** A Chronicle view of exactly the sealed record, over {@link #buf}'s memory, for appending without a copy. */
    private final net.openhft.chronicle.bytes.PointerBytesStore sealed =
            new net.openhft.chronicle.bytes.PointerBytesStore();
    /** The native address of {@link #buf}; found again only when the buffer grows. */
    private long address = addressOf(buf);
    /** Bytes of the record built so far (the write position). */
    private int pos;

    private final CRC32C crc = new CRC32C();
    private int sealedCrc;
    private int groups;
    private int groupAt = -1;
    private int groupEntries;

    /** Starts a call record. */
    public RecordEncoder beginCall(OpCode op, long handle, int site) {
        start(RecordFormat.TYPE_CALL, op, handle, site);
        return this;
    }

    /**
     * Names the handle whose obligations this call's REDEEM entries redeem, when it is not the call's own handle (an
     * obligation moving from one handle to another). Right after {@link #beginCall}, before any slot.
     */
    public RecordEncoder fromHandle(long handle) {
        if (pos != HEADER) {
            throw new IllegalStateException("fromHandle after a slot group");
        }
        putByte(FLAGS_OFF, RecordFormat.FLAG_FROM_HANDLE);
        putLong(HEADER, handle);
        pos = HEADER + RecordFormat.FROM_HANDLE;
        return this;
    }

    /** Starts the group of entries for one slot; slots must come in ascending order. */
    public RecordEncoder beginSlot(int slot, long prevIndex) {
        closeGroup();
        ensure(GROUP);
        int p = pos;
        groupAt = p;
        groupEntries = 0;
        putInt(p, slot);
        putInt(p + 4, 0); // entries (set when the group closes) and reserved
        putLong(p + 8, prevIndex);
        pos = p + GROUP;
        groups++;
        return this;
    }

    /** Appends one entry to the current slot group: narrow when it can be, wide when it must be. */
    public RecordEncoder entry(EventKind kind, int flags, short metaType, long before, long after) {
        if (groupAt < 0) {
            throw new IllegalStateException("entry before beginSlot");
        }
        if (groupEntries == 0xffff) {
            throw new IllegalStateException("more than 65535 entries for one slot in one record");
        }
        boolean narrow = metaType == 0
                && kind != EventKind.META_WRITE
                && kind != EventKind.META_DROP
                && before == (int) before
                && after == (int) after;
        if (narrow) {
            ensure(NARROW);
            int p = pos;
            // kind, flags, reserved (0) in one little-endian word
            putInt(p, (kind.code() & 0xff) | (flags & 0xff) << 8);
            putInt(p + 4, (int) before);
            putInt(p + 8, (int) after);
            pos = p + NARROW;
        } else {
            ensure(WIDE);
            int p = pos;
            // kind | WIDE_BIT, flags, metaType in one little-endian word
            putInt(p, ((kind.code() | WIDE_BIT) & 0xff) | (flags & 0xff) << 8 | (metaType & 0xffff) << 16);
            putLong(p + 4, before);
            putLong(p + 12, after);
            pos = p + WIDE;
        }
        groupEntries++;
        return this;
    }

    /** Builds a whole marker record (REGION_OPEN, REGION_CLOSE, LEAKED_HANDLE, RECOVERY). */
    public RecordEncoder marker(EventKind kind, OpCode op, long handle, int slot, long a, long b, short aux) {
        return marker(kind, op, handle, slot, a, b, aux, 0);
    }

    /** {@link #marker}, naming a call site (a LEAKED_HANDLE names the leaked handle's creation site). */
    public RecordEncoder marker(EventKind kind, OpCode op, long handle, int slot, long a, long b, short aux, int site) {
        if (!RecordFormat.isMarker(kind)) {
            throw new IllegalArgumentException(kind + " is not a format-2 marker");
        }
        start(RecordFormat.TYPE_MARKER, op, handle, site);
        ensure(MARKER);
        int p = pos;
        putByte(p, kind.code());
        putByte(p + 1, 0);
        putShort(p + 2, aux);
        putInt(p + 4, slot);
        putLong(p + 8, a);
        putLong(p + 16, b);
        pos = p + MARKER;
        groups = 1;
        return this;
    }

    /** Bytes of the record built so far. */
    public int length() {
        return pos;
    }

    /** {@link #seal}, as a Chronicle store of exactly the record's bytes (valid until the next record). */
    public net.openhft.chronicle.bytes.BytesStore<?, ?> sealBytes(long seq, int thread, long timestamp) {
        sealed.set(address, sealAt(seq, thread, timestamp));
        return sealed;
    }

    /** The stored CRC-32C of the record last sealed. */
    public int sealedCrc() {
        return sealedCrc;
    }

    private static long addressOf(ByteBuffer direct) {
        net.openhft.chronicle.bytes.Bytes<ByteBuffer> b = net.openhft.chronicle.bytes.Bytes.wrapForRead(direct);
        return b.addressForRead(0);
    }

    /**
     * Finishes the record: count, sequence number, thread, time, then the CRC-32C of bytes 0..3 and 8..end.
     *
     * @return the finished record, positioned at 0 with its length as limit (valid until the next record)
     */
    public ByteBuffer seal(long seq, int thread, long timestamp) {
        int len = sealAt(seq, thread, timestamp);
        buf.limit(len).position(0);
        return buf;
    }

    /** {@link #seal} without touching the buffer's cursor. @return the record's length */
    private int sealAt(long seq, int thread, long timestamp) {
        if (MEM.readByte(address + TYPE_OFF) == RecordFormat.TYPE_CALL) {
            closeGroup();
        }
        int len = pos;
        putInt(COUNT_OFF, groups);
        putLong(SEQ_OFF, seq);
        putLong(TIME_OFF, timestamp);
        putInt(THREAD_OFF, thread);
        // The check covers bytes 0..3, then 8..len. With a copy of bytes 0..3 in the (not yet written) check field,
        // bytes 4..len are exactly that sequence: one CRC-32C pass instead of two, same value.
        MEM.writeInt(address + CRC_OFF, MEM.readInt(address + VERSION_OFF));
        crc.reset();
        view.limit(len).position(CRC_OFF);
        crc.update(view);
        int check = (int) crc.getValue();
        putInt(CRC_OFF, check);
        sealedCrc = check;
        return len;
    }

    /** CRC-32C of bytes {@code 0..3} followed by bytes {@code 8..len} of a record, read through {@code view}. */
    static int checksum(ByteBuffer view, int len, CRC32C crc) {
        crc.reset();
        view.limit(CRC_OFF).position(0);
        crc.update(view);
        view.limit(len).position(SEQ_OFF);
        crc.update(view);
        return (int) crc.getValue();
    }

    private void start(int type, OpCode op, long handle, int site) {
        // version, type, op, flags (0) in one little-endian word; crc, seq, time, thread and count are all written
        // when the record is sealed (sealAt), before its check is computed, so they are not zeroed here
        putInt(VERSION_OFF, (RecordFormat.VERSION & 0xff) | (type & 0xff) << 8 | (op.code() & 0xff) << 16);
        putLong(HANDLE_OFF, handle);
        putInt(SITE_OFF, site);
        pos = HEADER;
        groups = 0;
        groupAt = -1;
        groupEntries = 0;
    }

    private void closeGroup() {
        if (groupAt >= 0) {
            if (groupEntries == 0) {
                throw new IllegalStateException("slot group without entries");
            }
            putShort(groupAt + 4, (short) groupEntries);
            groupAt = -1;
        }
    }

    private void ensure(int more) {
        int need = pos + more;
        if (need <= buf.capacity()) {
            return;
        }
        grow(need);
    }

    private void grow(int need) {
        if (need > RecordFormat.MAX_RECORD) {
            throw new IllegalStateException("a journal record would exceed " + RecordFormat.MAX_RECORD + " bytes");
        }
        int cap = buf.capacity();
        while (cap < need) {
            cap = Math.min(RecordFormat.MAX_RECORD, cap * 2);
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
        buf.limit(pos).position(0);
        bigger.put(buf);
        bigger.clear();
        buf = bigger;
        view = bigger.duplicate();
        address = addressOf(bigger);
    }

    // plain stores at the record's address, little-endian; callers stay inside what ensure() made room for

    private void putByte(int off, int v) {
        MEM.writeByte(address + off, (byte) v);
    }

    private void putShort(int off, short v) {
        MEM.writeShort(address + off, LITTLE ? v : Short.reverseBytes(v));
    }

    private void putInt(int off, int v) {
        MEM.writeInt(address + off, LITTLE ? v : Integer.reverseBytes(v));
    }

    private void putLong(int off, long v) {
        MEM.writeLong(address + off, LITTLE ? v : Long.reverseBytes(v));
    }
}
