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
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Reads one format-2 record (see {@link RecordFormat}) in place, from a byte array or straight from a mapped queue file
 * (a direct {@link ByteBuffer}, no copy): typed accessors for the header, a {@link #check} that validates the whole
 * record once (CRC-32C, version, type, op, lengths, every entry's kind), then {@link #next} hands out its events one by
 * one into a {@link JournalEvent} flyweight. Allocates nothing per record.
 *
 * <p>Every read is bounds-checked against the record's length, Agrona style: the header accessors per field, the
 * walks once per slot group and once per entry (then the entry's fields are read unchecked), so no read leaves the
 * record whatever its bytes say. The flyweight's fields shared by a record's events (header) or a slot group's (slot,
 * prevIndex) are written once per record or group while the same event object is passed in.
 */
public final class RecordDecoder {
    /** Records are little-endian; the unchecked reads are native-order. */
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /**
     * By entry kind byte (kind code, high bit for wide): the kind of a slot entry, or {@code null} where the byte names
     * no kind that changes a slot (a bad entry).
     */
    private static final EventKind[] ENTRY_KIND = new EventKind[256];

    static {
        for (int kb = 0; kb < 256; kb++) {
            EventKind k = EventKind.ofCode(kb & ~WIDE_BIT);
            if (k != null && k.changesSlot()) {
                ENTRY_KIND[kb] = k;
            }
        }
    }

    private final CRC32C crc = new CRC32C();
    /**
     * The direct buffer the record lies in (a mapped queue file's window, or {@link #own} for a record given as an
     * array): kept referenced, so that its memory stays mapped while the decoder reads it at {@link #address}.
     */
    private ByteBuffer buffer;

    private long bufferAddress;
    private int offset;
    private long address;
    /** Where a record given as an array is copied to (grown when a longer one comes). */
    private ByteBuffer own = ByteBuffer.allocateDirect(256);

    private int len;
    private long index;
    /** Events of the record {@link #check} passed: a call's entries, or 1 for a marker. */
    private int events;

    // iteration
    private int pos;
    private int groupsLeft;
    private int entriesLeft;
    private int groupSlot;
    private long groupPrev;
    private boolean groupStart;
    private long redeemHandle;
    private long callHandle;
    /** Whether the record is a marker (one event), as its header said when its events started. */
    private boolean marker;
    /** The event the header fields were last written to (they are the same for every event of a record). */
    private JournalEvent headerIn;

    /** Points the decoder at a copy of {@code len} bytes of {@code bytes}, the record at journal index {@code index}. */
    public RecordDecoder wrap(byte[] bytes, int len, long index) {
        Objects.checkFromIndexSize(0, len, bytes.length);
        if (own.capacity() < len) {
            own = ByteBuffer.allocateDirect(Math.max(len, own.capacity() * 2));
        }
        own.clear();
        own.put(0, bytes, 0, len);
        return wrap(own, 0, len, index);
    }

    /**
     * Points the decoder at {@code len} bytes of a direct buffer (a mapped queue file) from {@code offset}, in place:
     * the record at journal index {@code index}. The decoder moves the buffer's position and limit (for the CRC-32C)
     * and keeps it referenced, so its memory stays mapped while the decoder reads it.
     */
    public RecordDecoder wrap(ByteBuffer buffer, int offset, int len, long index) {
        if (buffer != this.buffer) {
            this.bufferAddress = OffHeap.address(buffer);
            this.buffer = buffer;
        }
        Objects.checkFromIndexSize(offset, len, buffer.capacity());
        this.offset = offset;
        this.address = bufferAddress + offset;
        return start(len, index);
    }

    private RecordDecoder start(int len, long index) {
        this.len = len;
        this.index = index;
        this.pos = -1;
        this.entriesLeft = 0;
        return this;
    }

    // Reads: checked ones (the offset and size against the record's length), and unchecked ones for a range a caller
    // has already checked.

    private int u8(int off) {
        Objects.checkFromIndexSize(off, 1, len);
        return rawU8(off);
    }

    private int i32(int off) {
        Objects.checkFromIndexSize(off, 4, len);
        return rawI32(off);
    }

    private long i64(int off) {
        Objects.checkFromIndexSize(off, 8, len);
        return rawI64(off);
    }

    int rawU8(int off) {
        return OffHeap.getByte(address + off) & 0xff;
    }

    short rawI16(int off) {
        short v = OffHeap.getShort(address + off);
        return LITTLE ? v : Short.reverseBytes(v);
    }

    int rawI32(int off) {
        int v = OffHeap.getInt(address + off);
        return LITTLE ? v : Integer.reverseBytes(v);
    }

    long rawI64(int off) {
        long v = OffHeap.getLong(address + off);
        return LITTLE ? v : Long.reverseBytes(v);
    }

    /** Thrown where a walk would leave the record (only a record changed under the reader since its check). */
    IndexOutOfBoundsException outside(int off) {
        return new IndexOutOfBoundsException(at() + "changed while it was read: offset " + off + " of " + len);
    }

    public int version() {
        return u8(VERSION_OFF);
    }

    public int type() {
        return u8(TYPE_OFF);
    }

    public int op() {
        return u8(OP_OFF);
    }

    public int flags() {
        return u8(FLAGS_OFF);
    }

    public int storedCrc() {
        return i32(CRC_OFF);
    }

    public long seq() {
        return i64(SEQ_OFF);
    }

    public long handle() {
        return i64(HANDLE_OFF);
    }

    public long timestamp() {
        return i64(TIME_OFF);
    }

    public int thread() {
        return i32(THREAD_OFF);
    }

    public int site() {
        return i32(SITE_OFF);
    }

    /** Slot groups of a call; 1 for a marker. */
    public int count() {
        return i32(COUNT_OFF);
    }

    public int length() {
        return len;
    }

    public long index() {
        return index;
    }

    /** The CRC-32C the record should carry. */
    public int computeCrc() {
        crc.reset();
        ByteBuffer d = buffer;
        int o = offset;
        d.limit(o + CRC_OFF).position(o);
        crc.update(d);
        d.limit(o + len).position(o + SEQ_OFF);
        crc.update(d);
        return (int) crc.getValue();
    }

    /**
     * Validates the whole record once.
     *
     * @return {@code null} when it is good, else a one-line reason naming its index
     */
    public String check() {
        if (len < HEADER) {
            return at() + "has " + len + " bytes, less than a format-2 header (" + HEADER + ")";
        }
        int head = rawI32(VERSION_OFF); // version, type, op and flags, one byte each
        int version = head & 0xff;
        if (version != RecordFormat.VERSION) {
            return at() + "has format version " + version + ", expected " + RecordFormat.VERSION;
        }
        if (rawI32(CRC_OFF) != computeCrc()) {
            return at()
                    + "fails its CRC-32C check: the journal is damaged or truncated there (a flipped bit, or a record cut or"
                    + " zeroed part way)";
        }
        long seq = rawI64(SEQ_OFF);
        if (seq < 0 || seq == Long.MAX_VALUE) {
            // the reader's check of each record against the last one's number + 1 cannot see this one: a first
            // record of -2 (or MAX) would make the next number due -1 (or negative), which means "not known"
            return at() + "has sequence number " + seq + ", which no journal reaches (they start at 0 and grow by one"
                    + " a record)";
        }
        int type = (head >>> 8) & 0xff;
        int op = (head >>> 16) & 0xff;
        int flags = head >>> 24;
        if (OpCode.ofCode(op) == null) {
            return at() + "has unknown op " + op;
        }
        if ((flags & ~RecordFormat.FLAG_FROM_HANDLE) != 0) {
            return at() + "has reserved flag bits set";
        }
        int count = rawI32(COUNT_OFF);
        events = 0;
        if (type == RecordFormat.TYPE_MARKER) {
            if (count != 1 || len != HEADER + MARKER) {
                return at() + "is a marker of " + len + " bytes and count " + count + ", expected " + (HEADER + MARKER)
                        + " and 1";
            }
            EventKind k = EventKind.ofCode(u8(HEADER));
            if (k == null || !RecordFormat.isMarker(k)) {
                return at() + "is a marker of unknown kind " + u8(HEADER);
            }
            events = 1;
            return null;
        }
        if (type != RecordFormat.TYPE_CALL) {
            return at() + "has unknown record type " + type;
        }
        if (count <= 0) {
            return at() + "is a call with " + count + " slot groups";
        }
        int p = (flags & RecordFormat.FLAG_FROM_HANDLE) != 0 ? HEADER + RecordFormat.FROM_HANDLE : HEADER;
        if (p > len) {
            return at() + "ends inside its header";
        }
        long lastSlot = Long.MIN_VALUE;
        int entries = 0;
        for (int g = 0; g < count; g++) {
            if (p + GROUP > len) {
                return at() + "ends inside slot group " + g + " of " + count;
            }
            int slot = rawI32(p);
            int n = rawI16(p + 4) & 0xffff;
            if (n == 0 || rawI16(p + 6) != 0) {
                return at() + "has a malformed slot group " + g + " (" + n + " entries)";
            }
            if (slot <= lastSlot) {
                return at() + "lists slot " + slot + " after slot " + lastSlot + " (slots must ascend)";
            }
            lastSlot = slot;
            p += GROUP;
            entries += n;
            for (int i = 0; i < n; i++) {
                if (p > len - 4) {
                    return at() + "ends inside the entries of slot " + slot;
                }
                int entryHead = rawI32(p); // kind, flags and two more bytes: one load for both checks
                int kb = entryHead & 0xff;
                if (ENTRY_KIND[kb] == null) {
                    return at() + "has an entry of unknown kind " + (kb & ~WIDE_BIT) + " for slot " + slot;
                }
                if ((entryHead & (~RecordFormat.ENTRY_UPDATE & 0xff) << 8) != 0) {
                    return at() + "has reserved entry flag bits set for slot " + slot;
                }
                // the size by a branch on the wide bit, not a table lookup: the walk's next position does not wait for
                // a second load
                if ((kb & WIDE_BIT) != 0) {
                    p += WIDE;
                } else {
                    p += NARROW;
                }
            }
        }
        if (p != len) {
            return at() + "has " + len + " bytes, its slot groups account for " + p;
        }
        events = entries;
        return null;
    }

    /**
     * Points the decoder at a record another decoder has checked ({@link ReadAhead}: the reading thread checks, the
     * applying thread walks): {@code len} bytes of a direct buffer from {@code offset}, holding {@code events} events.
     * The buffer must be one no other thread moves (the decoder does not move it either: only {@link #check} does).
     */
    RecordDecoder wrapChecked(ByteBuffer buffer, int offset, int len, long index, int events) {
        wrap(buffer, offset, len, index);
        this.events = events;
        return this;
    }

    /** {@link #wrapChecked(ByteBuffer, int, int, long, int)} for a checked record's bytes copied into an array. */
    RecordDecoder wrapChecked(byte[] bytes, int len, long index, int events) {
        wrap(bytes, len, index);
        this.events = events;
        return this;
    }

    /** The direct buffer the record lies in: a mapped window, or the decoder's own copy ({@link #inOwnCopy}). */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Where the record starts in {@link #buffer()}. */
    int offset() {
        return offset;
    }

    /** Whether the record is the decoder's own copy of bytes given as an array (reused by the next such record). */
    boolean inOwnCopy() {
        return buffer == own;
    }

    /** Copies the record's bytes into {@code into} when they fit, else into a new array; @return the array used */
    byte[] copyOut(byte[] into) {
        byte[] b = into != null && into.length >= len ? into : new byte[Math.max(len, 256)];
        buffer.get(offset, b, 0, len);
        return b;
    }

    /** Events of the record {@link #check} last passed (a call's entries, 1 for a marker). */
    int events() {
        return events;
    }

    /**
     * For a walk over a checked call record's slot groups ({@link ReplayState#applyRecord}): where its first group
     * starts, or -1 for a marker (which changes no slot).
     */
    int bodyStart() {
        Objects.checkFromIndexSize(0, HEADER, len);
        if (rawU8(TYPE_OFF) == RecordFormat.TYPE_MARKER) {
            return -1;
        }
        return (rawU8(FLAGS_OFF) & RecordFormat.FLAG_FROM_HANDLE) != 0 ? HEADER + RecordFormat.FROM_HANDLE : HEADER;
    }

    /** Whether the checked record is a marker (its one event changes no slot). */
    boolean isMarker() {
        Objects.checkFromIndexSize(0, HEADER, len);
        return rawU8(TYPE_OFF) == RecordFormat.TYPE_MARKER;
    }

    /** A checked call record's slot groups. */
    int groups() {
        return i32(COUNT_OFF);
    }

    /** The handle the call's REDEEM entries redeem: fromHandle when the record has one, else its handle. */
    public long redeemHandle() {
        return (flags() & RecordFormat.FLAG_FROM_HANDLE) != 0 ? i64(HEADER) : handle();
    }

    private String at() {
        return "record at index " + JournalIndex.format(index) + " ";
    }

    /**
     * Fills {@code e} with the record's next event (a marker's one event, or a call's next slot entry). Only for a
     * record that passed {@link #check}.
     *
     * @return false when the record has no more events
     */
    public boolean next(JournalEvent e) {
        if (entriesLeft == 0) {
            int started = nextGroup(e);
            if (started != GROUP_STARTED) {
                return started == MARKER_READ;
            }
        }
        if (e != headerIn) {
            header(e);
        }
        int p = pos;
        if (p > len - NARROW) {
            throw outside(p);
        }
        int kb = rawU8(p);
        EventKind kind = ENTRY_KIND[kb];
        e.kind = kind;
        int flags = rawU8(p + 1);
        if ((kb & WIDE_BIT) != 0) {
            pos = readWide(e, p);
        } else {
            e.metaType = 0;
            e.before = rawI32(p + 4);
            e.after = rawI32(p + 8);
            pos = p + NARROW;
        }
        int left = --entriesLeft;
        e.flags = left == 0 ? flags | JournalEvent.FLAG_OP_END : flags;
        e.handle = kind == EventKind.REDEEM ? redeemHandle : callHandle;
        e.groupStart = groupStart;
        groupStart = false;
        return true;
    }

    /** A wide entry's values (out of {@link #next}, which stays small enough to inline); @return the next entry's start */
    private int readWide(JournalEvent e, int p) {
        if (p > len - WIDE) {
            throw outside(p);
        }
        e.metaType = rawI16(p + 2);
        e.before = rawI64(p + 4);
        e.after = rawI64(p + 12);
        return p + WIDE;
    }

    private static final int NO_MORE = 0;
    private static final int MARKER_READ = 1;
    private static final int GROUP_STARTED = 2;

    /** Whether every event of the wrapped record has been handed out by {@link #next}. */
    public boolean exhausted() {
        return pos >= 0 && entriesLeft == 0 && (groupsLeft == 0 || marker);
    }

    /**
     * Once per slot group, out of {@link #next}'s per-entry path (so that it stays small enough to inline): the record's
     * start, then each group's header.
     */
    private int nextGroup(JournalEvent e) {
        if (pos < 0 && startRecord(e)) {
            return MARKER_READ;
        }
        if (groupsLeft == 0) {
            return NO_MORE;
        }
        int p = pos;
        if (p > len - GROUP) {
            throw outside(p);
        }
        groupSlot = rawI32(p);
        entriesLeft = rawI16(p + 4) & 0xffff;
        groupPrev = rawI64(p + 8);
        groupStart = true;
        e.slot = groupSlot; // the same for every event of the group (header() writes them again into another event)
        e.prevIndex = groupPrev;
        groupsLeft--;
        pos = p + GROUP;
        return GROUP_STARTED;
    }

    /** Once per record, out of the per-group path: where its body starts; a marker's one event read whole. */
    private boolean startRecord(JournalEvent e) {
        Objects.checkFromIndexSize(0, HEADER, len);
        int flags = rawU8(FLAGS_OFF);
        boolean fromHandle = (flags & RecordFormat.FLAG_FROM_HANDLE) != 0;
        pos = fromHandle ? HEADER + RecordFormat.FROM_HANDLE : HEADER;
        callHandle = rawI64(HANDLE_OFF);
        redeemHandle = fromHandle ? i64(HEADER) : callHandle;
        headerIn = null;
        groupsLeft = rawI32(COUNT_OFF);
        marker = rawU8(TYPE_OFF) == RecordFormat.TYPE_MARKER;
        if (marker) {
            readMarker(e);
            return true;
        }
        return false;
    }

    private void readMarker(JournalEvent e) {
        header(e);
        e.handle = callHandle;
        Objects.checkFromIndexSize(HEADER, MARKER, len);
        e.kind = EventKind.ofCode(rawU8(HEADER));
        e.flags = 0;
        e.metaType = rawI16(HEADER + 2);
        e.slot = rawI32(HEADER + 4);
        e.before = rawI64(HEADER + 8);
        e.after = rawI64(HEADER + 16);
        e.prevIndex = JournalIndex.NONE;
        e.groupStart = true;
        pos = len;
        groupsLeft = 0;
    }

    /**
     * Fills {@code e} with the event {@link #next} hands out for the entry at {@code entryPos} of the slot group at
     * {@code groupPos}, for a walk over a checked record's groups that names one of its events ({@link LedgerReplay}
     * reporting a finding). Leaves {@link #next}'s own walk where it is.
     *
     * @param first whether it is the group's first entry
     * @param last whether it is the group's last entry (its event carries {@link JournalEvent#FLAG_OP_END})
     */
    void eventAt(JournalEvent e, int groupPos, int entryPos, boolean first, boolean last) {
        Objects.checkFromIndexSize(groupPos, GROUP, len);
        Objects.checkFromIndexSize(entryPos, NARROW, len);
        headerIn = null; // e now holds this entry's fields, whatever next() wrote into it before
        e.index = index;
        e.version = RecordFormat.VERSION;
        e.op = op();
        e.seq = seq();
        e.timestamp = timestamp();
        e.thread = thread();
        e.site = site();
        e.slot = rawI32(groupPos);
        e.prevIndex = rawI64(groupPos + 8);
        int kb = rawU8(entryPos);
        EventKind kind = ENTRY_KIND[kb];
        e.kind = kind;
        int flags = rawU8(entryPos + 1);
        if ((kb & WIDE_BIT) != 0) {
            readWide(e, entryPos);
        } else {
            e.metaType = 0;
            e.before = rawI32(entryPos + 4);
            e.after = rawI32(entryPos + 8);
        }
        e.flags = last ? flags | JournalEvent.FLAG_OP_END : flags;
        e.handle = kind == EventKind.REDEEM ? redeemHandle() : handle();
        e.groupStart = first;
    }

    /** The fields every event of the record (and of its current slot group) shares, written once per event object. */
    private void header(JournalEvent e) {
        headerIn = e;
        e.slot = groupSlot;
        e.prevIndex = groupPrev;
        e.index = index;
        e.version = RecordFormat.VERSION;
        Objects.checkFromIndexSize(0, HEADER, len);
        e.op = rawU8(OP_OFF);
        e.seq = rawI64(SEQ_OFF);
        e.timestamp = rawI64(TIME_OFF);
        e.thread = rawI32(THREAD_OFF);
        e.site = rawI32(SITE_OFF);
    }
}
