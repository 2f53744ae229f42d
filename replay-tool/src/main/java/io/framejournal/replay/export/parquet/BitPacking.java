package io.framejournal.replay.export.parquet;

/**
 * Parquet's bit packing (the RLE/bit-packed hybrid's bit-packed runs and DELTA_BINARY_PACKED's miniblocks): values of
 * {@code width} bits laid end to end, least significant bit first, starting at the low bit of the first byte.
 */
public final class BitPacking {
    private BitPacking() {}

    /**
     * Packs {@code count} values (a multiple of 8, so the run ends on a byte) of {@code width} bits, 0..64. Values
     * must already fit in {@code width} bits.
     */
    public static void pack(long[] v, int from, int count, int width, ByteSink out) {
        if (width == 0 || count == 0) {
            return;
        }
        int bytes = (int) ((long) count * width / 8);
        out.ensure(bytes + 8);
        byte[] b = out.buf;
        int p = out.len;
        long acc = 0;
        int bits = 0;
        for (int i = from, end = from + count; i < end; i++) {
            long x = v[i];
            acc |= x << bits;
            bits += width;
            if (bits >= 64) {
                ByteSink.putLongLE(b, p, acc);
                p += 8;
                bits -= 64;
                // the bits of x that did not fit (none when x started at bit 0: Java's x >>> 64 would be x)
                acc = bits == 0 ? 0 : x >>> (width - bits);
            }
        }
        ByteSink.putLongLE(b, p, acc); // the tail: only its first bits / 8 bytes count
        out.len = p + bits / 8;
    }

    /**
     * Packs {@code count} int values (a multiple of 8) of {@code width} bits, 0..32, reading values from
     * {@code v[from..limit)} and zeros past {@code limit} (the padding of a hybrid run's last group).
     */
    public static void packInts(int[] v, int from, int count, int limit, int width, ByteSink out) {
        if (width == 0 || count == 0) {
            return;
        }
        int bytes = (int) ((long) count * width / 8);
        out.ensure(bytes + 8);
        byte[] b = out.buf;
        int p = out.len;
        long mask = (1L << width) - 1;
        long acc = 0;
        int bits = 0;
        for (int i = from, end = from + count; i < end; i++) {
            long x = i < limit ? v[i] & mask : 0;
            acc |= x << bits;
            bits += width;
            if (bits >= 64) {
                ByteSink.putLongLE(b, p, acc);
                p += 8;
                bits -= 64;
                acc = bits == 0 ? 0 : x >>> (width - bits);
            }
        }
        ByteSink.putLongLE(b, p, acc);
        out.len = p + bits / 8;
    }

    /** Bits needed for an unsigned value: 0 for 0. */
    public static int width(long unsignedMax) {
        return 64 - Long.numberOfLeadingZeros(unsignedMax);
    }
}
