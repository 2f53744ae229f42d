package io.framejournal.allocator;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Trees;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;

/**
 * The meta slot table: one fixed-size value per frame in a persisted, memory-mapped Chronicle Map, read and
 * updated in place at its off-heap address (resolved once per slot), so an update allocates nothing.
 *
 * <p>Entry checksums are off on purpose: values change in place, which does not refresh a checksum, and
 * {@code recoverPersistedTo} would then drop every changed entry after a crash.
 *
 * <p>Value layout ({@value #VALUE_SIZE} bytes, native order):
 * <pre>
 *  0 refCount  8 lastIndex  16 meta0  24 meta1  32 raw  40 obligations
 *  48 inList(int)  52 metaType(short)  54 usage(byte)  55 reserved  56 lock(int)  60 magic(int)
 * </pre>
 * {@code lastIndex} is stored last, so a write torn by a kill leaves it behind the journal and recovery redoes it.
 */
public final class SlotTable implements SlotSource {
    public static final int VALUE_SIZE = 64;
    static final int REF_COUNT = 0;
    static final int LAST_INDEX = 8;
    static final int META0 = 16;
    static final int META1 = 24;
    static final int RAW = 32;
    static final int OBLIGATIONS = 40;
    static final int IN_LIST = 48;
    static final int META_TYPE = 52;
    static final int USAGE = 54;
    static final int LOCK = 56;
    static final int MAGIC = 60;
    static final int MAGIC_VALUE = 0x464A534C; // "FJSL"

    /** A persisted Chronicle Map starts with 12 bytes of header words, then its self-describing type name. */
    private static final int HEADER_OFFSET = 12;

    private static final String MAP_SIGNATURE = "!net.openhft.chronicle.map.VanillaChronicleMap";
    private static final UnsafeMemory MEM = UnsafeMemory.MEMORY;

    private final ChronicleMap<Integer, byte[]> map;
    private final long[] addresses;
    private final int nrSlots;
    private final Path tempCopy;

    private SlotTable(ChronicleMap<Integer, byte[]> map, int nrSlots, Path tempCopy) {
        this.map = map;
        this.nrSlots = nrSlots;
        this.addresses = new long[nrSlots];
        this.tempCopy = tempCopy;
    }

    static {
        Chronicle.quiet();
        generateChronicleStateUnderRootLocale();
    }

