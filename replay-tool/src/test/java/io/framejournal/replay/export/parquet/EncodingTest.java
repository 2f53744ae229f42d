package io.framejournal.replay.export.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The encoders round-tripped through {@link Decoding}, on the edges: empty, one value, wrap-around, 64-bit deltas. */
class EncodingTest {
    private static long[] deltaRoundTrip(long[] v) {
        ByteSink s = new ByteSink(16);
        DeltaBinaryPacked d = new DeltaBinaryPacked();
        d.encodeLongs(v, 0, v.length, s);
        Decoding in = new Decoding(s.toByteArray());
        long[] got = in.delta(false);
        assertThat(in.pos).as("every byte consumed").isEqualTo(s.size());
        if (v.length > 0) {
            assertThat(d.min()).isEqualTo(LongStream.of(v).min().getAsLong());
            assertThat(d.max()).isEqualTo(LongStream.of(v).max().getAsLong());
        }
        return got;
    }

    private static int[] deltaRoundTrip(int[] v) {
        ByteSink s = new ByteSink(16);
        new DeltaBinaryPacked().encodeInts(v, 0, v.length, s);
        Decoding in = new Decoding(s.toByteArray());
        long[] got = in.delta(true);
        assertThat(in.pos).isEqualTo(s.size());
        return Arrays.stream(got).mapToInt(x -> (int) x).toArray();
    }

    @Test
    void deltaLongsOnTheEdges() {
        long[][] cases = {
            {},
            {42},
            {-1},
            {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0, Long.MAX_VALUE, -1, 1},
            LongStream.range(0, 129).map(i -> 25708643441704960L + i / 3).toArray(), // one block and one more value
            LongStream.range(0, 1000).map(i -> -i * 1_000_003L).toArray(), // negative, constant delta
            LongStream.range(0, 33)
                    .map(i -> i % 2 == 0 ? Long.MAX_VALUE : Long.MIN_VALUE)
                    .toArray(),
            LongStream.range(0, 300).map(i -> 7).toArray(), // all equal: width 0
        };
        for (long[] c : cases) {
            assertThat(deltaRoundTrip(c)).as(Arrays.toString(c)).isEqualTo(c);
        }
        Random r = new Random(5);
        for (int n : new int[] {2, 31, 32, 33, 127, 128, 129, 255, 256, 257, 4097}) {
            for (int bits : new int[] {1, 7, 17, 33, 63, 64}) {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = bits == 64 ? r.nextLong() : r.nextLong() >> (64 - bits);
                }
                assertThat(deltaRoundTrip(v))
                        .as(n + " values of " + bits + " bits")
                        .isEqualTo(v);
            }
        }
    }

    @Test
    void deltaIntsWrapAt32BitsAndNeverNeedMore() {
        int[][] cases = {
            {},
            {Integer.MIN_VALUE},
            {Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE},
            {-1, -1, -1, 4404, -1, 65535, 0},
        };
        for (int[] c : cases) {
            assertThat(deltaRoundTrip(c)).isEqualTo(c);
        }
        Random r = new Random(6);
        int[] v = new int[5000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt();
        }
        assertThat(deltaRoundTrip(v)).isEqualTo(v);
    }

    @Test
    void deltaEncodesFromAnOffset() {
        long[] v = {9, 9, 1, 2, 3, 100};
        ByteSink s = new ByteSink(16);
        new DeltaBinaryPacked().encodeLongs(v, 2, 3, s);
        assertThat(new Decoding(s.toByteArray()).delta(false)).containsExactly(1, 2, 3);
    }

    @Test
    void monotonicIndicesPackToAFewBitsAValue() {
        long[] v = LongStream.range(0, 1 << 16)
                .map(i -> 25708643441704960L + i * 6 / 7)
                .toArray();
        ByteSink s = new ByteSink(16);
        new DeltaBinaryPacked().encodeLongs(v, 0, v.length, s);
        assertThat(s.size()).isLessThan(v.length / 6); // about 1 bit a value plus block headers
    }

    private static int[] hybridRoundTrip(int[] v, int width) {
        ByteSink s = new ByteSink(16);
        RleHybrid.encode(v, v.length, width, s);
        Decoding in = new Decoding(s.toByteArray());
        int[] got = in.hybrid(v.length, width);
        assertThat(in.pos).isEqualTo(s.size());
        return got;
    }

    @Test
    void hybridRunsAndBitPackedGroups() {
        int[][] levels = {
            {},
            {1},
            {0},
            new int[1000], // all null
            fill(1000, 1), // no null
            {1, 0, 1, 1, 0, 0, 0, 1, 1}, // shorter than a run, not a whole group
            concat(fill(7, 1), fill(9, 0), fill(3, 1), fill(20, 0), new int[] {1}),
        };
        for (int[] l : levels) {
            assertThat(hybridRoundTrip(l, 1)).as(Arrays.toString(l)).isEqualTo(l);
        }
        ByteSink allSet = new ByteSink(16);
        RleHybrid.encode(fill(1_000_000, 1), 1_000_000, 1, allSet);
        assertThat(allSet.size()).as("one RLE run").isEqualTo(4);
        Random r = new Random(7);
        for (int width : new int[] {1, 3, 5, 6, 8, 13, 17, 24, 31}) {
            int[] v = new int[2000 + width];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(4) == 0 ? 1 : r.nextInt(1 << Math.min(width, 30)) & ((1 << width) - 1);
                if (i > 100 && i < 140) {
                    v[i] = v[100]; // a run in the middle of bit-packed groups
                }
            }
            assertThat(hybridRoundTrip(v, width)).as("width " + width).isEqualTo(v);
        }
    }

    @Test
    void bitPackingIsLeastSignificantBitFirst() {
        ByteSink s = new ByteSink(16);
        // the spec's example: 0..7 in 3 bits is 10001000 11000110 11111010
        BitPacking.pack(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 0, 8, 3, s);
        assertThat(s.toByteArray()).containsExactly(0b10001000, 0b11000110, 0b11111010);
        s.reset();
        BitPacking.pack(new long[] {-1, 0, -1, 1, 2, 3, 4, 5}, 0, 8, 64, s);
        assertThat(s.size()).isEqualTo(64);
        assertThat(new Decoding(s.toByteArray()).bits(64, 64)).isZero();
        assertThat(new Decoding(s.toByteArray()).bits(128, 64)).isEqualTo(-1L);
    }

    @Test
    void thriftCompactFieldsAndLists() {
        ByteSink s = new ByteSink(16);
        CompactWriter w = new CompactWriter(s);
        w.i32(1, -1).i64(3, 300).struct(20).bool(1, true).end().list(21, CompactWriter.I32, 20);
        for (int i = 0; i < 20; i++) {
            w.i32Element(i);
        }
        w.end();
        byte[] b = s.toByteArray();
        // field 1 i32 zigzag(-1)=1; field 3 (delta 2) i64 zigzag(300)=600 = 0xd8 0x04
        assertThat(Arrays.copyOfRange(b, 0, 5)).containsExactly(0x15, 0x01, 0x26, 0xd8, 0x04);
        // field 20 (delta 17: long form) struct, then bool true as field 1, STOP
        assertThat(Arrays.copyOfRange(b, 5, 9)).containsExactly(0x0c, 40, 0x11, 0x00);
        // field 21 (delta 1 again after the struct) list of 20 i32: long list header
        assertThat(Arrays.copyOfRange(b, 9, 12)).containsExactly(0x19, 0xf5, 20);
        assertThat(b[b.length - 1]).isZero();
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
