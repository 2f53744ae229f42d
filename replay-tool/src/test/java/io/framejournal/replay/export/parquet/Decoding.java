package io.framejournal.replay.export.parquet;

/**
 * Test-side decoders written straight from the Parquet spec (independently of the encoders: bit by bit, no shared
 * code), to round-trip what the encoders write.
 */
final class Decoding {
    final byte[] b;
    int pos;

    Decoding(byte[] b) {
        this.b = b;
    }

    long varLong() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[pos++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }

    long zigzag() {
        long v = varLong();
        return (v >>> 1) ^ -(v & 1);
    }

    /** Reads {@code width} bits at bit offset {@code bit} of the bytes from {@link #pos}, least significant first. */
    long bits(int bit, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            int at = bit + i;
            if ((b[pos + at / 8] >>> (at % 8) & 1) != 0) {
                v |= 1L << i;
            }
        }
        return v;
    }

    /** The RLE / bit-packed hybrid: {@code n} values of {@code width} bits. */
    int[] hybrid(int n, int width) {
        int[] out = new int[n];
        int i = 0;
        while (i < n) {
            long h = varLong();
            if ((h & 1) == 0) {
                int run = (int) (h >>> 1);
                int v = 0;
                for (int k = 0; k < (width + 7) / 8; k++) {
                    v |= (b[pos++] & 0xff) << (8 * k);
                }
                for (int k = 0; k < run; k++) {
                    if (i >= n) {
                        throw new AssertionError("RLE run past the values");
                    }
                    out[i++] = v;
                }
            } else {
                int values = (int) (h >>> 1) * 8;
                for (int k = 0; k < values; k++) {
                    long v = bits(k * width, width);
                    if (i < n) {
                        out[i++] = (int) v;
                    } else if (v != 0) {
                        throw new AssertionError("padding of the last group is not zero");
                    }
                }
                pos += values * width / 8;
            }
        }
        return out;
    }

    /** DELTA_BINARY_PACKED; {@code int32}: deltas wrap at 32 bits. */
    long[] delta(boolean int32) {
        int block = (int) varLong();
        int minis = (int) varLong();
        int n = (int) varLong();
        long first = zigzag();
        long[] out = new long[n];
        if (n == 0) {
            return out;
        }
        out[0] = first;
        int i = 1;
        int per = block / minis;
        while (i < n) {
            long min = zigzag();
            int[] widths = new int[minis];
            for (int k = 0; k < minis; k++) {
                widths[k] = b[pos++] & 0xff;
            }
            for (int k = 0; k < minis && i < n; k++) {
                if (int32 && widths[k] > 32) {
                    throw new AssertionError("INT32 miniblock of " + widths[k] + " bits");
                }
                for (int j = 0; j < per; j++) {
                    long d = bits(j * widths[k], widths[k]);
                    if (i < n) {
                        long v = out[i - 1] + min + d;
                        out[i++] = int32 ? (int) v : v;
                    }
                }
                pos += per * widths[k] / 8;
            }
        }
        return out;
    }
}
