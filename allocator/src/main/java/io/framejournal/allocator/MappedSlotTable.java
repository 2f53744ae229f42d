package io.framejournal.allocator;

import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The slot table read in place: the file is opened for reading only and each segment of the Chronicle Map is mapped
 * {@link FileChannel.MapMode#READ_ONLY} when a slot in it is first read, so a forensic command changes no byte (the OS
 * refuses a write to the mapping) and its memory follows the slots it reads, not the region's size.
 *
 * <p>Chronicle Map has no read-only mode: even a lookup takes a segment lock, a write into the file. So the lookup is
 * done here, following Chronicle Map's own layout, for the one shape our tables have (int keys, 64-byte values,
 * constant sizes, no entry checksums; see {@link SlotTable}). From the file: a 12-byte preamble (an xxHash r39
 * checksum of the header, then its size word), the self-describing header text (its fields parsed as numbers, never
 * instantiated), the global state, page-aligned segment headers, then {@code actualSegments} tiers of {@code tierSize}
 * bytes: a hash lookup (open addressing, {@code tierHashLookupSlotSize}-byte entries of key bits and a chunk
 * position), tier counters, a free list and the entry space of {@code chunkSize}-byte chunks. A key's hash is xxHash
 * r39 of the int; its low bits pick the segment, the rest the hash-lookup key. Every value found must carry the
 * slot's key and the table's magic; anything else is a one-line {@link RegionException}. The hash is our own
 * {@link XxHash64} (Chronicle's xx_r39), so reading a slot in place loads nothing of Chronicle. A table whose segment spilled
 * into an extra tier (never seen: tables are sized for their slots) is {@link Unsupported}, and the caller reads a
 * private copy through Chronicle Map instead.
 */
public final class MappedSlotTable implements SlotSource {
    private static final int PREAMBLE = 12;
    /** The header's size word, after its 8-byte checksum; its top bit says the map is not complete (not ready). */
    private static final int SIZE_WORD_AT = 8;

    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final int LENGTH_MASK = 0x3FFF_FFFF;
    private static final int MAX_HEADER = 16 << 10;
    private static final long TIER_COUNTERS_AREA_SIZE = 64;
    private static final long RESERVED_GLOBAL_MUTABLE_STATE_BYTES = 1024;
    private static final long PAGE = 4096;

    /** The table's layout is one this reader does not follow; read it another way. */
    public static final class Unsupported extends RegionException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    /**
     * The table's header is marked not ready: Chronicle Map's creation or its {@code recoverPersistedTo} (which a
     * recovery runs) was cut short. Chronicle's recovery completes such a header; a reader cannot trust the table.
     */
    public static final class NotReady extends RegionException {
        private static final long serialVersionUID = 1L;

        NotReady(String message) {
            super(message);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final int nrSlots;
    private final int segments;
    private final int segmentBits; // -1: not a power of two
    private final long chunkSize;
    private final long chunksPerTier;
    private final int slotSize;
    private final long capacityMask;
    private final long keyMask;
    private final int keyBits;
    private final long valueMask;
    private final long hashLookupOuterSize;
    private final long entrySpaceOffset;
    private final long tierSize;
    private final long segmentsOffset;
    private final MappedByteBuffer[] tiers;
    private int mappedTiers;

    private MappedSlotTable(Path file, FileChannel channel, int nrSlots, Map<String, Long> h) throws IOException {
        this.file = file;
        this.channel = channel;
        this.nrSlots = nrSlots;
        this.segments = (int) field(h, "actualSegments", 1, Math.max(1, Math.min(nrSlots, 1 << 24)));
        this.segmentBits = Long.bitCount(segments) == 1 ? Integer.numberOfTrailingZeros(segments) : -1;
        this.chunkSize = field(h, "chunkSize", 1, 1 << 20);
        this.chunksPerTier = field(h, "actualChunksPerSegmentTier", 1, 1L << 30);
        this.slotSize = (int) field(h, "tierHashLookupSlotSize", 4, 8);
        long capacity = field(h, "tierHashLookupCapacity", 1, 1L << 30);
        if (Long.bitCount(capacity) != 1 || (slotSize != 4 && slotSize != 8)) {
            throw bad("hash lookup of capacity " + capacity + " and slot size " + slotSize);
        }
        this.capacityMask = capacity - 1;
        this.keyBits = (int) field(h, "tierHashLookupKeyBits", 1, 63);
        int valueBits = (int) field(h, "tierHashLookupValueBits", 0, 63);
        if (keyBits + valueBits > slotSize * 8) {
            throw bad("hash lookup entries of " + keyBits + "+" + valueBits + " bits in " + slotSize + " bytes");
        }
        this.keyMask = (1L << keyBits) - 1;
        this.valueMask = (1L << valueBits) - 1;
        this.hashLookupOuterSize = field(h, "tierHashLookupOuterSize", capacity * slotSize, 1L << 34);
        long freeListOuterSize = field(h, "tierFreeListOuterSize", 0, 1L << 34);
        long entrySpaceInnerOffset = field(h, "tierEntrySpaceInnerOffset", 0, 1L << 20);
        this.entrySpaceOffset =
                hashLookupOuterSize + TIER_COUNTERS_AREA_SIZE + freeListOuterSize + entrySpaceInnerOffset;
        this.tierSize = field(h, "tierSize", entrySpaceOffset + chunksPerTier * chunkSize, 1L << 30);
        long segmentHeaderSize = field(h, "segmentHeaderSize", 1, 1 << 20);
        long headerEnd = align(PREAMBLE + h.get(HEADER_LENGTH), 64);
        long segmentHeadersOffset = align(headerEnd + RESERVED_GLOBAL_MUTABLE_STATE_BYTES, PAGE);
        this.segmentsOffset = segmentHeadersOffset + segments * segmentHeaderSize;
        long end = segmentsOffset + segments * tierSize;
        long length = channel.size();
        if (length < end) {
            throw new RegionException("slot table " + file + " has " + length + " bytes where its header needs " + end
                    + ": it was truncated; nothing was changed (recover --salvage rebuilds it from the journal)");
        }
        this.tiers = new MappedByteBuffer[segments];
    }

    private static final String HEADER_LENGTH = "\0headerLength";

    /**
     * Opens a table for reading in place; maps nothing yet.
     *
     * @throws Unsupported when its layout is not one this reader follows
     * @throws RegionException when it is missing, damaged or not a slot table
     */
    public static MappedSlotTable open(Path file, int nrSlots) {
        return open(file, nrSlots, false);
    }

    /**
     * {@link #open(Path, int)}; with {@code notReadyToo}, a header marked not ready is read as if it were ready when
     * its bytes are whole (its checksum, taken as for a ready header, matches): for recovery, which checks such a table
     * read-only before it lets Chronicle Map's recovery complete it ({@link #markReady}).
     */
    static MappedSlotTable open(Path file, int nrSlots, boolean notReadyToo) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            Map<String, Long> header = readHeader(file, channel, notReadyToo);
            MappedSlotTable t = new MappedSlotTable(file, channel, nrSlots, header);
            for (int probe : new int[] {0, nrSlots / 2, nrSlots - 1}) {
                t.valueOffsetOf(probe); // fails on a table that is not this region's or not readable so
            }
            return t;
        } catch (java.nio.file.NoSuchFileException e) {
            close(channel);
            throw new RegionException("slot table " + file + " is missing");
        } catch (java.nio.file.AccessDeniedException e) {
            close(channel);
            throw new RegionException("slot table " + file + " is not readable: permission denied", e);
        } catch (IOException e) {
            close(channel);
            throw new RegionException("slot table " + file + " is unreadable: " + RegionException.oneLine(e));
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    /**
     * Marks a not-ready header ready again, for recovery, after {@link #open(Path, int, boolean)} read the whole table
     * with it: its bytes are as a completed header's, only the ready mark was left unset by a Chronicle Map recovery
     * that was killed (Chronicle would otherwise wait a minute for it before recovering the map again).
     */
    static void markReady(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.read(word, SIZE_WORD_AT) < 4) {
                throw new RegionException("slot table " + file + " is not a Chronicle Map slot table (too short)");
            }
            int sizeWord = word.getInt(0);
            if ((sizeWord & NOT_COMPLETE) != 0) {
                word.putInt(0, sizeWord & ~NOT_COMPLETE).rewind();
                ch.write(word, SIZE_WORD_AT);
                ch.force(true);
            }
        }
    }

    /**
     * The header's size word when it says the map is ready (then it is not negative: {@link #NOT_COMPLETE} is its sign
     * bit), else -1 (marked not complete, or the file too short to hold it). For {@link #writeSizeWord} to put back.
     */
    static int readySizeWord(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
            while (pre.hasRemaining() && ch.read(pre, pre.position()) > 0) {
                // read on until the preamble is whole or the file ends
            }
            int sizeWord = pre.getInt(SIZE_WORD_AT);
            return pre.hasRemaining() || (sizeWord & NOT_COMPLETE) != 0 ? -1 : sizeWord;
        }
    }

    /** Writes the header's size word ({@link #readySizeWord}), nothing else. */
    static void writeSizeWord(Path file, int sizeWord) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            word.putInt(0, sizeWord);
            while (word.hasRemaining()) {
                ch.write(word, SIZE_WORD_AT + word.position());
            }
        }
    }

    private static Map<String, Long> readHeader(Path file, FileChannel channel, boolean notReadyToo)
            throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
        if (channel.read(pre, 0) < PREAMBLE) {
            throw new RegionException("slot table " + file + " is not a Chronicle Map slot table (too short)");
        }
        long checksum = pre.getLong(0);
        int sizeWord = pre.getInt(SIZE_WORD_AT);
        int length = sizeWord & LENGTH_MASK;
        boolean notReady = (sizeWord & NOT_COMPLETE) != 0;
        if (notReady && !notReadyToo) {
            throw new NotReady("slot table " + file + " was never completed (its header is marked not ready:"
                    + " its creation or a recovery was cut short); recover the region");
        }
        if (length <= 0 || length > MAX_HEADER) {
            throw new RegionException(
                    "slot table " + file + " is not a Chronicle Map slot table (header size " + length + ")");
        }
        ByteBuffer all = ByteBuffer.allocate(PREAMBLE + length).order(ByteOrder.LITTLE_ENDIAN);
        while (all.hasRemaining()) {
            if (channel.read(all, all.position()) < 0) {
                throw new RegionException("slot table " + file + " is truncated inside its header");
            }
        }
        if (notReady) {
            all.putInt(8, sizeWord & ~NOT_COMPLETE); // the checksum is taken over the ready header
        }
        if (XxHash64.hashBytes(all, 8, length + 4) != checksum) {
            throw new RegionException("slot table " + file + " has a damaged header (checksum mismatch"
                    + (notReady ? ", and marked not ready: its creation or a recovery was cut short" : "")
                    + "); nothing was changed (recover --salvage rebuilds it from the journal)");
        }
        String text = new String(all.array(), PREAMBLE, length, StandardCharsets.ISO_8859_1);
        Map<String, Long> h = parseHeader(file, text);
        h.put(HEADER_LENGTH, (long) length);
        return h;
    }

    /**
     * The header's numeric fields at the top level of the map object, checked to describe our shape of table: int
     * keys of 4 bytes, values of 64, constant sizes, 8-byte alignment, no entry checksums.
     */
    static Map<String, Long> parseHeader(Path file, String text) {
        if (!text.startsWith("!net.openhft.chronicle.map.VanillaChronicleMap {")) {
            throw new RegionException("slot table " + file + " is not a Chronicle Map slot table (no map header)");
        }
        Map<String, Long> h = new HashMap<>();
        StringBuilder constantSizes = new StringBuilder();
        int depth = 0;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.endsWith(",")) {
                line = line.substring(0, line.length() - 1);
            }
            int colon = line.indexOf(':');
            if (colon > 0 && depth <= 2) {
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("constantSize")) {
                    constantSizes.append(value).append(' ');
                } else if (depth == 1 && !value.endsWith("{")) {
                    parseInto(h, key, value);
                } else if (depth == 2 && key.equals("bits")) {
                    parseInto(h, "hashSplitting.bits", value);
                }
            }
            depth += nesting(line);
        }
        require(file, text.contains("keyClass: !type int,"), "int keys");
        require(file, text.contains("valueClass: !type byte[],"), "byte[] values");
        require(file, constantSizes.toString().equals("4 " + SlotTable.VALUE_SIZE + " "), "constant sizes 4 and 64");
        require(file, text.contains("checksumEntries: false,"), "no entry checksums");
        require(file, text.contains("constantlySizedEntry: true,"), "constantly sized entries");
        require(file, Long.valueOf(8).equals(h.get("alignment")), "8-byte alignment");
        Long bits = h.get("hashSplitting.bits");
        Long segments = h.get("actualSegments");
        require(file, segments != null, "a segment count");
        if (Long.bitCount(segments) == 1 && segments > 1) {
            require(file, bits != null && (1L << bits) == segments, "power-of-two hash splitting");
        }
        return h;
    }

    private static void parseInto(Map<String, Long> h, String key, String value) {
        try {
            h.put(key, Long.parseLong(value));
        } catch (NumberFormatException e) {
            // not a number: not a field this reader uses
        }
    }

    private static void require(Path file, boolean ok, String what) {
        if (!ok) {
            throw new Unsupported("slot table " + file + " is not laid out as this reader expects (" + what + ")");
        }
    }

    /** Braces opened minus braces closed in {@code s}: one pass (in a fresh JVM this loop runs interpreted). */
    private static int nesting(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                n++;
            } else if (c == '}') {
                n--;
            }
        }
        return n;
    }

    private long field(Map<String, Long> h, String key, long min, long max) {
        Long v = h.get(key);
        if (v == null || v < min || v > max) {
            throw bad(key + " " + v);
        }
        return v;
    }

    private RegionException bad(String what) {
        return new RegionException("slot table " + file + " has an impossible header (" + what + "); it is damaged");
    }

    private static long align(long v, long to) {
        return (v + to - 1) / to * to;
    }

    @Override
    public int nrSlots() {
        return nrSlots;
    }

    @Override
    public void load(int slot, SlotState s) {
        int at = valueOffsetOf(slot); // maps the slot's segment on first use
        readValue(tiers[segmentOf(slot)], at, s);
    }

    /** Decodes the slot value at {@code at} of {@code t} (the layout of {@link SlotTable}). */
    private static void readValue(ByteBuffer t, int at, SlotState s) {
        s.refCount = t.getLong(at + SlotTable.REF_COUNT);
        s.lastIndex = t.getLong(at + SlotTable.LAST_INDEX);
        s.meta0 = t.getLong(at + SlotTable.META0);
        s.meta1 = t.getLong(at + SlotTable.META1);
        s.raw = t.getLong(at + SlotTable.RAW);
        s.obligations = t.getLong(at + SlotTable.OBLIGATIONS);
        s.inList = t.getInt(at + SlotTable.IN_LIST);
        s.metaType = t.getShort(at + SlotTable.META_TYPE);
        s.usage = t.get(at + SlotTable.USAGE);
    }

    @Override
    public long lastIndex(int slot) {
        int at = valueOffsetOf(slot);
        return tiers[segmentOf(slot)].getLong(at + SlotTable.LAST_INDEX);
    }

    /** Whether the slot's lock word is set: a call held it when the table was last written (a writer died mid-call). */
    public boolean locked(int slot) {
        int at = valueOffsetOf(slot);
        return tiers[segmentOf(slot)].getInt(at + SlotTable.LOCK) != 0;
    }

    /**
     * Visits every slot once, segment by segment in the file's order, reading each segment with a positional read into
     * one reused heap buffer (no mapping: a pass over the whole table leaves nothing of it resident in this process).
     * Each slot is found through its segment's hash lookup, like a lookup, and checked the same way (key, magic); a
     * table that does not hold exactly the region's slots is a {@link RegionException}.
     */
    @Override
    public void forEach(SlotVisitor visitor) {
        long seen = forEachEntry(visitor);
        if (seen != nrSlots) {
            throw new RegionException("slot table " + file + " holds " + seen + " slots, the region has " + nrSlots);
        }
    }

    /**
     * {@link #forEach} without its count check: visits every entry of every segment's hash lookup (checked for key and
     * magic), however many there are, and returns how many.
     */
    long forEachEntry(SlotVisitor visitor) {
        ByteBuffer t = ByteBuffer.allocate((int) tierSize).order(ByteOrder.nativeOrder());
        SlotState s = new SlotState();
        long seen = 0;
        for (int segment = 0; segment < segments; segment++) {
            long base = segmentsOffset + segment * tierSize;
            t.clear();
            try {
                while (t.hasRemaining()) {
                    if (channel.read(t, base + t.position()) < 0) {
                        throw new RegionException("slot table " + file + " ends inside segment " + segment);
                    }
                }
            } catch (IOException e) {
                throw new RegionException("cannot read slot table " + file + ": " + RegionException.reason(e, file));
            }
            if (t.getLong((int) hashLookupOuterSize) != 0) {
                throw new Unsupported("slot table " + file + ": segment " + segment + " has an extra tier");
            }
            for (long pos = 0; pos <= capacityMask * slotSize; pos += slotSize) {
                long entry = slotSize == 4 ? t.getInt((int) pos) & 0xffff_ffffL : t.getLong((int) pos);
                if (entry == 0) {
                    continue;
                }
                long chunk = (entry >>> keyBits) & valueMask;
                long entryOffset = entrySpaceOffset + chunk * chunkSize;
                int slot = chunk < chunksPerTier && entryOffset + 4 <= tierSize ? t.getInt((int) entryOffset) : -1;
                if (slot < 0 || slot >= nrSlots || segmentOf(slot) != segment) {
                    throw new RegionException("slot table " + file + " is corrupt (segment " + segment + " holds an"
                            + " entry for "
                            + (slot < 0 || slot >= nrSlots
                                    ? "no slot of this region"
                                    : "slot " + slot + " of another segment")
                            + ")");
                }
                int at = (int) (align(base + entryOffset + 4, 8) - base);
                if (at + SlotTable.VALUE_SIZE > tierSize || t.getInt(at + SlotTable.MAGIC) != SlotTable.MAGIC_VALUE) {
                    throw new RegionException("slot table " + file + " is corrupt (slot " + slot + " has a bad magic)");
                }
                readValue(t, at, s);
                seen++;
                visitor.visit(slot, s);
            }
        }
        return seen;
    }

    /**
     * Where the slot's entry in its segment's hash lookup lies in the file (its {@link #hashLookupEntrySize()} bytes):
     * for the tests that make what a Chronicle Map recovery killed while it moved that entry leaves.
     */
    long hashLookupEntryOffset(int slot) {
        int segment = segmentOf(slot);
        ByteBuffer t = tier(segment);
        for (long pos = 0; pos <= capacityMask * slotSize; pos += slotSize) {
            long entry = slotSize == 4 ? t.getInt((int) pos) & 0xffff_ffffL : t.getLong((int) pos);
            long chunk = (entry >>> keyBits) & valueMask;
            if (entry != 0 && chunk < chunksPerTier && t.getInt((int) (entrySpaceOffset + chunk * chunkSize)) == slot) {
                return segmentsOffset + segment * tierSize + pos;
            }
        }
        throw new RegionException("slot table " + file + " has no entry for slot " + slot);
    }

    /** Bytes of one hash-lookup entry (4 or 8). */
    int hashLookupEntrySize() {
        return slotSize;
    }

    /** Segments mapped so far (each {@code tierSize} bytes of the file). */
    public int mappedSegments() {
        return mappedTiers;
    }

    private long hashOf(int slot) {
        return XxHash64.hashInt(slot);
    }

    private int segmentOf(int slot) {
        long hash = hashOf(slot);
        if (segments == 1) {
            return 0;
        }
        return segmentBits >= 0 ? ((int) hash) & (segments - 1) : (((int) hash) & Integer.MAX_VALUE) % segments;
    }

    /** Offset, within its segment's mapping, of a slot's 64-byte value; checks its key and magic. */
    private int valueOffsetOf(int slot) {
        if (slot < 0 || slot >= nrSlots) {
            throw new RegionException("slot " + slot + " is outside the slot table (0.." + (nrSlots - 1) + ")");
        }
        long hash = hashOf(slot);
        int segment = segmentOf(slot);
        long segmentHash = segments == 1 ? hash : segmentBits >= 0 ? hash >>> segmentBits : hash >>> 31;
        long searchKey = segmentHash & keyMask;
        if (searchKey == 0) {
            searchKey = keyMask; // Chronicle's maskUnsetKey: 0 marks an empty hash-lookup entry
        }
        ByteBuffer t = tier(segment);
        long start = (searchKey & capacityMask) * slotSize;
        long posMask = capacityMask * slotSize;
        long pos = start;
        try {
            while (true) {
                long entry = slotSize == 4 ? t.getInt((int) pos) & 0xffff_ffffL : t.getLong((int) pos);
                if (entry == 0) {
                    break;
                }
                pos = (pos + slotSize) & posMask;
                if ((entry & keyMask) == searchKey) {
                    long chunk = (entry >>> keyBits) & valueMask;
                    if (chunk < chunksPerTier) {
                        long entryOffset = entrySpaceOffset + chunk * chunkSize;
                        if (t.getInt((int) entryOffset) == slot) {
                            int value = (int) (align(segmentsOffset + segment * tierSize + entryOffset + 4, 8)
                                    - (segmentsOffset + segment * tierSize));
                            if (t.getInt(value + SlotTable.MAGIC) != SlotTable.MAGIC_VALUE) {
                                throw new RegionException(
                                        "slot table " + file + " is corrupt (slot " + slot + " has a bad magic)");
                            }
                            return value;
                        }
                    }
                }
                if (pos == start) {
                    break;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new RegionException(
                    "slot table " + file + " is corrupt (slot " + slot + "'s entry lies outside its" + " segment)");
        }
        if (t.getLong((int) hashLookupOuterSize) != 0) { // tier counters: the next tier's index
            throw new Unsupported("slot table " + file + ": slot " + slot + " lies in an extra tier of its segment");
        }
        throw new RegionException(
                "slot table " + file + " has no entry for slot " + slot + "; it is corrupt or not" + " this region's");
    }

    private ByteBuffer tier(int segment) {
        MappedByteBuffer t = tiers[segment];
        if (t == null) {
            try {
                t = channel.map(FileChannel.MapMode.READ_ONLY, segmentsOffset + segment * tierSize, tierSize);
            } catch (IOException e) {
                throw new RegionException("cannot map slot table " + file + ": " + RegionException.reason(e, file));
            }
            t.order(ByteOrder.nativeOrder());
            tiers[segment] = t;
            mappedTiers++;
        }
        return t;
    }

    @Override
    public void close() {
        close(channel);
    }

    private static void close(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
