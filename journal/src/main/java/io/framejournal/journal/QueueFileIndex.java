package io.framejournal.journal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds a journal record by its index in the queue files themselves, read-only and without Chronicle Queue, for
 * commands that read a few records out of a large journal (a frame's record chain) and must not pay for starting
 * Chronicle. An index is {@code cycle << cycleShift | sequence} ({@link JournalCycle}); the cycle names the file
 * ({@link JournalCycle#fileName}); in the file, the store header (a binary-wire metadata document at offset 0) names
 * the index-to-index array, whose entries name index arrays, whose entries hold the position of every
 * {@code indexSpacing}-th data document; from there documents are walked by their 4-byte headers (length in bits
 * 0–29, metadata bit 30, not-complete bit 31; 4-aligned when the file's {@code dataFormat} pads), metadata skipped,
 * as Chronicle's {@code SCQIndexing} does.
 *
 * <p>Everything read is checked: bounds against the file's length, header bits, the binary-wire codes and field names
 * of the store header and index arrays, their capacity against the cycle's index count; the record found must pass
 * the reader's own checks ({@link RecordDecoder#check()}: version, CRC-32C, structure) and, in format 2, its sequence
 * number must lie exactly as far from the file's first record's as its index does (data documents of a file are
 * numbered consecutively, and so are our records). Anything unusual, and anything this class does not know (another
 * wire layout, an entry not indexed yet, a file it cannot name), answers "unknown" ({@code false}, with {@link
 * #unknownBecause()}): the caller then reads through Chronicle's tailer, which decides. It never says a record is
 * damaged; only the tailer's reading does.
 *
 * <p>Files are opened for reading only and mapped {@code READ_ONLY} in fixed 1 GiB windows (each with a 64 MiB
 * overlap, so a record never straddles two), created when first touched.
 */
public final class QueueFileIndex implements AutoCloseable {

    private static final int WINDOW_BITS = 30;
    private static final long OVERLAP = 64L << 20;
    private static final int MAX_HEADER = 64 << 10;
    /** Metadata documents (index arrays) met while walking from an indexed document; more means damage. */
    private static final int MAX_METADATA_RUN = 64;
    /** Bytes of a window the header walk copies at a time. */
    private static final int SCAN = 16 << 10;
    /** Index arrays whose layout a queue file remembers (a power of two). */
    private static final int ARRAYS = 64;

    private static final int FILES = 4;
    private static final long UNKNOWN = Long.MIN_VALUE;

    // binary-wire codes (net.openhft.chronicle.wire.BinaryWireCode)
    private static final int BYTES_LENGTH32 = 0x82;
    private static final int I64_ARRAY = 0x8D;
    private static final int PADDING32 = 0x8E;
    private static final int PADDING = 0x8F;
    private static final int UINT8 = 0xA1;
    private static final int UINT16 = 0xA2;
    private static final int UINT32 = 0xA3;
    private static final int INT8 = 0xA4;
    private static final int INT16 = 0xA5;
    private static final int INT32 = 0xA6;
    private static final int INT64 = 0xA7;
    private static final int TYPE_PREFIX = 0xB6;
    private static final int FIELD_NAME_ANY = 0xB9;
    private static final int FIELD_NAME0 = 0xC0;
    private static final int FIELD_NAME31 = 0xDF;

    private final Path journalDir;
    private final JournalCycle cycle;
    private final int countBits;
    private final int spacingBits;
    private final QueueFile[] files = new QueueFile[FILES];
    private int nextSlot;
    private final RecordDecoder decoder = new RecordDecoder();
    private final RecordDecoder first = new RecordDecoder();
    private final JournalEvent v1 = new JournalEvent();
    private byte[] bytes = new byte[256];
    /** The header walk's copy of the window it walks (see {@link #copy}). */
    private final byte[] scan = new byte[SCAN];

    private int length;
    private boolean v1Pending;
    private boolean inRecord;
    /** File offset of the last document found, and its length. */
    private long foundAt;

    private int foundLength;
    private String unknownBecause;

    private QueueFileIndex(Path journalDir, JournalCycle cycle) {
        this.journalDir = journalDir;
        this.cycle = cycle;
        this.countBits = log2(cycle.indexCount());
        this.spacingBits = log2(cycle.indexSpacing());
    }

    /** A reader of {@code journalDir}'s queue files as written with {@code cycle}; opens nothing yet. */
    public static QueueFileIndex open(Path journalDir, JournalCycle cycle) {
        return new QueueFileIndex(journalDir, cycle);
    }

    /**
     * Finds the record at {@code index} and checks it; the next {@link #next} calls hand out its events.
     *
     * @return false when it cannot be found with certainty ({@link #unknownBecause()} says why)
     */
    public boolean moveTo(long index) {
        inRecord = false;
        v1Pending = false;
        unknownBecause = null;
        try {
            if (index < 0) {
                return unknown("index " + index + " is negative");
            }
            QueueFile f = file(cycle.cycleOf(index));
            long sequence = index & cycle.sequenceMask();
            if (f == null || (f.seqOffset == UNKNOWN && sequence != 0 && !learnSeqOffset(f))) {
                return false;
            }
            if (!copy(f, sequence)) {
                return false;
            }
            if (length > 0 && bytes[0] == JournalEvent.V1) {
                String problem = v1.readV1From(bytes, length, index);
                if (problem != null) {
                    return unknown(problem);
                }
                v1Pending = true;
                return true;
            }
            String problem = decoder.wrap(bytes, length, index).check();
            if (problem != null) {
                return unknown(problem);
            }
            long offset = decoder.seq() - sequence;
            if (f.seqOffset == UNKNOWN) {
                f.seqOffset = offset; // this is the file's first record
            } else if (offset != f.seqOffset) {
                return unknown("record at " + JournalIndex.format(index) + " has sequence number " + decoder.seq()
                        + ", not " + (f.seqOffset + sequence) + " as its file's first record says");
            }
            inRecord = true;
            return true;
        } catch (RuntimeException | InternalError e) {
            // InternalError: a page of a file truncated under its mapping (SIGBUS)
            return unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The next event of the record {@link #moveTo} found; false after its last. */
    public boolean next(JournalEvent into) {
        if (v1Pending) {
            v1Pending = false;
            into.copyFrom(v1);
            return true;
        }
        if (inRecord && decoder.next(into)) {
            return true;
        }
        inRecord = false;
        return false;
    }

    /** The format-2 record {@link #moveTo} found, checked (valid until the next {@code moveTo}). */
    public RecordDecoder record() {
        return decoder;
    }

    /**
     * The index of the journal's first record: sequence 0 of the lowest cycle whose file is in the directory, or
     * {@link JournalIndex#NONE} when that is not known with certainty (then ask Chronicle).
     */
    public long firstIndex() {
        long[] range = cycles();
        if (range == null) {
            return JournalIndex.NONE;
        }
        return range[0] << cycle.cycleShift();
    }

    /**
     * Whether the record at {@code index} (just found by {@link #moveTo}) is the journal's last, as Chronicle's own
     * {@code lastIndex()} would say: its file is the highest cycle in the directory, the file's store header names it
     * as the last document written (write position and sequence), and no document follows it.
     *
     * @return false when it is not, or not known with certainty
     */
    public boolean endsAt(long index) {
        try {
            long c = cycle.cycleOf(index);
            long[] range = cycles();
            if (range == null || range[1] != c) {
                return unknown(
                        range == null ? unknownBecause : "a later queue file than " + cycle.fileName(c) + " exists");
            }
            QueueFile f = file(c);
            if (f == null || !moveTo(index)) {
                return false;
            }
            long at = foundAt;
            long sequence = index & cycle.sequenceMask();
            int shift = cycle.cycleShift(); // Chronicle keeps (position << shift) + sequence beside the position
            if (f.writePosition != at
                    || (f.writeSequence >>> shift) != ((at << shift) >>> shift)
                    || (f.writeSequence & cycle.sequenceMask()) != sequence) {
                return unknown("the store header of " + cycle.fileName(c) + " does not name "
                        + JournalIndex.format(index) + " as its last document");
            }
            long after = f.aligned(at + 4 + foundLength);
            if (!f.covers(after, 4)) {
                return unknown("no room for a header after " + JournalIndex.format(index));
            }
            int header = f.intAt(after);
            return header == 0
                    || header == DocumentHeader.END_OF_DATA
                    || unknown("a document follows " + JournalIndex.format(index) + " in " + cycle.fileName(c));
        } catch (RuntimeException | InternalError e) {
            return unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Why the last answer was "unknown", or {@code null}. */
    public String unknownBecause() {
        return unknownBecause;
    }

    /** The lowest and highest cycle of the directory's queue files, or {@code null} when a name is not one of ours. */
    private long[] cycles() {
        long low = Long.MAX_VALUE;
        long high = -1;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(journalDir)) { // no glob: no regex to compile
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".cq4")) {
                    continue;
                }
                long c = cycle.cycleOfFileName(name);
                if (c < 0) {
                    unknown("queue file " + p.getFileName() + " is not named for the " + cycle.confName() + " cycle");
                    return null;
                }
                low = Math.min(low, c);
                high = Math.max(high, c);
            }
        } catch (IOException | RuntimeException e) { // DirectoryIteratorException too
            unknown("cannot list " + journalDir + ": " + RegionException.reason(e, journalDir));
            return null;
        }
        if (high < 0) {
            unknown(journalDir + " holds no queue files");
            return null;
        }
        return new long[] {low, high};
    }

    /**
     * Learns how far our records' {@code seq} lies from the file's sequence numbers, from its first record: data
     * documents of a file are numbered consecutively, and so are our format-2 records, so the distance is the same for
     * every record of the file.
     */
    private boolean learnSeqOffset(QueueFile f) {
        if (!copy(f, 0)) {
            return false;
        }
        if (length == 0 || bytes[0] != RecordFormat.VERSION) {
            return unknown("the first record of " + cycle.fileName(f.cycle) + " is not format " + RecordFormat.VERSION);
        }
        String problem =
                first.wrap(bytes, length, f.cycle << cycle.cycleShift()).check();
        if (problem != null) {
            return unknown("the first record of " + cycle.fileName(f.cycle) + " does not check: " + problem);
        }
        f.seqOffset = first.seq();
        return true;
    }

    /** Copies data document {@code sequence} of {@code f} into {@link #bytes}; false (unknown) when not found. */
    private boolean copy(QueueFile f, long sequence) {
        long entry2 = sequence >>> (countBits + spacingBits);
        long entry3 = (sequence >>> spacingBits) & (cycle.indexCount() - 1);
        long secondary = f.indexEntry(f.index2index, "index2index", entry2);
        if (secondary <= 0) {
            return unknown(
                    f.problem != null
                            ? f.problem
                            : "sequence " + sequence + " of " + cycle.fileName(f.cycle) + " is past the index");
        }
        long p = f.indexEntry(secondary, "index", entry3);
        if (p <= 0) {
            return unknown(
                    f.problem != null
                            ? f.problem
                            : "sequence " + sequence + " of " + cycle.fileName(f.cycle) + " is not indexed");
        }
        long skip = sequence & (cycle.indexSpacing() - 1);
        // The walk over at most indexSpacing documents, tight (one window, int offsets, no calls per header): in a
        // fresh JVM it runs interpreted, and a chain of a hundred records steps over some ten thousand headers. The
        // headers are read from a bulk copy of the window ({@link #scan}): a MappedByteBuffer.getInt costs about a
        // microsecond in the interpreter (it runs the buffer's whole checked-access path), an array read a few ns.
        MappedByteBuffer m = f.window(p);
        long base = f.windowBase(p);
        int limit = m.limit(); // the window's end: never past the file's length
        int align = f.padding ? 3 : 0;
        int at = (int) (p - base);
        int scanFrom = at;
        int scanTo = at; // scan[0, scanTo - scanFrom) holds the window's bytes [scanFrom, scanTo)
        for (int metadata = 0; ; ) {
            at = (at + align) & ~align;
            if (at > limit - 4) {
                return unknown("the walk to sequence " + sequence + " of " + cycle.fileName(f.cycle) + " leaves its"
                        + " mapped window at " + (base + at));
            }
            if (at > scanTo - 4) {
                scanFrom = at;
                scanTo = at + Math.min(SCAN, limit - at);
                m.get(scanFrom, scan, 0, scanTo - scanFrom);
            }
            int header = littleEndianInt(scan, at - scanFrom);
            int len = header & DocumentHeader.LENGTH_MASK;
            if ((header & DocumentHeader.NOT_COMPLETE) != 0 || len == 0) {
                return unknown("sequence " + sequence + " of " + cycle.fileName(f.cycle) + " is not written"
                        + " (header 0x" + Integer.toHexString(header) + " at " + (base + at) + ")");
            }
            if (len > RecordFormat.MAX_RECORD || len > limit - 4 - at) {
                return unknown(
                        "document at " + (base + at) + " of " + cycle.fileName(f.cycle) + " has a bad length " + len);
            }
            if ((header & DocumentHeader.META_DATA) != 0) {
                if (++metadata > MAX_METADATA_RUN) {
                    return unknown("too many metadata documents at " + (base + at) + " of " + cycle.fileName(f.cycle));
                }
            } else if (skip-- == 0) {
                if (bytes.length < len) {
                    bytes = new byte[Math.max(len, bytes.length * 2)];
                }
                if (at + 4 + len <= scanTo) {
                    System.arraycopy(scan, at + 4 - scanFrom, bytes, 0, len);
                } else {
                    m.get(at + 4, bytes, 0, len);
                }
                length = len;
                foundAt = base + at;
                foundLength = len;
                return true;
            }
            at += 4 + len;
        }
    }

    private static int littleEndianInt(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | b[i + 3] << 24;
    }

    /** The open file of cycle {@code c}, its store header parsed; {@code null} (unknown) when it cannot be used. */
    private QueueFile file(long c) {
        for (QueueFile f : files) {
            if (f != null && f.cycle == c) {
                return f;
            }
        }
        Path p = journalDir.resolve(cycle.fileName(c));
        QueueFile f;
        try {
            f = new QueueFile(c, FileChannel.open(p, StandardOpenOption.READ));
        } catch (IOException | RuntimeException e) {
            unknown("cannot open " + p + ": " + e.getClass().getSimpleName());
            return null;
        }
        boolean parsed = f.parseStore(cycle);
        f.release();
        if (!parsed) {
            unknown(f.problem);
            f.close();
            return null;
        }
        if (files[nextSlot] != null) {
            files[nextSlot].close();
        }
        files[nextSlot] = f;
        nextSlot = (nextSlot + 1) % FILES;
        return f;
    }

    private boolean unknown(String why) {
        unknownBecause = why;
        return false;
    }

    @Override
    public void close() {
        for (int i = 0; i < FILES; i++) {
            if (files[i] != null) {
                files[i].close();
                files[i] = null;
            }
        }
    }

    private static int log2(int powerOfTwo) {
        return 31 - Integer.numberOfLeadingZeros(powerOfTwo);
    }

    /** One queue file: its channel, its windows, what its store header says. */
    private static final class QueueFile {
        final long cycle;
        final FileChannel channel;
        final long length;
        final MappedByteBuffer[] windows;
        long index2index;
        long writePosition;
        long writeSequence;
        boolean padding;
        long seqOffset = UNKNOWN;
        String problem;
        /**
         * Index arrays whose layout was checked, direct-mapped by position: where each starts ({@code at}), under
         * which field name, where its values begin and its capacity (a document, once written, never changes).
         */
        private final long[] arrayAt = new long[ARRAYS];

        private final String[] arrayName = new String[ARRAYS];
        private final long[] arrayValues = new long[ARRAYS];
        private final long[] arrayCapacity = new long[ARRAYS];
        /** A heap copy of the file's bytes {@code [heldFrom, heldTo)} (see {@link #hold}). */
        private byte[] held = new byte[0];

        private long heldFrom;
        private long heldTo;

        QueueFile(long cycle, FileChannel channel) throws IOException {
            this.cycle = cycle;
            this.channel = channel;
            this.length = channel.size();
            this.windows = new MappedByteBuffer[(int) Math.max(1, (length + (1L << WINDOW_BITS) - 1) >>> WINDOW_BITS)];
        }

        /**
         * The store header: {@code header: !SCQStore { writePosition: [position, position << 32 | sequence],
         * indexing: !SCQSIndexing { indexCount, indexSpacing, index2Index, lastIndex }, dataFormat }} in binary
         * wire, read field by field (nested objects are read through, their fields are unique).
         */
        boolean parseStore(JournalCycle cycle) {
            if (!covers(0, 4)) {
                return bad("file is shorter than a header");
            }
            int header = intAt(0);
            int len = header & DocumentHeader.LENGTH_MASK;
            if ((header & DocumentHeader.NOT_COMPLETE) != 0
                    || (header & DocumentHeader.META_DATA) == 0
                    || len > MAX_HEADER
                    || !covers(4, len)) {
                return bad("no complete store header (0x" + Integer.toHexString(header) + ")");
            }
            hold(0, 4 + len); // parsed byte by byte below: from a heap copy, not the mapping
            long p = 4;
            long end = 4L + len;
            long indexCount = -1;
            long indexSpacing = -1;
            long dataFormat = 0;
            boolean written = false;
            index2index = -1;
            while (p < end) {
                int code = u8(p++);
                int n;
                if (code >= FIELD_NAME0 && code <= FIELD_NAME31) {
                    n = code - FIELD_NAME0;
                } else if (code == FIELD_NAME_ANY) {
                    n = u8(p++);
                    if (n >= 0x80) {
                        return bad("a field name of " + n + "+ bytes");
                    }
                } else {
                    return bad("code 0x" + Integer.toHexString(code) + " where a field name belongs");
                }
                if (p + n > end) {
                    return bad("a field name past the header's end");
                }
                String name = ascii(p, n);
                p = skipPadding(p + n, end);
                if (p < 0 || p >= end) {
                    return bad("field " + name + " has no value");
                }
                code = u8(p);
                if (code == TYPE_PREFIX) {
                    int t = u8(p + 1);
                    p = skipPadding(p + 2 + t, end);
                    if (t >= 0x80 || p < 0 || p + 5 > end || u8(p) != BYTES_LENGTH32) {
                        return bad("field " + name + " is not a nested object");
                    }
                    p += 5; // its fields follow
                    continue;
                }
                if (code == BYTES_LENGTH32) {
                    p += 5;
                    continue;
                }
                if (code == I64_ARRAY) {
                    if (p + 17 > end) {
                        return bad("array " + name + " past the header's end");
                    }
                    long capacity = longAt(p + 1);
                    if (capacity < 0 || capacity > 64 || p + 17 + capacity * 8 > end) {
                        return bad("array " + name + " of capacity " + capacity);
                    }
                    if (name.equals("writePosition")) {
                        if (capacity != 2) {
                            return bad("writePosition is not two values");
                        }
                        writePosition = longAt(p + 17);
                        writeSequence = longAt(p + 25);
                        written = true;
                    }
                    p += 17 + capacity * 8;
                    continue;
                }
                int size = code < 0x80
                        ? 1
                        : code == UINT8 || code == INT8
                                ? 2
                                : code == UINT16 || code == INT16
                                        ? 3
                                        : code == UINT32 || code == INT32 ? 5 : code == INT64 ? 9 : -1;
                if (size < 0 || p + size > end) {
                    return bad("field " + name + " has a value of code 0x" + Integer.toHexString(code));
                }
                long v = code < 0x80
                        ? code
                        : code == UINT8
                                ? u8(p + 1)
                                : code == INT8
                                        ? (byte) u8(p + 1)
                                        : code == UINT16
                                                ? shortAt(p + 1) & 0xFFFF
                                                : code == INT16
                                                        ? shortAt(p + 1)
                                                        : code == UINT32
                                                                ? intAt(p + 1) & 0xFFFF_FFFFL
                                                                : code == INT32 ? intAt(p + 1) : longAt(p + 1);
                p += size;
                switch (name) {
                    case "indexCount" -> indexCount = v;
                    case "indexSpacing" -> indexSpacing = v;
                    case "index2Index" -> index2index = v;
                    case "dataFormat" -> dataFormat = v;
                    default -> {
                        // lastIndex and fields this reader does not use
                    }
                }
            }
            if (indexCount != cycle.indexCount() || indexSpacing != cycle.indexSpacing()) {
                return bad("an index of " + indexCount + " x " + indexSpacing + ", not the " + cycle.confName()
                        + " cycle's " + cycle.indexCount() + " x " + cycle.indexSpacing());
            }
            if (!written || index2index <= 0 || index2index >= length) {
                return bad("no write position or index");
            }
            padding = dataFormat > 0;
            return true;
        }

        /**
         * Entry {@code i} of the index array whose document starts at {@code at} (its field named {@code name}):
         * 0 when not set or past the used entries, -1 (with {@link #problem}) when the array is not one.
         */
        long indexEntry(long at, String name, long i) {
            int k = (int) ((at ^ (at >>> 16)) >>> 3) & (ARRAYS - 1);
            long values;
            long capacity;
            if (arrayAt[k] == at && arrayName[k] == name) {
                values = arrayValues[k];
                capacity = arrayCapacity[k];
            } else {
                values = arrayValues(at, name);
                if (values < 0) {
                    return -1;
                }
                capacity = longAt(values - 16);
                arrayAt[k] = at;
                arrayName[k] = name;
                arrayValues[k] = values;
                arrayCapacity[k] = capacity;
            }
            long used = longAt(values - 8); // read each time: a live writer fills the array
            if (capacity <= i || used < 0 || used > capacity) {
                problem = "index array " + name + " at " + at + " has capacity " + capacity + " and " + used + " used";
                return -1;
            }
            if (i >= used) {
                return 0;
            }
            long v = longAt(values + i * 8);
            if (v < 0 || v >= length) {
                problem = "index array " + name + " at " + at + " names position " + v + " outside the file";
                return -1;
            }
            return v;
        }

        /**
         * Where the values of the index array whose document starts at {@code at} (its field named {@code name})
         * begin, its layout checked (capacity and used counts are the two longs before them); -1 (with
         * {@link #problem}) when the document is not such an array.
         */
        private long arrayValues(long at, String name) {
            if (at <= 0 || !covers(at, 4)) {
                problem = "an index array at " + at + " lies outside the file";
                return -1;
            }
            int header = intAt(at);
            int len = header & DocumentHeader.LENGTH_MASK;
            if ((header & DocumentHeader.NOT_COMPLETE) != 0
                    || (header & DocumentHeader.META_DATA) == 0
                    || !covers(at + 4, len)) {
                problem = "no complete index array at " + at;
                return -1;
            }
            long p = at + 4;
            long end = p + len;
            int code = u8(p++);
            int n = code == FIELD_NAME_ANY ? u8(p++) : code - FIELD_NAME0;
            if (n != name.length() || p + n > end || !nameAt(p, name)) {
                problem = "the document at " + at + " is not an index array (" + name + ")";
                return -1;
            }
            p = skipPadding(p + n, end);
            if (p < 0 || p + 17 > end || u8(p) != I64_ARRAY) {
                problem = "index array " + name + " at " + at + " holds no array";
                return -1;
            }
            long capacity = longAt(p + 1);
            if (capacity < 0 || p + 17 + capacity * 8 > end) {
                problem = "index array " + name + " at " + at + " has capacity " + capacity;
                return -1;
            }
            return p + 17;
        }

        /** Past any padding codes from {@code p}; -1 when they run past {@code end}. */
        private long skipPadding(long p, long end) {
            while (p < end) {
                int code = u8(p);
                if (code == PADDING) {
                    p++;
                } else if (code == PADDING32) {
                    if (p + 5 > end) {
                        return -1;
                    }
                    long n = intAt(p + 1) & 0xFFFF_FFFFL;
                    p += 5 + n;
                } else {
                    return p;
                }
            }
            return p > end ? -1 : p;
        }

        private boolean bad(String why) {
            problem = "queue file of cycle " + cycle + ": " + why;
            return false;
        }

        long aligned(long p) {
            return padding ? (p + 3) & ~3L : p;
        }

        /** Whether {@code [at, at + size)} lies inside the file (and so inside one window). */
        boolean covers(long at, long size) {
            return at >= 0 && size >= 0 && size <= OVERLAP && at + size <= length;
        }

        long windowBase(long at) {
            return (at >>> WINDOW_BITS) << WINDOW_BITS;
        }

        MappedByteBuffer window(long at) {
            int w = (int) (at >>> WINDOW_BITS);
            MappedByteBuffer m = windows[w];
            if (m == null) {
                long base = (long) w << WINDOW_BITS;
                long size = Math.min(length - base, (1L << WINDOW_BITS) + OVERLAP);
                try {
                    m = channel.map(FileChannel.MapMode.READ_ONLY, base, size);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot map " + base + "+" + size + ": " + e.getMessage(), e);
                }
                m.order(ByteOrder.LITTLE_ENDIAN);
                windows[w] = m;
            }
            return m;
        }

        private int offset(long at) {
            return (int) (at & ((1L << WINDOW_BITS) - 1));
        }

        /**
         * Copies {@code [at, at + n)} (inside the file) to the heap, where {@link #u8}, {@link #intAt} and {@link
         * #longAt} then read it: a structure parsed byte by byte runs interpreted in a fresh JVM, where a read through
         * a MappedByteBuffer costs about a microsecond and an array read a few nanoseconds.
         */
        void hold(long at, int n) {
            if (held.length < n) {
                held = new byte[n];
            }
            window(at).get(offset(at), held, 0, n);
            heldFrom = at;
            heldTo = at + n;
        }

        int u8(long at) {
            if (at >= heldFrom && at < heldTo) {
                return held[(int) (at - heldFrom)] & 0xFF;
            }
            return window(at).get(offset(at)) & 0xFF;
        }

        short shortAt(long at) {
            if (at >= heldFrom && at + 2 <= heldTo) {
                int i = (int) (at - heldFrom);
                return (short) ((held[i] & 0xFF) | held[i + 1] << 8);
            }
            return window(at).getShort(offset(at));
        }

        /** Reads go to the mapping again (the held bytes may change under a live writer). */
        void release() {
            heldFrom = 0;
            heldTo = 0;
        }

        int intAt(long at) {
            if (at >= heldFrom && at + 4 <= heldTo) {
                int i = (int) (at - heldFrom);
                return littleEndianInt(held, i);
            }
            return window(at).getInt(offset(at));
        }

        long longAt(long at) {
            if (at >= heldFrom && at + 8 <= heldTo) {
                int i = (int) (at - heldFrom);
                return (littleEndianInt(held, i) & 0xFFFF_FFFFL) | ((long) littleEndianInt(held, i + 4) << 32);
            }
            return window(at).getLong(offset(at));
        }

        /** Whether the bytes at {@code at} spell {@code name} (ASCII), compared in place. */
        boolean nameAt(long at, String name) {
            for (int i = 0; i < name.length(); i++) {
                if (u8(at + i) != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        String ascii(long at, int n) {
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = (char) u8(at + i);
            }
            return new String(c);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
