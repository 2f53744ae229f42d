package io.framejournal.replay.export.parquet;

/**
 * Parquet's DELTA_BINARY_PACKED for INT64 and INT32: a header (block size 128, 4 miniblocks of 32, value count, first
 * value), then per block of 128 deltas the minimum delta and each miniblock's bit width and bit-packed
 * {@code delta - minDelta}. Deltas wrap in the column's physical type (64-bit for INT64, 32-bit for INT32, so an
 * INT32 miniblock never needs more than 32 bits), as the format requires. Monotonic columns ({@code index},
 * {@code time}) pack to a few bits a value. One encoder per thread: it keeps a block's scratch.
 */
public final class DeltaBinaryPacked {
    public static final int BLOCK = 128;
    public static final int MINIBLOCKS = 4;
    public static final int MINI = BLOCK / MINIBLOCKS;

    private final long[] deltas = new long[BLOCK];
    private long min;
    private long max;

    /** The smallest value of the last encoding ({@link Long#MAX_VALUE} when it had none). */
    public long min() {
        return min;
    }

    /** The largest value of the last encoding ({@link Long#MIN_VALUE} when it had none). */
    public long max() {
        return max;
    }

    /** Encodes {@code v[from..from+n)}. */
    public void encodeLongs(long[] v, int from, int n, ByteSink out) {
        header(n, n == 0 ? 0 : v[from], out);
        long lo = n == 0 ? Long.MAX_VALUE : v[from];
        long hi = n == 0 ? Long.MIN_VALUE : v[from];
        for (int b = from + 1, end = from + n; b < end; b += BLOCK) {
            int m = Math.min(BLOCK, end - b);
            long min = Long.MAX_VALUE;
            for (int j = 0; j < m; j++) {
                long x = v[b + j];
                long d = x - v[b + j - 1];
                deltas[j] = d;
                min = Math.min(min, d);
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            for (int j = 0; j < m; j++) {
                deltas[j] -= min; // as unsigned: the true distance, < 2^64
            }
            block(min, m, out);
        }
        this.min = lo;
        this.max = hi;
    }

    /** Encodes {@code v[from..from+n)} of an INT32 column (32-bit wrapping deltas). */
    public void encodeInts(int[] v, int from, int n, ByteSink out) {
        header(n, n == 0 ? 0 : v[from], out);
        int lo = n == 0 ? Integer.MAX_VALUE : v[from];
        int hi = n == 0 ? Integer.MIN_VALUE : v[from];
        for (int b = from + 1, end = from + n; b < end; b += BLOCK) {
            int m = Math.min(BLOCK, end - b);
            int min = Integer.MAX_VALUE;
            for (int j = 0; j < m; j++) {
                int x = v[b + j];
                int d = x - v[b + j - 1];
                deltas[j] = d;
                min = Math.min(min, d);
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            for (int j = 0; j < m; j++) {
                deltas[j] = ((int) deltas[j] - min) & 0xffff_ffffL;
            }
            block(min, m, out);
        }
        this.min = n == 0 ? Long.MAX_VALUE : lo;
        this.max = n == 0 ? Long.MIN_VALUE : hi;
    }

    private static void header(int n, long first, ByteSink out) {
        out.writeVarLong(BLOCK);
        out.writeVarLong(MINIBLOCKS);
        out.writeVarLong(n);
        out.writeZigZagLong(first);
    }

    /** One block: {@code deltas[0..m)} already less the minimum; miniblocks past the values get width 0, no body. */
    private void block(long min, int m, ByteSink out) {
        for (int j = m; j < BLOCK; j++) {
            deltas[j] = 0;
        }
        out.writeZigZagLong(min);
        int used = (m + MINI - 1) / MINI;
        int widthsAt = out.size();
        out.ensure(MINIBLOCKS);
        out.advance(MINIBLOCKS);
        for (int k = 0; k < MINIBLOCKS; k++) {
            int w = 0;
            if (k < used) {
                long or = 0;
                for (int j = k * MINI, e = j + MINI; j < e; j++) {
                    or |= deltas[j];
                }
                w = BitPacking.width(or);
            }
            out.buf[widthsAt + k] = (byte) w;
        }
        for (int k = 0; k < used; k++) {
            BitPacking.pack(deltas, k * MINI, MINI, out.buf[widthsAt + k], out);
        }
    }
}
