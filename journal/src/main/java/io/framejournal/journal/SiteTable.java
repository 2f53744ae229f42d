package io.framejournal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A region's call-site table ({@code sites.fjs}): every distinct call stack the writer captured, stored once, so
 * that a journal record carries only a 4-byte site id. An append-only file of fixed-layout entries, little-endian,
 * documented byte by byte in {@code docs/DESIGN.md}:
 *
 * <pre>
 * File header, {@value #HEADER} bytes
 *   0  8  magic "FJSITES" + 0x00
 *   8  2  version ({@value #VERSION})
 *  10  2  reserved (0)
 *  12  4  CRC-32C of bytes 0..11
 * Entry (repeated to the end of the file)
 *   0  4  length L of the whole entry, {@value #MIN_ENTRY}..{@value #MAX_ENTRY}
 *   4  4  CRC-32C of bytes 8..L-1
 *   8  4  site id (not 0; unique in the file)
 *  12  8  key (the stack's stable 64-bit hash)
 *  20  2  frames n, 1..{@value #MAX_FRAMES}
 *  22  2  reserved (0)
 *  24     n frames, innermost first: line (i32), bci (i32), then class, method and file name, each a u16 length
 *         (class and method 1..{@value #MAX_STRING}, file 0..{@value #MAX_STRING}) and that many bytes of UTF-8
 * </pre>
 *
 * An entry is written (and, with a syncing journal, forced to disk) before the first journal record that names its
 * id is appended, so a record never names a site the table lacks, whatever the crash. A torn last entry (a crash in
 * the middle of writing it) is ignored by readers and cut off by the next writer: no record can name it.
 *
 * <p>Site ids are small numbers, 1, 2, 3... in the order the stacks were first met (so a seeded single-threaded run
 * numbers its sites the same every time); the key, a stable hash of the stack, is how the writer finds a stack it has
 * met before, in this session or an earlier one. The writer looks stacks up by key without a lock ({@link #find}); adding one ({@link #add}) takes the table's
 * lock, appends the entry and publishes a new copy of the lookup arrays. Readers ({@link #read}) trust nothing: every
 * length, count, checksum and string is checked, and a table that stops checking is used up to the last good entry.
 */
public final class SiteTable implements AutoCloseable {
    public static final int VERSION = 1;
    public static final int HEADER = 16;
    public static final int MIN_ENTRY = 24 + 4 + 4 + 2 + 1 + 2 + 1 + 2;
    public static final int MAX_FRAMES = 16;
    public static final int MAX_STRING = 512;
    public static final int MAX_ENTRY = 24 + MAX_FRAMES * (8 + 3 * (2 + MAX_STRING));
    /** Distinct sites one region keeps; stacks met after that are journaled without a site. */
    public static final int MAX_SITES = 65_536;
    /** A reader reads no more of a site table than this. */
    public static final long MAX_FILE = (long) MAX_SITES * 1024;

    private static final byte[] MAGIC = {'F', 'J', 'S', 'I', 'T', 'E', 'S', 0};

    private final Path file;
    /** Opened at the first new site: until then the writer has changed nothing. */
    private FileChannel channel;

    private final boolean sync;
    private final Set<Integer> ids = new HashSet<>();
    private final CRC32C crc = new CRC32C();
    private long end;
    private int count;
    /** Lock-free lookup: open addressing over keys (0 = empty), replaced whole on every add. */
    private volatile Index index = new Index(64);

    private SiteTable(Path file, boolean sync) {
        this.file = file;
        this.sync = sync;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Opens a region's site table for appending: the entries that check are loaded; nothing is written until the first
     * new site, which first cuts off anything after them (a torn tail) or creates the file. A table whose header is
     * not one this build writes is refused, with nothing changed.
     *
     * @param sync force each new entry to disk before it is used (for journals that sync, against power loss)
     */
    public static SiteTable openForAppend(Path file, boolean sync) {
        SiteTable t = new SiteTable(file, sync);
        try {
            t.load();
        } catch (IOException e) {
            throw new RegionException(
                    "cannot read call-site table " + file + ": " + RegionException.reason(e, file), e);
        }
        return t;
    }

    private void load() throws IOException {
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = readAll(ch, file);
        } catch (NoSuchFileException e) {
            end = 0;
            return;
        }
        if (bytes.length < HEADER) {
            end = 0; // a crash while the file was being created: it is made again at the first site
            return;
        }
        Sites s = parse(file, bytes);
        if (s.headerProblem) {
            throw new RegionException("call-site table " + file + " is not one this build writes (" + s.problem()
                    + "); move it aside to start a new one");
        }
        Index ix = new Index(
                Math.max(64, Integer.highestOneBit(Math.max(1, s.sites().size()) * 4)));
        for (CallSite site : s.sites().values()) {
            ids.add(site.id());
            ix.put(site.key(), site.id());
        }
        count = s.sites().size();
        end = s.validLength();
        index = ix;
    }

    /** Opens the file for the first new site: creates it (with its header) or cuts off a torn tail. */
    private void openForWrite() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (end < HEADER) {
            channel.truncate(0);
            ByteBuffer h = header();
            while (h.hasRemaining()) {
                channel.write(h, HEADER - h.remaining());
            }
            end = HEADER;
        } else if (channel.size() > end) {
            channel.truncate(end);
        }
    }

    /** The site id of the stack with this key, or 0 when it is not in the table yet. Allocates nothing. */
    public int find(long key) {
        return index.get(key);
    }

    /**
     * Adds a stack (or finds it, when another thread added it first) and makes it durable before returning.
     *
     * @return its id, or 0 when the table is full ({@value #MAX_SITES} sites)
     */
    public synchronized int add(long key, List<CallSite.Frame> frames) {
        int known = index.get(key);
        if (known != 0) {
            return known;
        }
        if (count >= MAX_SITES || frames.isEmpty()) {
            return 0;
        }
        int id = count + 1;
        while (ids.contains(id)) {
            id++; // only in a table another build wrote: ids are 1, 2, 3... in the order stacks were first met
        }
        ByteBuffer entry = encode(id, key, frames);
        boolean interrupted = Interrupts.clear(); // an interrupt would close the channel for every later site too
        try {
            if (channel == null || !channel.isOpen()) {
                openForWrite(); // also after an interrupt that came during an earlier write closed it
            }
            long at = end;
            while (entry.hasRemaining()) {
                at += channel.write(entry, at);
            }
            force();
            end = at;
        } catch (IOException e) {
            throw new RegionException("cannot write call-site table " + file + ": " + RegionException.oneLine(e), e);
        } finally {
            Interrupts.restore(interrupted);
        }
        ids.add(id);
        count++;
        Index ix = index.copy(count * 2);
        ix.put(key, id);
        index = ix;
        return id;
    }

    /** Sites in the table. */
    public synchronized int size() {
        return count;
    }

    private void force() throws IOException {
        if (sync) {
            channel.force(false);
        }
    }

    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending: every entry was written when it was added
        }
    }

    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0);
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, 12);
        b.putInt((int) c.getValue());
        return b.flip();
    }

    /** One entry's bytes; strings longer than {@value #MAX_STRING} bytes are cut at a character boundary. */
    ByteBuffer encode(int id, long key, List<CallSite.Frame> frames) {
        int n = Math.min(frames.size(), MAX_FRAMES);
        ByteBuffer b = ByteBuffer.allocate(MAX_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        b.putInt(id).putLong(key).putShort((short) n).putShort((short) 0);
        for (int i = 0; i < n; i++) {
            CallSite.Frame f = frames.get(i);
            b.putInt(f.line()).putInt(f.bci());
            putString(b, f.className().isEmpty() ? "?" : f.className());
            putString(b, f.method().isEmpty() ? "?" : f.method());
            putString(b, f.file());
        }
        int len = b.position();
        b.putInt(0, len);
        crc.reset();
        crc.update(b.array(), 8, len - 8);
        b.putInt(4, (int) crc.getValue());
        return b.flip();
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int len = bytes.length;
        if (len > MAX_STRING) {
            len = MAX_STRING;
            while ((bytes[len] & 0xc0) == 0x80) {
                len--; // do not cut a character in two
            }
        }
        b.putShort((short) len).put(bytes, 0, len);
    }

    // ---------------------------------------------------------------- reading (untrusted)

    /**
     * What a reader got from a site table.
     *
     * @param sites         the entries that check, by id, in file order
     * @param validLength   bytes up to the end of the last entry that checks
     * @param problem       why reading stopped before the end of the file, or {@code null}
     * @param headerProblem whether the file header itself is wrong (then no entry was read)
     */
    public record Sites(Map<Integer, CallSite> sites, long validLength, String problem, boolean headerProblem) {
        public static final Sites NONE = new Sites(Map.of(), 0, null, false);

        public CallSite get(int id) {
            return sites.get(id);
        }
    }

    /**
     * Reads a region's site table without changing it. A missing file is an empty table (regions written before
     * call sites, or with leak detection disabled). Never throws for bad contents: they end up in
     * {@link Sites#problem()}.
     */
    public static Sites read(Path file) {
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = readAll(ch, file);
        } catch (NoSuchFileException e) {
            return Sites.NONE;
        } catch (IOException e) {
            return new Sites(
                    Map.of(), 0, "cannot read " + file.getFileName() + ": " + RegionException.reason(e, file), true);
        }
        return parse(file, bytes);
    }

    /** Whether a region directory has a site table file. */
    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    private static byte[] readAll(FileChannel ch, Path file) throws IOException {
        long size = Math.min(ch.size(), MAX_FILE);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read on
        }
        return b.array().length == b.position() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
    }

    static Sites parse(Path file, byte[] bytes) {
        String name = file.getFileName().toString();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER) {
            return new Sites(Map.of(), 0, name + " is shorter than its header", true);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return new Sites(Map.of(), 0, name + " is not a call-site table (bad magic)", true);
            }
        }
        CRC32C c = new CRC32C();
        c.update(bytes, 0, 12);
        if (b.getInt(12) != (int) c.getValue()) {
            return new Sites(Map.of(), 0, name + ": header checksum mismatch", true);
        }
        int version = b.getShort(8) & 0xffff;
        if (version != VERSION) {
            return new Sites(Map.of(), 0, name + " is version " + version + "; this build reads " + VERSION, true);
        }
        Map<Integer, CallSite> sites = new LinkedHashMap<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int at = HEADER;
        String problem = null;
        while (at < bytes.length) {
            if (sites.size() >= MAX_SITES) {
                problem = "more than " + MAX_SITES + " sites; the rest are ignored";
                break;
            }
            String bad = checkEntry(b, at, bytes.length, c, utf8, sites);
            if (bad != null) {
                problem = "entry at byte " + at + " " + bad + "; the " + sites.size() + " site(s) before it are used";
                break;
            }
            at += b.getInt(at);
        }
        if (bytes.length == MAX_FILE && problem == null) {
            problem = "larger than " + MAX_FILE + " bytes; the rest is ignored";
        }
        return new Sites(Collections.unmodifiableMap(sites), at, problem == null ? null : name + ": " + problem, false);
    }

    /** Checks and decodes the entry at {@code at} into {@code sites}. @return what is wrong with it, or null */
    private static String checkEntry(
            ByteBuffer b, int at, int size, CRC32C c, CharsetDecoder utf8, Map<Integer, CallSite> sites) {
        if (size - at < 8) {
            return "is cut short (torn write?)";
        }
        int len = b.getInt(at);
        if (len < MIN_ENTRY || len > MAX_ENTRY) {
            return "has an impossible length " + Integer.toUnsignedString(len);
        }
        if (len > size - at) {
            return "is cut short (torn write?)";
        }
        c.reset();
        c.update(b.array(), at + 8, len - 8);
        if (b.getInt(at + 4) != (int) c.getValue()) {
            return "fails its checksum";
        }
        int id = b.getInt(at + 8);
        long key = b.getLong(at + 12);
        int n = b.getShort(at + 20) & 0xffff;
        if (id == 0 || sites.containsKey(id)) {
            return id == 0 ? "has site id 0" : "repeats site id " + id;
        }
        if (n < 1 || n > MAX_FRAMES || b.getShort(at + 22) != 0) {
            return "has " + n + " frames (1.." + MAX_FRAMES + ") or a reserved field set";
        }
        int p = at + 24;
        int stop = at + len;
        List<CallSite.Frame> frames = new ArrayList<>(n);
        String[] s = new String[3];
        for (int f = 0; f < n; f++) {
            if (stop - p < 8) {
                return "is shorter than its frames";
            }
            int line = b.getInt(p);
            int bci = b.getInt(p + 4);
            p += 8;
            for (int k = 0; k < 3; k++) {
                if (stop - p < 2) {
                    return "is shorter than its frames";
                }
                int sl = b.getShort(p) & 0xffff;
                p += 2;
                if (sl > MAX_STRING || sl > stop - p || (sl == 0 && k < 2)) {
                    return "has a string of bad length " + sl;
                }
                s[k] = string(b.array(), p, sl, utf8);
                if (s[k] == null) {
                    return "has a string that is not UTF-8";
                }
                p += sl;
            }
            frames.add(new CallSite.Frame(s[0], s[1], s[2], line, bci));
        }
        if (p != stop) {
            return "has " + (stop - p) + " byte(s) after its frames";
        }
        sites.put(id, new CallSite(id, key, frames));
        return null;
    }

    /**
     * The UTF-8 string of {@code b[at, at + n)}, or {@code null} when it is not UTF-8. ASCII (class and method names
     * nearly always are) is copied as it is; anything else goes through the strict decoder.
     */
    private static String string(byte[] b, int at, int n, CharsetDecoder utf8) {
        int i = at;
        while (i < at + n && b[i] >= 0) {
            i++;
        }
        if (i == at + n) {
            return new String(b, at, n, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(b, at, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Lock-free lookup from key to id: open addressing, linear probing, never more than half full. */
    private static final class Index {
        final long[] keys;
        final int[] ids;

        Index(int capacity) {
            keys = new long[capacity];
            ids = new int[capacity];
        }

        int get(long key) {
            long k = key == 0 ? 1 : key;
            int mask = keys.length - 1;
            for (int i = (int) mix(k) & mask; ; i = (i + 1) & mask) {
                long at = keys[i];
                if (at == k) {
                    return ids[i];
                }
                if (at == 0) {
                    return 0;
                }
            }
        }

        void put(long key, int id) {
            long k = key == 0 ? 1 : key;
            int mask = keys.length - 1;
            int i = (int) mix(k) & mask;
            while (keys[i] != 0 && keys[i] != k) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            ids[i] = id;
        }

        Index copy(int atLeast) {
            int cap = keys.length;
            while (cap < atLeast * 2) {
                cap <<= 1;
            }
            Index n = new Index(cap);
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != 0) {
                    n.put(keys[i], ids[i]);
                }
            }
            return n;
        }

        private static long mix(long k) {
            k ^= k >>> 33;
            k *= 0xff51afd7ed558ccdL;
            return k ^ (k >>> 33);
        }
    }

    /**
     * A string as a terminal may show it: control characters, escapes, line separators and bidi overrides written as
     * {@code \}uXXXX, backslashes doubled ({@link RegionException#printable}).
     */
    public static String printable(String s) {
        return RegionException.printable(s, true);
    }
}
