package io.framejournal.replay.forged;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RecordEncoder;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Forges a region's journal as an attacker who knows format 2 would: records that are well formed and carry a correct
 * CRC-32C, but whose contents lie. A record is either rewritten in place (same length: its bytes patched, its CRC-32C
 * computed again) or appended raw after the journal's last (the region's status then names the new end, so the
 * forgery passes the end check as a clean close would).
 */
public final class Forgery {
    /** Offset of the CRC-32C in a format-2 record header. */
    public static final int CRC = 4;

    public static final int SEQ = 8;
    public static final int HANDLE = 16;
    public static final int TIME = 24;
    public static final int SITE = 36;
    public static final int COUNT = 40;
    /** Offset of a call's first slot group (without FROM_HANDLE). */
    public static final int BODY = 44;

    private Forgery() {}

    /**
     * A closed region of 64 frames, written through the allocator as any writer would: its journal holds eight records,
     * REGION_OPEN, frame 0's from_unused, clone, drop and drop, a 4-frame segment's from_unused and drop, REGION_CLOSE;
     * each slot group names the frame's previous record. The first handle is sampled, so {@code sites.fjs} holds one
     * site.
     */
    public static Path written(Path dir) {
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(0x40000))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            Frame<?> a = alloc.allocFrame();
            Frame<?> b = a.clone();
            b.close();
            a.close();
            alloc.allocSegment(4).close();
        }
        return dir;
    }

    /** One record of the journal as read: its index and sequence number. */
    public record Rec(long index, long seq, int op, io.framejournal.journal.EventKind kind, int slot, long timestamp) {}

    /** The journal's records (one per Chronicle document), in order. */
    public static List<Rec> records(Path region) {
        List<Rec> out = new ArrayList<>();
        try (JournalReader r = JournalReader.open(new RegionLayout(region).journal())) {
            JournalEvent e = new JournalEvent();
            while (r.next(e)) {
                if (out.isEmpty() || out.get(out.size() - 1).index() != e.index) {
                    out.add(new Rec(e.index, e.seq, e.op, e.kind, e.slot, e.timestamp));
                }
            }
            if (r.stopReason() != null) {
                throw new IllegalStateException(r.stopReason());
            }
        }
        return out;
    }

    /**
     * Rewrites record number {@code n} (0-based) in place: {@code patch} gets its bytes (little-endian, position 0,
     * the record's length as limit) and may change any of them; the CRC-32C is then computed again.
     */
    public static void rewrite(Path region, int n, Consumer<ByteBuffer> patch) {
        long index = records(region).get(n).index();
        long header;
        try (var queue = Chronicle.readOnlyQueue(new RegionLayout(region).journal());
                var tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                throw new IllegalStateException("cannot move to " + index);
            }
            try (var dc = tailer.readingDocument()) {
                header = dc.wire().bytes().readPosition() - 4; // mapped bytes: positions are file offsets
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(queueFile(region).toFile(), "rw")) {
            f.seek(header);
            int len = Integer.reverseBytes(f.readInt()) & 0x3fff_ffff;
            byte[] b = new byte[len];
            f.readFully(b);
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            patch.accept(buf);
            sealAgain(b);
            f.seek(header + 4);
            f.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Computes a record's CRC-32C again (bytes 0..3 and 8..end) and stores it. */
    public static void sealAgain(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, CRC);
        crc.update(b, SEQ, b.length - SEQ);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(CRC, (int) crc.getValue());
    }

    /** A record the encoder built, sealed with these header values, as bytes. */
    public static byte[] seal(RecordEncoder record, long seq, long timestamp) {
        ByteBuffer sealed = record.seal(seq, 1, timestamp);
        byte[] b = new byte[sealed.remaining()];
        sealed.get(b);
        return b;
    }

    /**
     * Appends raw records after the journal's last and marks the region clean at the new end.
     *
     * @return the last appended record's index
     */
    public static long append(Path region, byte[]... records) {
        RegionLayout layout = new RegionLayout(region);
        long last = -1;
        try (SingleChronicleQueue q = Chronicle.writableQueue(layout.journal(), SyncMode.NONE);
                ExcerptAppender a = q.createAppender()) {
            for (byte[] r : records) {
                a.writeBytes(BytesStore.wrap(r));
                last = a.lastIndexAppended();
            }
        }
        try {
            RegionStatus s = RegionStatus.read(layout.status());
            new RegionStatus(true, s.session(), last).write(layout.status());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return last;
    }

    private static Path queueFile(Path region) throws IOException {
        try (Stream<Path> files = Files.list(new RegionLayout(region).journal())) {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }
}
