package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** The format-1 48-byte record (still read): what is written is read back, and any one flipped bit is refused. */
class JournalEventTest {
    private static JournalEvent sample() {
        JournalEvent e = new JournalEvent()
                .set(EventKind.META_WRITE, OpCode.SEGMENT_FROM_UNUSED, 4711, 0x1234_5678_9abcL, -42L, (3L << 40) | 99);
        e.flags = JournalEvent.FLAG_OP_END;
        e.metaType = 2;
        e.thread = 17;
        e.timestamp = 1_764_000_000_000_000_000L;
        return e;
    }

    @Test
    void a_record_reads_back_field_for_field() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(JournalEvent.SIZE);
        JournalEvent e = sample();
        e.writeV1To(bytes);
        JournalEvent back = new JournalEvent();
        assertThat(back.readV1From(bytes.toByteArray(), JournalEvent.SIZE, 7)).isNull();
        assertThat(back.version).isEqualTo(JournalEvent.V1);
        assertThat(back.groupStart).isTrue();
        assertThat(back.index).isEqualTo(7);
        assertThat(back.kind).isEqualTo(e.kind);
        assertThat(back.op).isEqualTo(e.op);
        assertThat(back.flags).isEqualTo(e.flags);
        assertThat(back.slot).isEqualTo(e.slot);
        assertThat(back.thread).isEqualTo(e.thread);
        assertThat(back.metaType).isEqualTo(e.metaType);
        assertThat(back.before).isEqualTo(e.before);
        assertThat(back.after).isEqualTo(e.after);
        assertThat(back.handle).isEqualTo(e.handle);
        assertThat(back.timestamp).isEqualTo(e.timestamp);
    }

    @Test
    void every_single_bit_flip_is_refused() {
        Bytes<?> good = Bytes.allocateElasticOnHeap(JournalEvent.SIZE);
        sample().writeV1To(good);
        byte[] record = good.toByteArray();
        for (int bit = 0; bit < JournalEvent.SIZE * 8; bit++) {
            byte[] flipped = record.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String problem = new JournalEvent().readV1From(flipped, flipped.length, 1);
            assertThat(problem).as("bit %d flipped", bit).isNotNull().doesNotContain("\n");
        }
    }

    @Test
    void a_record_of_another_length_is_refused() {
        assertThat(new JournalEvent().readV1From(new byte[40], 40, 3)).contains("40 bytes");
    }
}
