package io.framejournal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A checkpoint: a {@link LedgerReplay} saved at one journal record, so that replay (recovery, audit, state, stats)
 * starts there instead of at the journal's start. One file per checkpoint, {@code checkpoints/<index>.fjcp} (the
 * index as 16 hex digits), written to a temporary sibling, forced to disk and renamed, so a reader sees a whole file
 * or none. Little-endian, fixed layout, checked whole by a CRC-32C; documented in {@code docs/DESIGN.md}.
 *
 * <pre>
 * Header, {@value #HEADER} bytes
 *  offset size field
 *   0     8    magic "FJCKPT\r\n"
 *   8     4    checkpoint format version (1)
 *  12     4    frames (slots) of the region
 *  16     8    index: journal index of the last record the checkpoint includes
 *  24     8    seq: that record's sequence number
 *  32     4    that record's stored CRC-32C (identifies it: a journal holding another record there is not this one's)
 *  36     4    journal format version (2)
 *  40     8    created, epoch nanoseconds
 *  48     4    S: slot entries
 *  52     4    C: counter entries
 *  56     8    O: obligation entries
 *  64     8    R: raw-reference entries
 *  72    24    reserved (0)
 * Body
 *  C counters, {@value #COUNTER} bytes each, ascending id: id (4), reserved (4), value (8)
 *  S slots,    {@value #SLOT} bytes each, ascending slot, only slots some event touched:
 *              slot (4), last op (1), reserved (3), last handle (8),
 *              refCount, lastIndex, meta0, meta1, raw, obligations, inList|metaType|usage (7 x 8)
 *  O obligations, {@value #LEDGER} bytes each, ascending slot, each slot's oldest first:
 *              slot (4), op (1), reserved (3), handle (8), minting index (8), count (8), call site (4), reserved (4)
 *  R raw references, same layout
 * Trailer, {@value #TRAILER} bytes: CRC-32C of every byte before it (4), magic "FJCE" (4)
 * </pre>
 *
 * Builds of 2026-11-26 before call sites (19:11 to 20:19) wrote the same version 1 with ledger entries of
 * {@value #LEDGER_NO_SITES} bytes, without the call site and its reserved word. Such a file is told by its length (the
 * header's counts give one length for each layout, and the two differ whenever it holds a ledger entry) and read with
 * site 0 (none) for every entry: those builds recorded no call sites.
 *
 * A file whose length, magic, version, geometry, order of entries or CRC is wrong is refused with a one-line reason;
 * nothing in it is trusted before the CRC has been checked over the whole file.
 */
public final class CheckpointFile {
    public static final int VERSION = 1;
    public static final String SUFFIX = ".fjcp";

    static final int HEADER = 96;
    static final int COUNTER = 16;
    static final int SLOT = 72;
    static final int LEDGER = 40;
    /** A ledger entry as the builds before call sites wrote it: no call site, no reserved word after it. */
    static final int LEDGER_NO_SITES = 32;

    static final int TRAILER = 8;

    private static final long MAGIC = 0x0a0d54504b434a46L; // "FJCKPT\r\n" little-endian
    private static final int END_MAGIC = 0x45434a46; // "FJCE"
    private static final int CHUNK = 1 << 20;

    private CheckpointFile() {}

    /** A checkpoint file found in a region, by the index in its name (not yet checked). */
    public record Entry(long index, Path file) {}

    /** The checkpoint files of a region, oldest (lowest index) first; temporary and foreign files are skipped. */
    public static List<Entry> list(Path checkpointsDir) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(checkpointsDir)) {
            return out;
        }
        try (var files = Files.list(checkpointsDir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.length() == 16 + SUFFIX.length() && n.endsWith(SUFFIX)) {
                    try {
                        out.add(new Entry(Long.parseUnsignedLong(n.substring(0, 16), 16), p));
                    } catch (NumberFormatException notOurs) {
                        // not a checkpoint's name
                    }
                }
            });
        } catch (IOException e) {
            throw new RegionException(
                    "cannot list checkpoints in " + checkpointsDir + ": " + RegionException.reason(e, checkpointsDir));
        }
        out.sort(Comparator.comparing(Entry::index, Long::compareUnsigned));
        return out;
    }

    public static Path fileFor(Path checkpointsDir, long index) {
        return checkpointsDir.resolve(String.format("%016x", index) + SUFFIX);
    }

    /**
     * Writes {@code replay} as the checkpoint at its last record: temporary file, force, rename, force the directory.
     *
     * @return the checkpoint's file
     */
    /** The temporary file of a checkpoint write: {@code .<checkpoint file>.tmp-<pid>}. */
    private static final java.util.regex.Pattern KILLED_WRITE = java.util.regex.Pattern.compile("^\\..+\\.tmp-(\\d+)$");

    public static Path write(Path checkpointsDir, LedgerReplay replay, int journalFormat) {
        if (replay.lastRecord() == JournalIndex.NONE) {
            throw new IllegalStateException("nothing replayed yet: a checkpoint needs at least one record");
        }
        if (!replay.quiet()) {
            throw new IllegalStateException("a format-1 operation is in flight: checkpoints are taken between calls");
        }
        Path file = fileFor(checkpointsDir, replay.lastRecord());
        Path tmp = checkpointsDir.resolve(
                "." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(checkpointsDir);
            StaleTemps.deleteOfDeadProcesses(checkpointsDir, KILLED_WRITE); // a checkpoint a kill cut short
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                Out out = new Out(ch);
                writeBody(out, replay, journalFormat);
                out.finish();
                ch.force(true);
            }
            Durable.replace(tmp, file);
            try {
                Durable.forceDirectory(checkpointsDir);
            } catch (IOException e) {
                // the rename may not be on disk, and forcing again later would not say: a checkpoint that failed is
                // absent, so that nothing (retention) relies on it
                Files.deleteIfExists(file);
                throw e;
            }
            return file;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; a stray temporary file is skipped by list()
            }
            String remedy = RegionException.writeAccessRemedy(e);
            throw new RegionException(
                    "cannot write checkpoint " + file + ": " + why(e, tmp, checkpointsDir)
                            + (remedy == null ? "" : "; " + remedy),
                    e);
        }
    }

    /**
     * Why a checkpoint write failed, never naming the temporary file the user did not make: an error about it (it
     * could not be made, or renamed: a read-only disk, a directory the user may not write) is told as the checkpoints
     * directory's, e.g. {@code …/checkpoints: read-only file system}.
     */
    private static String why(IOException e, Path tmp, Path checkpointsDir) {
        if (e instanceof java.nio.file.FileSystemException f
                && f.getFile() != null
                && Path.of(f.getFile()).equals(tmp)) {
            return checkpointsDir + ": " + RegionException.reason(e);
        }
        return RegionException.oneLine(e);
    }

    private static void writeBody(Out out, LedgerReplay r, int journalFormat) throws IOException {
        int nr = r.nrSlots();
        ReplayState state = r.state();
        int slots = 0;
        long obligations = 0;
        long raw = 0;
        for (int slot = 0; slot < nr; slot++) {
            if (touched(r, slot)) {
                slots++;
            }
            obligations += r.obligations().entries(slot);
            raw += r.raw().entries(slot);
        }
        int counters = 0;
        for (long c : r.counters) {
            counters += c != 0 ? 1 : 0;
        }
        out.putLong(MAGIC);
        out.putInt(VERSION);
        out.putInt(nr);
        out.putLong(r.lastRecord());
        out.putLong(r.lastSeq());
        out.putInt(r.lastCrc());
        out.putInt(journalFormat);
        java.time.Instant now = java.time.Instant.now();
        out.putLong(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        out.putInt(slots);
        out.putInt(counters);
        out.putLong(obligations);
        out.putLong(raw);
        for (int i = 0; i < 3; i++) {
            out.putLong(0);
        }
        for (int id = 0; id < r.counters.length; id++) {
            if (r.counters[id] != 0) {
                out.putInt(id);
                out.putInt(0);
                out.putLong(r.counters[id]);
            }
        }
        for (int slot = 0; slot < nr; slot++) {
            if (!touched(r, slot)) {
                continue;
            }
            out.putInt(slot);
            out.putInt(r.lastOp(slot)); // op in the low byte, 3 reserved bytes 0
            out.putLong(r.lastHandle(slot));
            for (int k = 0; k < 7; k++) {
                long w = state.word(slot, k);
                out.putLong(k == ReplayState.PACKED ? ReplayState.withoutLastOp(w) : w); // the op is saved above
            }
        }
        writeLedger(out, r.obligations(), nr);
        writeLedger(out, r.raw(), nr);
    }

    private static boolean touched(LedgerReplay r, int slot) {
        return !r.state().pristine(slot) || r.lastOp(slot) != 0 || r.lastHandle(slot) != 0;
    }

    private static void writeLedger(Out out, SlotLedger ledger, int nrSlots) throws IOException {
        IOException[] failed = {null};
        for (int slot = 0; slot < nrSlots; slot++) {
            if (ledger.isEmpty(slot)) {
                continue;
            }
            ledger.forEachOldestFirst(slot, (s, handle, op, index, count, site) -> {
                try {
                    out.putInt(s);
                    out.putInt(op);
                    out.putLong(handle);
                    out.putLong(index);
                    out.putLong(count);
                    out.putInt(site);
                    out.putInt(0);
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        }
    }

    /** A checkpoint's header, read and checked on its own (the CRC is checked by {@link #read}). */
    public record Header(
            Path file,
            int nrSlots,
            long index,
            long seq,
            int recordCrc,
            int journalFormat,
            long created,
            int slots,
            int counters,
            long obligations,
            long raw,
            int ledgerEntry) {
        /** Whether its ledger entries have no call site (a build of 2026-11-26 before call sites wrote it). */
        public boolean withoutSites() {
            return ledgerEntry == LEDGER_NO_SITES;
        }

        long expectedLength() {
            return lengthWith(ledgerEntry);
        }

        private long lengthWith(int ledgerBytes) {
            return HEADER
                    + (long) COUNTER * counters
                    + (long) SLOT * slots
                    + (long) ledgerBytes * (obligations + raw)
                    + TRAILER;
        }

        private Header withLedgerEntry(int ledgerBytes) {
            return new Header(
                    file,
                    nrSlots,
                    index,
                    seq,
                    recordCrc,
                    journalFormat,
                    created,
                    slots,
                    counters,
                    obligations,
                    raw,
                    ledgerBytes);
        }
    }

    /** Reads and checks a checkpoint's header only (cheap: for listing). */
    public static Header readHeader(Path file, int nrSlots) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            In in = new In(ch, file);
            return header(in, file, nrSlots, ch.size());
        } catch (NoSuchFileException e) {
            throw new RegionException("checkpoint " + file + " is missing");
        } catch (IOException e) {
            throw new RegionException("cannot read checkpoint " + file + ": " + RegionException.reason(e, file));
        }
    }

    private static Header header(In in, Path file, int nrSlots, long size) throws IOException {
        if (size < HEADER + TRAILER) {
            throw bad(file, "is " + size + " bytes, shorter than a header and trailer");
        }
        if (in.getLong() != MAGIC) {
            throw bad(file, "is not a FrameJournal checkpoint (wrong magic)");
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw bad(file, "has checkpoint format " + version + "; this build reads format " + VERSION);
        }
        int slotsOfRegion = in.getInt();
        if (slotsOfRegion != nrSlots) {
            throw bad(file, "is of a region of " + slotsOfRegion + " frames; this region has " + nrSlots);
        }
        Header h = new Header(
                file,
                slotsOfRegion,
                in.getLong(),
                in.getLong(),
                in.getInt(),
                in.getInt(),
                in.getLong(),
                in.getInt(),
                in.getInt(),
                in.getLong(),
                in.getLong(),
                LEDGER);
        for (int i = 0; i < 3; i++) {
            in.getLong();
        }
        if (h.slots() < 0 || h.slots() > nrSlots) {
            throw bad(file, "claims " + h.slots() + " slot entries for " + nrSlots + " frames");
        }
        if (h.counters() < 0 || h.counters() > LedgerReplay.Counter.SIZE) {
            throw bad(file, "claims " + h.counters() + " counters");
        }
        if (h.obligations() < 0 || h.raw() < 0 || h.obligations() > (1L << 40) || h.raw() > (1L << 40)) {
            throw bad(file, "claims " + h.obligations() + " obligation and " + h.raw() + " raw entries");
        }
        if (h.expectedLength() != size && h.obligations() + h.raw() > 0 && h.lengthWith(LEDGER_NO_SITES) == size) {
            h = h.withLedgerEntry(LEDGER_NO_SITES); // an older build's layout; its CRC is still checked over the file
        }
        if (h.expectedLength() != size) {
            throw bad(
                    file,
                    "is " + size + " bytes where its header says " + h.expectedLength() + ": it was cut or"
                            + " damaged");
        }
        if (h.journalFormat() != RecordFormat.VERSION) {
            throw bad(file, "is of journal format " + h.journalFormat());
        }
        return h;
    }

    /**
     * Reads a checkpoint whole, checking its CRC before anything in it is used.
     *
     * @return the replay as it was at {@link Header#index()}
     */
    public static Loaded read(Path file, int nrSlots) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            verifyCrc(ch, file, size);
            ch.position(0);
            In in = new In(ch, file);
            Header h = header(in, file, nrSlots, size);
            LedgerReplay r = new LedgerReplay(nrSlots);
            int prevId = -1;
            for (int i = 0; i < h.counters(); i++) {
                int id = in.getInt();
                in.getInt();
                long value = in.getLong();
                if (id <= prevId || id >= LedgerReplay.Counter.SIZE) {
                    throw bad(file, "has counter id " + id + " out of order or unknown");
                }
                prevId = id;
                r.counters[id] = value;
            }
            ReplayState state = r.state();
            int prevSlot = -1;
            for (int i = 0; i < h.slots(); i++) {
                int slot = in.getInt();
                int op = in.getInt();
                long handle = in.getLong();
                if (slot <= prevSlot || slot >= nrSlots || (op & ~0xff) != 0) {
                    throw bad(file, "has slot entry " + slot + " out of order, outside the region or malformed");
                }
                prevSlot = slot;
                long packed = 0;
                for (int k = 0; k < 7; k++) {
                    packed = in.getLong();
                    state.setWord(slot, k, packed);
                }
                if ((packed >>> 56) != 0) {
                    throw bad(file, "has slot " + slot + " with reserved bits set");
                }
                state.setLast(slot, op, handle); // after the words: the op lives in the packed word's top byte
            }
            readLedger(in, file, r.obligations(), h.obligations(), nrSlots, h.withoutSites());
            readLedger(in, file, r.raw(), h.raw(), nrSlots, h.withoutSites());
            r.lastRecord = h.index();
            r.lastSeq = h.seq();
            r.lastCrc = h.recordCrc();
            return new Loaded(h, r);
        } catch (NoSuchFileException e) {
            throw new RegionException("checkpoint " + file + " is missing");
        } catch (IOException e) {
            throw new RegionException("cannot read checkpoint " + file + ": " + RegionException.reason(e, file));
        }
    }

    /** A checkpoint read whole: its header and the replay it saved. */
    public record Loaded(Header header, LedgerReplay replay) {}

    private static void readLedger(In in, Path file, SlotLedger ledger, long n, int nrSlots, boolean withoutSites)
            throws IOException {
        int prevSlot = -1;
        for (long i = 0; i < n; i++) {
            int slot = in.getInt();
            int op = in.getInt();
            long handle = in.getLong();
            long index = in.getLong();
            long count = in.getLong();
            int site = 0;
            if (!withoutSites) {
                site = in.getInt();
                in.getInt();
            }
            if (slot < prevSlot || slot >= nrSlots || (op & ~0xff) != 0 || count <= 0) {
                throw bad(file, "has a ledger entry for slot " + slot + " out of order or malformed");
            }
            prevSlot = slot;
            ledger.push(slot, handle, op, index, count, site);
        }
    }

    private static void verifyCrc(FileChannel ch, Path file, long size) throws IOException {
        if (size < HEADER + TRAILER) {
            throw bad(file, "is " + size + " bytes, shorter than a header and trailer");
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long left = size - TRAILER;
        ch.position(0);
        while (left > 0) {
            buf.clear().limit((int) Math.min(CHUNK, left));
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw bad(file, "ended early");
                }
            }
            buf.flip();
            left -= buf.remaining();
            crc.update(buf);
        }
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        while (trailer.hasRemaining()) {
            if (ch.read(trailer) < 0) {
                throw bad(file, "ended early");
            }
        }
        trailer.flip();
        int stored = trailer.getInt();
        int end = trailer.getInt();
        if (end != END_MAGIC) {
            throw bad(file, "has no end marker: it was cut or damaged");
        }
        if (stored != (int) crc.getValue()) {
            throw bad(file, "fails its CRC-32C check: it was damaged");
        }
    }

    private static RegionException bad(Path file, String what) {
        return new RegionException("checkpoint " + file.getFileName() + " " + what);
    }

    /** Buffered little-endian output that keeps a CRC-32C of everything written. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();

        Out(FileChannel ch) {
            this.ch = ch;
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                drain(true);
            }
        }

        private void drain(boolean count) throws IOException {
            buf.flip();
            if (count) {
                crc.update(buf.duplicate());
            }
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        void finish() throws IOException {
            drain(true);
            buf.putInt((int) crc.getValue());
            buf.putInt(END_MAGIC);
            drain(false);
        }
    }

    /** Buffered little-endian input. */
    private static final class In {
        private final FileChannel ch;
        private final Path file;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

        In(FileChannel ch, Path file) {
            this.ch = ch;
            this.file = file;
            buf.limit(0);
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        long getLong() throws IOException {
            need(8);
            return buf.getLong();
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            buf.compact();
            while (buf.position() < n) {
                if (ch.read(buf) < 0) {
                    throw bad(file, "ended early");
                }
            }
            buf.flip();
        }
    }
}
