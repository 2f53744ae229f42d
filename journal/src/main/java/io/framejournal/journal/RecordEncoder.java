package io.framejournal.journal;

import static io.framejournal.journal.RecordFormat.COUNT_OFF;
import static io.framejournal.journal.RecordFormat.CRC_OFF;
import static io.framejournal.journal.RecordFormat.FLAGS_OFF;
import static io.framejournal.journal.RecordFormat.GROUP;
import static io.framejournal.journal.RecordFormat.HANDLE_OFF;
import static io.framejournal.journal.RecordFormat.HEADER;
import static io.framejournal.journal.RecordFormat.MARKER;
import static io.framejournal.journal.RecordFormat.NARROW;
import static io.framejournal.journal.RecordFormat.OP_OFF;
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

/**
 * Builds one format-2 record (see {@link RecordFormat}) in a reusable direct buffer: a call's header, its slot groups
 * and their entries, or a marker. Owned by one thread; allocates only when a record outgrows the buffer.
 * {@link #seal} stamps sequence number, thread and time and computes the check; the writer does that while it holds
 * the queue's write lock, so sequence numbers follow the journal's order.
 */
public final class RecordEncoder {
    private ByteBuffer buf = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
    /** A second cursor over {@link #buf} for the checksum, so sealing allocates nothing. */
    private ByteBuffer view = buf.duplicate();
    /** A Chronicle view of exactly the sealed record, over {@link #buf}'s memory, for appending without a copy. */
    private final net.openhft.chronicle.bytes.PointerBytesStore sealed =
            new net.openhft.chronicle.bytes.PointerBytesStore();
    /** The native address of {@link #buf}; found again only when the buffer grows. */
    private long address = addressOf(buf);

    private final CRC32C crc = new CRC32C();
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
        if (buf.position() != HEADER) {
            throw new IllegalStateException("fromHandle after a slot group");
        }
        buf.put(FLAGS_OFF, (byte) RecordFormat.FLAG_FROM_HANDLE);
        buf.putLong(HEADER, handle);
        buf.position(HEADER + RecordFormat.FROM_HANDLE);
        return this;
    }

    /** Starts the group of entries for one slot; slots must come in ascending order. */
    public RecordEncoder beginSlot(int slot, long prevIndex) {
        closeGroup();
        ensure(GROUP);
        int p = buf.position();
        groupAt = p;
        groupEntries = 0;
        buf.putInt(p, slot);
        buf.putShort(p + 4, (short) 0);
        buf.putShort(p + 6, (short) 0);
        buf.putLong(p + 8, prevIndex);
        buf.position(p + GROUP);
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
        int p = buf.position();
        boolean narrow = metaType == 0
                && kind != EventKind.META_WRITE
                && kind != EventKind.META_DROP
                && before == (int) before
                && after == (int) after;
        if (narrow) {
            ensure(NARROW);
            buf.put(p, kind.code());
            buf.put(p + 1, (byte) flags);
            buf.putShort(p + 2, (short) 0);
            buf.putInt(p + 4, (int) before);
            buf.putInt(p + 8, (int) after);
            buf.position(p + NARROW);
        } else {
            ensure(WIDE);
            buf.put(p, (byte) (kind.code() | WIDE_BIT));
            buf.put(p + 1, (byte) flags);
            buf.putShort(p + 2, metaType);
            buf.putLong(p + 4, before);
            buf.putLong(p + 12, after);
            buf.position(p + WIDE);
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
        int p = buf.position();
        buf.put(p, kind.code());
        buf.put(p + 1, (byte) 0);
        buf.putShort(p + 2, aux);
        buf.putInt(p + 4, slot);
        buf.putLong(p + 8, a);
        buf.putLong(p + 16, b);
        buf.position(p + MARKER);
        groups = 1;
        return this;
    }

    /** Bytes of the record built so far. */
    public int length() {
        return buf.position();
    }

    /**
     * Finishes the record: count, sequence number, thread, time, then the CRC-32C of bytes 0..3 and 8..end.
     *
     * @return the finished record, positioned at 0 with its length as limit (valid until the next record)
     */
    /** {@link #seal}, as a Chronicle store of exactly the record's bytes (valid until the next record). */
    public net.openhft.chronicle.bytes.BytesStore<?, ?> sealBytes(long seq, int thread, long timestamp) {
        int len = seal(seq, thread, timestamp).limit();
        sealed.set(address, len);
        return sealed;
    }

    /** The stored CRC-32C of the record last sealed. */
    public int sealedCrc() {
        return buf.getInt(CRC_OFF);
    }

    private static long addressOf(ByteBuffer direct) {
        net.openhft.chronicle.bytes.Bytes<ByteBuffer> b = net.openhft.chronicle.bytes.Bytes.wrapForRead(direct);
        return b.addressForRead(0);
    }

    public ByteBuffer seal(long seq, int thread, long timestamp) {
        if (buf.get(TYPE_OFF) == RecordFormat.TYPE_CALL) {
            closeGroup();
        }
        int len = buf.position();
        buf.putInt(COUNT_OFF, groups);
        buf.putLong(SEQ_OFF, seq);
        buf.putLong(TIME_OFF, timestamp);
        buf.putInt(THREAD_OFF, thread);
        buf.putInt(CRC_OFF, checksum(view, len, crc));
        buf.position(0).limit(len);
        return buf;
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
        buf.clear();
        buf.put(VERSION_OFF, (byte) RecordFormat.VERSION);
        buf.put(TYPE_OFF, (byte) type);
        buf.put(OP_OFF, op.code());
        buf.put(FLAGS_OFF, (byte) 0);
        buf.putInt(CRC_OFF, 0);
        buf.putLong(SEQ_OFF, 0);
        buf.putLong(HANDLE_OFF, handle);
        buf.putLong(TIME_OFF, 0);
        buf.putInt(THREAD_OFF, 0);
        buf.putInt(SITE_OFF, site);
        buf.putInt(COUNT_OFF, 0);
        buf.position(HEADER);
        groups = 0;
        groupAt = -1;
        groupEntries = 0;
    }

    private void closeGroup() {
        if (groupAt >= 0) {
            if (groupEntries == 0) {
                throw new IllegalStateException("slot group without entries");
            }
            buf.putShort(groupAt + 4, (short) groupEntries);
            groupAt = -1;
        }
    }

    private void ensure(int more) {
        int need = buf.position() + more;
        if (need <= buf.capacity()) {
            return;
        }
        if (need > RecordFormat.MAX_RECORD) {
            throw new IllegalStateException("a journal record would exceed " + RecordFormat.MAX_RECORD + " bytes");
        }
        int cap = buf.capacity();
        while (cap < need) {
            cap = Math.min(RecordFormat.MAX_RECORD, cap * 2);
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
        int pos = buf.position();
        buf.position(0).limit(pos);
        bigger.put(buf);
        buf = bigger;
        view = bigger.duplicate();
        address = addressOf(bigger);
    }
}
