package io.framejournal.allocator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * xxHash64 with seed 0: the hash Chronicle Map keys its slots and checksums its header with (Chronicle Algorithms'
 * {@code LongHashFunction.xx_r39()}), here so that reading the slot table in place loads nothing of Chronicle.
 * {@code XxHash64Test} compares it with Chronicle's for ints and byte ranges of every length up to 300.
 */
final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {}

    /** The hash of an int's four bytes, little-endian (Chronicle's {@code hashInt} on this platform). */
    static long hashInt(int v) {
        long h = P5 + 4;
        h ^= (v & 0xFFFF_FFFFL) * P1;
        h = Long.rotateLeft(h, 23) * P2 + P3;
        return avalanche(h);
    }

    /** The hash of {@code length} bytes of {@code b} from {@code offset} (absolute; the buffer is not moved). */
    static long hashBytes(ByteBuffer b, int offset, int length) {
        ByteBuffer in = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = offset;
        int end = offset + length;
        long h;
        if (length >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            for (; p <= end - 32; p += 32) {
                v1 = round(v1, in.getLong(p));
                v2 = round(v2, in.getLong(p + 8));
                v3 = round(v3, in.getLong(p + 16));
                v4 = round(v4, in.getLong(p + 24));
            }
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += length;
        for (; p <= end - 8; p += 8) {
            h ^= round(0, in.getLong(p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (p <= end - 4) {
            h ^= (in.getInt(p) & 0xFFFF_FFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        for (; p < end; p++) {
            h ^= (in.get(p) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        return Long.rotateLeft(acc, 31) * P1;
    }

    private static long merge(long h, long v) {
        h ^= round(0, v);
        return h * P1 + P4;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
