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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads one format-2 record (see {@link RecordFormat}) from a byte array: typed accessors for the header, a
 * {@link #check} that validates the whole record once (CRC-32C, version, type, op, lengths, every entry's kind), then
 * {@link #next} hands out its events one by one into a {@link JournalEvent} flyweight. Allocates nothing per record.
 */
public final class RecordDecoder {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * By entry kind byte (kind code, high bit for wide): the kind of a slot entry, or {@code null} where the byte names
     * no kind that changes a slot (a bad entry).
     */
    private static final EventKind[] ENTRY_KIND = new EventKind[256];
    /** By entry kind byte: the entry's size in bytes ({@link RecordFormat#NARROW} or {@link RecordFormat#WIDE}), 0 if bad. */
    private static final byte[] ENTRY_SIZE = new byte[256];

    static {
        for (int kb = 0; kb < 256; kb++) {
            EventKind k = EventKind.ofCode(kb & ~WIDE_BIT);
            if (k != null && k.changesSlot()) {
                ENTRY_KIND[kb] = k;
                ENTRY_SIZE[kb] = (byte) ((kb & WIDE_BIT) != 0 ? WIDE : NARROW);
            }
        }
    }

    private final CRC32C crc = new CRC32C();
    private byte[] b;
    private int len;
    private long index;

    // iteration
    private int pos;
    private int groupsLeft;
    private int entriesLeft;
    private int groupSlot;
    private long groupPrev;
    private boolean groupStart;
    private long redeemHandle;
    private long callHandle;
    /** The event the header fields were last written to (they are the same for every event of a record). */
    private JournalEvent headerIn;

    /** Points the decoder at {@code len} bytes of {@code bytes}, the record at journal index {@code index}. */
    public RecordDecoder wrap(byte[] bytes, int len, long index) {
        this.b = bytes;
        this.len = len;
        this.index = index;
        this.pos = -1;
        this.entriesLeft = 0;
        return this;
    }

    public int version() {
        return b[VERSION_OFF] & 0xff;
    }

    public int type() {
        return b[TYPE_OFF] & 0xff;
    }

    public int op() {
        return b[OP_OFF] & 0xff;
    }

    public int flags() {
        return b[FLAGS_OFF] & 0xff;
    }

    public int storedCrc() {
        return (int) I32.get(b, CRC_OFF);
    }

    public long seq() {
        return (long) I64.get(b, SEQ_OFF);
    }

    public long handle() {
        return (long) I64.get(b, HANDLE_OFF);
    }

    public long timestamp() {
        return (long) I64.get(b, TIME_OFF);
    }

    public int thread() {
        return (int) I32.get(b, THREAD_OFF);
    }

    public int site() {
        return (int) I32.get(b, SITE_OFF);
    }

    /** Slot groups of a call; 1 for a marker. */
    public int count() {
        return (int) I32.get(b, COUNT_OFF);
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
        crc.update(b, 0, CRC_OFF);
        crc.update(b, SEQ_OFF, len - SEQ_OFF);
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
        if (version() != RecordFormat.VERSION) {
            return at() + "has format version " + version() + ", expected " + RecordFormat.VERSION;
        }
        if (storedCrc() != computeCrc()) {
            return at()
                    + "fails its CRC-32C check: the journal is damaged or truncated there (a flipped bit, or a record cut or"
                    + " zeroed part way)";
        }
        if (OpCode.ofCode(op()) == null) {
            return at() + "has unknown op " + op();
        }
        if ((flags() & ~RecordFormat.FLAG_FROM_HANDLE) != 0) {
            return at() + "has reserved flag bits set";
        }
        int count = count();
        if (type() == RecordFormat.TYPE_MARKER) {
            if (count != 1 || len != HEADER + MARKER) {
                return at() + "is a marker of " + len + " bytes and count " + count + ", expected " + (HEADER + MARKER)
                        + " and 1";
            }
            EventKind k = EventKind.ofCode(b[HEADER] & 0xff);
            if (k == null || !RecordFormat.isMarker(k)) {
                return at() + "is a marker of unknown kind " + (b[HEADER] & 0xff);
            }
            return null;
        }
        if (type() != RecordFormat.TYPE_CALL) {
            return at() + "has unknown record type " + type();
        }
        if (count <= 0) {
            return at() + "is a call with " + count + " slot groups";
        }
        int p = bodyStart();
        if (p > len) {
            return at() + "ends inside its header";
        }
        long lastSlot = Long.MIN_VALUE;
        for (int g = 0; g < count; g++) {
            if (p + GROUP > len) {
                return at() + "ends inside slot group " + g + " of " + count;
            }
            int slot = (int) I32.get(b, p);
            int n = (short) I16.get(b, p + 4) & 0xffff;
            if (n == 0 || (short) I16.get(b, p + 6) != 0) {
                return at() + "has a malformed slot group " + g + " (" + n + " entries)";
            }
            if (slot <= lastSlot) {
                return at() + "lists slot " + slot + " after slot " + lastSlot + " (slots must ascend)";
            }
            lastSlot = slot;
            p += GROUP;
            for (int i = 0; i < n; i++) {
                if (p + 2 > len) {
                    return at() + "ends inside the entries of slot " + slot;
                }
                int kb = b[p] & 0xff;
                int size = ENTRY_SIZE[kb];
                if (size == 0) {
                    return at() + "has an entry of unknown kind " + (kb & ~WIDE_BIT) + " for slot " + slot;
                }
                if ((b[p + 1] & ~RecordFormat.ENTRY_UPDATE) != 0) {
                    return at() + "has reserved entry flag bits set for slot " + slot;
                }
                p += size;
            }
        }
        if (p != len) {
            return at() + "has " + len + " bytes, its slot groups account for " + p;
        }
        return null;
    }

    private int bodyStart() {
        return (flags() & RecordFormat.FLAG_FROM_HANDLE) != 0 ? HEADER + RecordFormat.FROM_HANDLE : HEADER;
    }

    /** The handle the call's REDEEM entries redeem: fromHandle when the record has one, else its handle. */
    public long redeemHandle() {
        return (flags() & RecordFormat.FLAG_FROM_HANDLE) != 0 ? (long) I64.get(b, HEADER) : handle();
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
        int kb = b[pos] & 0xff;
        EventKind kind = ENTRY_KIND[kb];
        e.kind = kind;
        int flags = b[pos + 1] & 0xff;
        if ((kb & WIDE_BIT) != 0) {
            e.metaType = (short) I16.get(b, pos + 2);
            e.before = (long) I64.get(b, pos + 4);
            e.after = (long) I64.get(b, pos + 12);
            pos += WIDE;
        } else {
            e.metaType = 0;
            e.before = (int) I32.get(b, pos + 4);
            e.after = (int) I32.get(b, pos + 8);
            pos += NARROW;
        }
        entriesLeft--;
        e.flags = entriesLeft == 0 ? flags | JournalEvent.FLAG_OP_END : flags;
        e.handle = kind == EventKind.REDEEM ? redeemHandle : callHandle;
        e.slot = groupSlot;
        e.prevIndex = groupPrev;
        e.groupStart = groupStart;
        groupStart = false;
        return true;
    }

    private static final int NO_MORE = 0;
    private static final int MARKER_READ = 1;
    private static final int GROUP_STARTED = 2;

    /**
     * Once per slot group, out of {@link #next}'s per-entry path (so that it stays small enough to inline): the record's
     * start (a marker's one event, read whole), then each group's header.
     */
    /** Whether every event of the wrapped record has been handed out by {@link #next}. */
    public boolean exhausted() {
        return pos >= 0 && entriesLeft == 0 && (groupsLeft == 0 || type() == RecordFormat.TYPE_MARKER);
    }

    private int nextGroup(JournalEvent e) {
        if (pos < 0) {
            pos = bodyStart();
            redeemHandle = redeemHandle();
            callHandle = handle();
            headerIn = null;
            groupsLeft = count();
            if (type() == RecordFormat.TYPE_MARKER) {
                readMarker(e);
                return MARKER_READ;
            }
        }
        if (groupsLeft == 0) {
            return NO_MORE;
        }
        groupSlot = (int) I32.get(b, pos);
        entriesLeft = (short) I16.get(b, pos + 4) & 0xffff;
        groupPrev = (long) I64.get(b, pos + 8);
        groupStart = true;
        groupsLeft--;
        pos += GROUP;
        return GROUP_STARTED;
    }

    private void readMarker(JournalEvent e) {
        header(e);
        e.handle = callHandle;
        e.kind = EventKind.ofCode(b[HEADER] & 0xff);
        e.flags = 0;
        e.metaType = (short) I16.get(b, HEADER + 2);
        e.slot = (int) I32.get(b, HEADER + 4);
        e.before = (long) I64.get(b, HEADER + 8);
        e.after = (long) I64.get(b, HEADER + 16);
        e.prevIndex = JournalIndex.NONE;
        e.groupStart = true;
        pos = len;
        groupsLeft = 0;
    }

    private void header(JournalEvent e) {
        headerIn = e;
        e.index = index;
        e.version = RecordFormat.VERSION;
        e.op = b[OP_OFF] & 0xff;
        e.seq = (long) I64.get(b, SEQ_OFF);
        e.timestamp = (long) I64.get(b, TIME_OFF);
        e.thread = (int) I32.get(b, THREAD_OFF);
        e.site = (int) I32.get(b, SITE_OFF);
    }
}
