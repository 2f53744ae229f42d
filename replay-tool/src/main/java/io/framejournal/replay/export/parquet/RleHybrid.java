package io.framejournal.replay.export.parquet;

/**
 * Parquet's RLE / bit-packed hybrid (definition levels, dictionary indices): runs of 8 or more equal values as RLE runs
 * ({@code varint(count << 1)}, the value in {@code ceil(width / 8)} bytes), everything else as bit-packed runs of
 * 8-value groups ({@code varint(groups << 1 | 1)}, then the packed groups). Only the very last group may be padded
 * (with zeros): the reader knows the page's value count.
 */
public final class RleHybrid {
    /** Equal values from which an RLE run beats bit packing (and keeps bit-packed runs whole groups). */
    private static final int MIN_RUN = 8;

    private RleHybrid() {}

    /** Encodes {@code v[0..n)}, values of {@code width} bits (0..32), with no length prefix. */
    public static void encode(int[] v, int n, int width, ByteSink out) {
        int valueBytes = (width + 7) / 8;
        int i = 0;
        while (i < n) {
            int run = runLength(v, i, n);
            if (run >= MIN_RUN) {
                out.writeVarLong((long) run << 1);
                int x = v[i];
                for (int k = 0; k < valueBytes; k++) {
                    out.writeByte(x >>> (8 * k));
                }
                i += run;
                continue;
            }
            int start = i;
            do {
                i += 8;
            } while (i < n && !runOfAtLeast(v, i, n, MIN_RUN));
            int groups = (i - start) / 8;
            out.writeVarLong((long) groups << 1 | 1);
            BitPacking.packInts(v, start, i - start, n, width, out);
        }
    }

    private static int runLength(int[] v, int i, int n) {
        int x = v[i];
        int j = i + 1;
        while (j < n && v[j] == x) {
            j++;
        }
        return j - i;
    }

    private static boolean runOfAtLeast(int[] v, int i, int n, int min) {
        if (n - i < min) {
            return false;
        }
        int x = v[i];
        for (int j = i + 1; j < i + min; j++) {
            if (v[j] != x) {
                return false;
            }
        }
        return true;
    }
}
