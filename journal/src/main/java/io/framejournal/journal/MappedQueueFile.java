package io.framejournal.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * One Chronicle Queue file mapped read-only (never writable, never grown) in windows of at most {@link #WINDOW} bytes,
 * for {@link JournalReader}'s sequential fast path: it reads document headers from the mapping and hands out the
 * window a covered document lies in whole ({@link #window()}), for {@link RecordDecoder} to check and decode it in place,
 * where Chronicle's tailer positions a {@code Bytes} view and a wire per document.
 *
 * <p>Only bytes inside the file's length at mapping time are ever touched: a document that reaches past the mapped
 * length is not read here (the caller hands over to the tailer, which decides what it is).
 */
final class MappedQueueFile implements AutoCloseable {
    /** Largest window mapped at once (a queue file can exceed what one {@code MappedByteBuffer} maps). */
    static final long WINDOW = 1L << 30;

    private static final long PAGE = 4096;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final File file;
    private final FileChannel channel;
    private long fileLength;
    private MappedByteBuffer map;
    /** {@link #map}'s native address (the header reads go straight to it: no buffer bounds or session checks). */
    private long mapAddress;
    /** A view of {@link #map} for {@link RecordDecoder} (which moves its position and limit), made at each mapping. */
    private ByteBuffer records;

    private long base;
    private long end;

    /** Whether pages must be populated before they are read ({@link ReadablePages}: the file lies on tmpfs). */
    private final boolean checkPages;
    /** File offsets of the pages of the current window known readable ({@link #readable}). */
    private long readableFrom;

    private long readableTo;

    /** Pages populated at once by {@link #readable}: the reader moves through them without another call. */
    static final long READABLE_STEP = 1L << 20;

    private MappedQueueFile(File file, FileChannel channel, boolean checkPages) {
        this.file = file;
        this.channel = channel;
        this.checkPages = checkPages;
    }

    /**
     * Opens a queue file read-only; {@code null} when it cannot be opened (the caller keeps using the tailer).
     * {@code checkPages}: whether its pages must be checked before they are read ({@link ReadablePages#needed} of its
     * directory, which a reader of many queue files asks once).
     */
    static MappedQueueFile open(File file, boolean checkPages) {
        try {
            return new MappedQueueFile(file, FileChannel.open(file.toPath(), StandardOpenOption.READ), checkPages);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    File file() {
        return file;
    }

    /** The file's length when it was last measured (at the last mapping). */
    long length() {
        return fileLength;
    }

    /**
     * Makes {@code [from, from + size)} readable, remapping when it lies outside the current window.
     *
     * @return false when that range is not inside the file (as measured now)
     */
    boolean cover(long from, long size) {
        if (from >= base && from + size <= end && map != null) {
            return true;
        }
        try {
            fileLength = channel.size();
            if (from < 0 || from + size > fileLength) {
                return false;
            }
            long newBase = from & -PAGE; // page-aligned: aligned int reads stay aligned in memory
            long newEnd = Math.min(fileLength, Math.max(newBase + WINDOW, from + size));
            if (newEnd - newBase > Integer.MAX_VALUE) {
                return false;
            }
            map = channel.map(FileChannel.MapMode.READ_ONLY, newBase, newEnd - newBase);
            map.order(ByteOrder.LITTLE_ENDIAN);
            mapAddress = OffHeap.address(map);
            records = map.duplicate();
            base = newBase;
            end = newEnd;
            readableFrom = readableTo = newBase;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether {@code [from, from + size)} (covered) can be read without a fault that kills the JVM: on tmpfs, a page
     * of the file that was never written while its disk was full cannot be read at all ({@link ReadablePages}). Pages
     * are checked {@value #READABLE_STEP} bytes at a time, so a reader moving through the file pays one system call
     * per step; elsewhere this is always true.
     */
    boolean readable(long from, long size) {
        if (!checkPages || (from >= readableFrom && from + size <= readableTo)) {
            return true;
        }
        long lo = from & -PAGE;
        long need = Math.min(end, (from + size + PAGE - 1) & -PAGE);
        long ahead = Math.min(end, Math.max(need, lo + READABLE_STEP));
        if (ReadablePages.readable(mapAddress + (lo - base), ahead - lo)) {
            readableFrom = lo;
            readableTo = ahead;
            return true;
        }
        if (ahead > need && ReadablePages.readable(mapAddress + (lo - base), need - lo)) {
            readableFrom = lo; // a page further on cannot be read: step no further than needed
            readableTo = need;
            return true;
        }
        return false;
    }

    /** The 4-byte document header at {@code at} (covered, 4-aligned), read with acquire semantics. */
    int header(long at) {
        int h = OffHeap.getIntVolatile(mapAddress + (at - base));
        return LITTLE ? h : Integer.reverseBytes(h);
    }

    /**
     * The current window, for decoding a covered document in place: {@link #offset} gives a file offset's place in it.
     * Its memory stays mapped while it is referenced, whatever this file maps next.
     */
    ByteBuffer window() {
        return records;
    }

    /** Where file offset {@code at} (covered) lies in {@link #window()}. */
    int offset(long at) {
        return (int) (at - base);
    }

    /** Copies {@code len} bytes at {@code at} (covered) into {@code into}. */
    void read(long at, byte[] into, int len) {
        map.get((int) (at - base), into, 0, len);
    }

    @Override
    public void close() {
        map = null;
        records = null;
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
