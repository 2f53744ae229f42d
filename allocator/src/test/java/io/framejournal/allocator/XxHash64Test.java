package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import org.junit.jupiter.api.Test;

/** Our xxHash64 is Chronicle's xx_r39, which the slot table's keys and header checksum were written with. */
class XxHash64Test {
    private static final LongHashFunction CHRONICLE = LongHashFunction.xx_r39();

    @Test
    void ints_hash_as_chronicle_hashes_them() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = -1000; i < 100_000; i++) {
            assertThat(XxHash64.hashInt(i)).as("int %d", i).isEqualTo(CHRONICLE.hashInt(i));
        }
        for (int k = 0; k < 100_000; k++) {
            int v = rnd.nextInt();
            assertThat(XxHash64.hashInt(v)).as("int %d", v).isEqualTo(CHRONICLE.hashInt(v));
        }
    }

    @Test
    void byte_ranges_of_every_length_hash_as_chronicle_hashes_them() {
        SplittableRandom rnd = new SplittableRandom(12);
        byte[] bytes = new byte[400];
        rnd.nextBytes(bytes);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; length <= 300; length++) {
                    assertThat(XxHash64.hashBytes(b, offset, length))
                            .as("%d bytes at %d", length, offset)
                            .isEqualTo(CHRONICLE.hashBytes(bytes, offset, length));
                }
            }
            assertThat(b.position()).isZero();
        }
    }
}