    /**
     * Chronicle Values generates the map's header class ({@code VanillaGlobalMutableState$$Native}) from Java source
     * it writes with the default locale's {@code toUpperCase}: under a Turkish or Azeri locale {@code readInt} became
     * {@code readİnt}, the source did not compile, and no slot table could be created or opened
     * ({@code ImplGenerationFailedException}). Under such a locale the class is generated here once, under
     * {@link Locale#ROOT} (Chronicle keeps it for the JVM), and the locale restored.
     */
    private static void generateChronicleStateUnderRootLocale() {
        Locale before = Locale.getDefault();
        if ("i".toUpperCase(before).equals("I")) {
            return;
        }
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(Locale.ROOT);
            net.openhft.chronicle.values.Values.nativeClassFor(
                    net.openhft.chronicle.hash.VanillaGlobalMutableState.class);
        } finally {
            Locale.setDefault(before);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
        }
    }

    private static ChronicleMapBuilder<Integer, byte[]> builder(int nrSlots) {
        return ChronicleMap.of(Integer.class, byte[].class)
                .name("framejournal-slots")
                .entries(nrSlots)
                .constantValueSizeBySample(new byte[VALUE_SIZE])
                .entryAndValueOffsetAlignment(8) // 8-byte fields stay aligned: atomic lock-free reads, no split locks
                .checksumEntries(false)
                // Chronicle's exit hook would unmap the table while writer threads still use it (SIGSEGV on SIGTERM);
                // left mapped, a stopped writer is a killed writer: everything is in the page cache, recover it.
                .skipCloseOnExitHook(true);
    }

    /** Creates the table with every slot free (refCount UNUSED, usage Unused, no metadata). */
    public static SlotTable create(Path file, int nrSlots) throws IOException {
        ChronicleMap<Integer, byte[]> map = builder(nrSlots).createPersistedTo(file.toFile());
        byte[] free = new byte[VALUE_SIZE];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(free).order(java.nio.ByteOrder.nativeOrder());
        bb.putLong(REF_COUNT, RefCount.UNUSED);
        bb.putLong(LAST_INDEX, JournalIndex.NONE);
        bb.putInt(MAGIC, MAGIC_VALUE);
        for (int i = 0; i < nrSlots; i++) {
            map.put(i, free);
        }
        return new SlotTable(map, nrSlots, null);
    }

    /** Opens an existing table; {@code recover} after a crash (Chronicle resets the dead writer's locks). */
    public static SlotTable open(Path file, int nrSlots, boolean recover) throws IOException {
        checkLength(file, nrSlots);
        File f = file.toFile();
        if (!f.isFile()) {
            throw new RegionException("slot table " + file + " is missing; the region cannot be opened"
                    + " (audit can still replay its journal)");
        }
        checkHeader(file);
        // Chronicle's recovery marks the header not complete before it asks for its exclusive file lock, and leaves it
        // so when the lock is refused: a table another map of this process still held then read as never finished
        int readyWord = recover ? MappedSlotTable.readySizeWord(file) : -1;
        ChronicleMap<Integer, byte[]> map;
        try {
            map = recover
                    ? builder(nrSlots).recoverPersistedTo(f, true)
                    : builder(nrSlots).createPersistedTo(f);
        } catch (IOException | RuntimeException e) {
            if (heldByAnotherMap(e)) {
                if (readyWord >= 0) {
                    MappedSlotTable.writeSizeWord(file, readyWord);
                }
                throw new RegionException("slot table " + file + " is still held by another open Chronicle Map (its"
                        + " file lock): a region of this process still has it, or one dropped without close() whose"
                        + " memory has not been released yet; close that region first, or retry once it is collected."
                        + " The file itself was not changed");
            }
            throw new RegionException("slot table " + file + " is unreadable: " + RegionException.oneLine(e));
        }
        SlotTable table = new SlotTable(map, nrSlots, null);
        table.validate(file);
        return table;
    }

    /**
     * Whether opening failed on Chronicle Map's own file lock: another map over the same file holds it. A region's
     * writer lock keeps other processes out before the table is opened, so the holder is a map in this process.
     */
    private static boolean heldByAnotherMap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof net.openhft.chronicle.hash.ChronicleFileLockException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Opens a table for reading without changing a byte of it: in place, mapped read-only ({@link MappedSlotTable}),
     * or, for a layout that reader does not follow, through a private copy ({@link #openCopy}).
     */
    public static SlotSource openReadOnly(Path file, int nrSlots) {
        try {
            return MappedSlotTable.open(file, nrSlots);
        } catch (MappedSlotTable.Unsupported e) {
            return openCopy(file, nrSlots);
        }
    }

    /**
     * Opens a private copy of a table for reading, so that forensic commands never change a byte of the
     * original (Chronicle Map has no read-only mode). The copy is deleted on {@link #close()}.
     */
    public static SlotTable openCopy(Path file, int nrSlots) {
        Path dir = null;
        try {
            if (!Files.isReadable(file)) {
                throw new RegionException(
                        "slot table " + file + " is " + (Files.exists(file) ? "not readable" : "missing"));
            }
            checkHeader(file);
            dir = io.framejournal.journal.StaleTemps.createTempDirectory("framejournal-slots");
            Path copy = dir.resolve(file.getFileName());
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            ChronicleMap<Integer, byte[]> map = builder(nrSlots).recoverPersistedTo(copy.toFile(), true);
            SlotTable table = new SlotTable(map, nrSlots, dir);
            table.validate(file);
            return table;
        } catch (IOException | RuntimeException e) {
            Trees.deleteQuietly(dir);
            if (e instanceof RegionException) {
                throw (RegionException) e;
            }
            throw new RegionException("slot table " + file + " is unreadable: " + RegionException.oneLine(e));
        }
    }

    /**
     * Fails fast, without a byte changed, on a file that is not a Chronicle Map at all (empty, zeroed, garbage):
     * Chronicle would otherwise initialize an empty file as a new map, or wait minutes for a header to become ready.
     */
    private static void checkHeader(Path file) throws IOException {
        byte[] head = new byte[HEADER_OFFSET + MAP_SIGNATURE.length()];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String found = new String(head, HEADER_OFFSET, Math.max(0, n - HEADER_OFFSET), StandardCharsets.ISO_8859_1);
        if (n < head.length || !found.equals(MAP_SIGNATURE)) {
            throw new RegionException(
                    "slot table " + file + " is not a Chronicle Map slot table (" + (n == 0 ? "empty" : "no map header")
                            + "); it is damaged or not this region's; audit can still replay the journal");
        }
    }

    private static final java.util.Map<Integer, Long> EXPECTED_LENGTH = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Refuses, before Chronicle Map touches it, a table file whose length is not the length a table of this many
     * slots has (a truncated or extended file): Chronicle's recovery would otherwise grow and rewrite it before
     * failing. The expected length is measured once per geometry from an empty table made in a temporary directory.
     */
    static void checkLength(Path file, int nrSlots) throws IOException {
        if (!Files.isRegularFile(file)) {
            return; // the open that follows says what is missing
        }
        long expected = expectedLength(nrSlots);
        long actual = Files.size(file);
        if (actual != expected) {
            throw new RegionException("slot table " + file + " has " + actual + " bytes, a table of " + nrSlots
                    + " slots has " + expected + ": it was truncated or extended; nothing was changed (recover"
                    + " --salvage rebuilds it from the journal)");
        }
    }

    private static long expectedLength(int nrSlots) throws IOException {
        Long known = EXPECTED_LENGTH.get(nrSlots);
        if (known != null) {
            return known;
        }
        Path dir = io.framejournal.journal.StaleTemps.createTempDirectory("framejournal-geometry");
        try {
            Path probe = dir.resolve("probe.cm3");
            try {
                builder(nrSlots).createPersistedTo(probe.toFile()).close();
            } catch (IOException | RuntimeException e) {
                // a temporary file, on java.io.tmpdir's disk: say so, or a full /tmp reads as a full region disk
                throw new IOException(
                        "cannot make the probe table that measures a slot table's length, " + probe
                                + " (in java.io.tmpdir): " + RegionException.oneLine(e),
                        e);
            }
            long length = Files.size(probe);
            EXPECTED_LENGTH.put(nrSlots, length);
            return length;
        } finally {
            Trees.deleteQuietly(dir);
        }
    }

    private void validate(Path file) {
        long size = map.size();
        if (size != nrSlots) {
            close();
            throw new RegionException("slot table " + file + " holds " + size + " slots, the region has " + nrSlots);
        }
        for (int probe : new int[] {0, nrSlots / 2, nrSlots - 1}) {
            if (MEM.readInt(address(probe) + MAGIC) != MAGIC_VALUE) {
                close();
                throw new RegionException("slot table " + file + " is corrupt (slot " + probe + " has a bad magic)");
            }
        }
    }

    @Override
    public int nrSlots() {
        return nrSlots;
    }

    /** The off-heap address of a slot's value; resolved once, then cached (entries never move). */
    long address(int slot) {
        long a = addresses[slot];
        if (a == 0) {
            a = resolve(slot);
            addresses[slot] = a;
        }
        return a;
    }

    private long resolve(int slot) {
        try (ExternalMapQueryContext<Integer, byte[], ?> c = map.queryContext(slot)) {
            c.readLock().lock();
            var entry = c.entry();
            if (entry == null) {
                throw new RegionException("slot table has no entry for slot " + slot + "; it is corrupt");
            }
            Data<byte[]> value = entry.value();
            if (value.size() != VALUE_SIZE) {
                throw new RegionException(
                        "slot table entry " + slot + " has " + value.size() + " bytes; it is corrupt");
            }
            return ((BytesStore<?, ?>) value.bytes()).addressForRead(value.offset());
        }
    }

    /** Takes the slot's lock (a word inside the slot), spinning then yielding while another thread holds it. */
    public void lock(int slot) {
        SlotLock.lock(address(slot) + LOCK);
    }

    public void unlock(int slot) {
        SlotLock.unlock(address(slot) + LOCK);
    }

    /** Clears every slot lock; only for recovery, after the process that held them died. */
    int clearLocks() {
        int cleared = 0;
        for (int i = 0; i < nrSlots; i++) {
            cleared += SlotLock.clear(address(i) + LOCK) ? 1 : 0;
        }
        return cleared;
    }

    /** Reads a slot into {@code s}. Consistent when the caller holds the slot's lock. */
    @Override
    public void load(int slot, SlotState s) {
        long a = address(slot);
        s.refCount = MEM.readLong(a + REF_COUNT);
        s.lastIndex = MEM.readLong(a + LAST_INDEX);
        s.meta0 = MEM.readLong(a + META0);
        s.meta1 = MEM.readLong(a + META1);
        s.raw = MEM.readLong(a + RAW);
        s.obligations = MEM.readLong(a + OBLIGATIONS);
        s.inList = MEM.readInt(a + IN_LIST);
        s.metaType = MEM.readShort(a + META_TYPE);
        s.usage = MEM.readByte(a + USAGE);
    }

    /** Writes {@code s} into the slot; the caller holds the slot's lock. lastIndex goes last. */
    public void store(int slot, SlotState s) {
        long a = address(slot);
        MEM.writeLong(a + META0, s.meta0);
        MEM.writeLong(a + META1, s.meta1);
        MEM.writeLong(a + RAW, s.raw);
        MEM.writeLong(a + OBLIGATIONS, s.obligations);
        MEM.writeInt(a + IN_LIST, s.inList);
        MEM.writeShort(a + META_TYPE, s.metaType);
        MEM.writeByte(a + USAGE, s.usage);
        MEM.writeVolatileLong(a + REF_COUNT, s.refCount);
        MEM.writeOrderedLong(a + LAST_INDEX, s.lastIndex);
    }

    /** The slot's reference count, read without its lock (for scanning for free frames). */
    public long refCount(int slot) {
        return MEM.readVolatileLong(address(slot) + REF_COUNT);
    }

    @Override
    public long lastIndex(int slot) {
        return MEM.readVolatileLong(address(slot) + LAST_INDEX);
    }

    @Override
    public void close() {
        if (!map.isClosed()) {
            map.close();
        }
        Trees.deleteQuietly(tempCopy);
    }
}
