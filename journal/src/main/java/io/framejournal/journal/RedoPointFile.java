package io.framejournal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The region's redo point, {@code redo.point}: the newest {@link RedoPoint} whose slot-table writes are on disk.
 *
 * <p>Written often (every period of the writer's {@code RedoPointKeeper}), so it is not renamed into place like a
 * checkpoint: it holds two fixed {@value #SLOT}-byte slots used in turn (generation {@code g} goes to slot
 * {@code g & 1}), each checked by its own CRC-32C, and one {@code pwrite} plus one {@code fdatasync} publish a new point
 * while the other slot still holds the previous one. A torn write damages at most the slot being written; a reader takes
 * the valid slot with the higher generation; a slot of zeros was never written (an empty file, or one whose writer died
 * before its first point, holds no point and is no problem). Little-endian, fixed layout, documented in docs/DESIGN.md:
 *
 * <pre>
 *  offset size field (one slot)
 *   0     8    magic "FJREDO\r\n"
 *   8     4    redo point format version (1)
 *  12     4    flags: 1 = the anchor record itself is not yet applied (replay from it, inclusive)
 *  16     8    generation (1, 2, ...; the higher valid one wins)
 *  24     8    anchor: journal index of the record replay resumes at (inclusive) or after (exclusive)
 *  32     8    the anchor record's sequence number
 *  40     4    the anchor record's stored CRC-32C (identifies it)
 *  44     4    journal format version (2)
 *  48     8    written, epoch nanoseconds
 *  56     4    CRC-32C of bytes 0..55 of this slot
 *  60     4    reserved (0)
 * </pre>
 */
public final class RedoPointFile implements AutoCloseable {
    public static final int VERSION = 1;
    static final int SLOT = 64;
    private static final long MAGIC = 0x0a0d4f4445524a46L; // "FJREDO\r\n" little-endian
    private static final int FLAG_INCLUSIVE = 1;

    private final Path file;
    /** Reopened by {@link #write} when an interrupt closed it (an interrupted writer closes a channel for good). */
    private FileChannel channel;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(SLOT).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long generation;
    private boolean closed;

    private RedoPointFile(Path file, FileChannel channel, long generation) {
        this.file = file;
        this.channel = channel;
        this.generation = generation;
    }

    private static FileChannel openChannel(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Opens (or creates) a region's redo point file for writing; new points continue after the newest valid one in it.
     */
    public static RedoPointFile openForWrite(Path file) {
        long generation = 0;
        try {
            Read previous = read(file);
            if (previous.point() != null) {
                generation = previous.generation();
            }
            return new RedoPointFile(file, openChannel(file), generation);
        } catch (IOException e) {
            throw new RegionException("cannot open redo point " + file + ": " + RegionException.oneLine(e), e);
        }
    }

    /**
     * Writes {@code p} as the newest redo point and forces it to disk. A channel an interrupt closed under an earlier
     * write (a {@code ClosedByInterruptException}: nothing of the failed write counts, its generation was not taken) is
     * reopened first, so one interrupted writer does not stop every later point.
     */
    public void write(RedoPoint p) {
        if (closed) {
            throw new IllegalStateException("redo point file " + file + " is closed");
        }
        if (!channel.isOpen()) {
            try {
                channel = openChannel(file);
            } catch (IOException e) {
                throw new RegionException("cannot reopen redo point " + file + ": " + RegionException.oneLine(e), e);
            }
        }
        long g = generation + 1;
        buf.clear();
        buf.putLong(0, MAGIC);
        buf.putInt(8, VERSION);
        buf.putInt(12, p.inclusive() ? FLAG_INCLUSIVE : 0);
        buf.putLong(16, g);
        buf.putLong(24, p.anchor());
        buf.putLong(32, p.seq());
        buf.putInt(40, p.crc());
        buf.putInt(44, RecordFormat.VERSION);
        buf.putLong(48, System.currentTimeMillis() * 1_000_000L);
        buf.putInt(56, checksum(buf, crc));
        buf.putInt(60, 0);
        try {
            long at = (g & 1) * SLOT;
            while (buf.hasRemaining()) {
                channel.write(buf, at + buf.position());
            }
            channel.force(false);
        } catch (IOException e) {
            throw new RegionException("cannot write redo point: " + RegionException.oneLine(e), e);
        }
        generation = g;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending: every write was forced
        }
    }

    /**
     * What a region's redo point file holds.
     *
     * @param point      the newest valid redo point, or {@code null}
     * @param generation its generation (0 when none)
     * @param problem    why a file that exists gave no point, or why one of its slots was skipped; {@code null} when
     *                   nothing was wrong (a missing file is not a problem: the region keeps no redo point)
     */
    public record Read(RedoPoint point, long generation, String problem) {}

    /** Reads the newest valid redo point of {@code file}, read-only; never throws for a damaged file. */
    public static Read read(Path file) {
        byte[] all;
        try {
            if (Files.size(file) > 2 * SLOT) {
                return new Read(null, 0, "redo point " + file + " is " + Files.size(file) + " bytes, not " + 2 * SLOT);
            }
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Read(null, 0, null);
        } catch (IOException e) {
            return new Read(null, 0, "cannot read redo point " + file + ": " + RegionException.reason(e, file));
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        RedoPoint best = null;
        long bestGen = 0;
        String problem = null;
        for (int s = 0; s < 2; s++) {
            if (all.length < (s + 1) * SLOT) {
                if (all.length > s * SLOT) {
                    problem = "redo point " + file + ": slot " + s + " is cut short (" + all.length + " bytes)";
                }
                continue;
            }
            ByteBuffer slot = b.slice(s * SLOT, SLOT).order(ByteOrder.LITTLE_ENDIAN);
            if (allZero(all, s * SLOT)) {
                continue; // never written (the writer died before its first point reached this slot)
            }
            String why = check(slot, crc);
            if (why != null) {
                problem = "redo point " + file + ": slot " + s + " " + why;
                continue;
            }
            long g = slot.getLong(16);
            if (best == null || g > bestGen) {
                best = new RedoPoint(
                        slot.getLong(24), slot.getLong(32), slot.getInt(40), (slot.getInt(12) & FLAG_INCLUSIVE) != 0);
                bestGen = g;
            }
        }
        return new Read(best, bestGen, best == null ? problem : null);
    }

    private static boolean allZero(byte[] all, int from) {
        for (int i = from; i < from + SLOT; i++) {
            if (all[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String check(ByteBuffer slot, CRC32C crc) {
        if (slot.getLong(0) != MAGIC) {
            return "has no redo point magic";
        }
        if (slot.getInt(56) != checksum(slot, crc)) {
            return "fails its CRC-32C";
        }
        if (slot.getInt(8) != VERSION) {
            return "has redo point format version " + slot.getInt(8) + ", this build reads " + VERSION;
        }
        if (slot.getInt(44) != RecordFormat.VERSION) {
            return "names journal format " + slot.getInt(44) + ", not " + RecordFormat.VERSION;
        }
        if ((slot.getInt(12) & ~FLAG_INCLUSIVE) != 0 || slot.getLong(16) <= 0) {
            return "has unknown flags or a bad generation";
        }
        return null;
    }

    private static int checksum(ByteBuffer slot, CRC32C crc) {
        crc.reset();
        crc.update(slot.duplicate().position(0).limit(56));
        return (int) crc.getValue();
    }
}
