package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format 2 pinned byte for byte (a golden record: if this test fails, the on-disk format changed — bump
 * {@link RecordFormat#VERSION} and keep the old reader), read back event by event, and every flipped bit refused.
 */
class RecordFormatTest {
    /** Frame::from_unused of slot 5 (narrow and wide entries) as written by the engine, sealed with fixed values. */
    private static byte[] claimRecord() {
        RecordEncoder enc = new RecordEncoder();
        enc.beginCall(OpCode.FRAME_FROM_UNUSED, (1L << 40) | 3, 0)
                .beginSlot(5, JournalIndex.NONE)
                .entry(EventKind.REFCOUNT, 0, (short) 0, RefCount.UNUSED, 0)
                .entry(EventKind.META_WRITE, 0, (short) 2, 0x1122_3344_5566_7788L, -2)
                .entry(EventKind.REFCOUNT, 0, (short) 0, 0, 1)
                .entry(EventKind.USAGE, 0, (short) 0, 0, 2)
                .entry(EventKind.MINT, 0, (short) 0, 0, 1);
        return toArray(enc.seal(41, 7, 1_764_000_000_123_456_789L));
    }

    private static byte[] toArray(ByteBuffer bb) {
        byte[] b = new byte[bb.remaining()];
        bb.duplicate().get(b);
        return b;
    }

    @Test
    void a_frame_claim_record_is_pinned_byte_for_byte() {
        byte[] b = claimRecord();
        String hex = HexFormat.of().formatHex(b);
        assertThat(b).hasSize(RecordFormat.HEADER + RecordFormat.GROUP + 4 * RecordFormat.NARROW + RecordFormat.WIDE);
        assertThat(hex).isEqualTo(GOLDEN_CLAIM);
    }

    /**
     * Header: version 2, type call, op FRAME_FROM_UNUSED (2), flags 0 | CRC-32C | seq 41 | handle 1:3 | time | thread 7 |
     * site 0 | count 1; group: slot 5, 5 entries, prev -1; REFCOUNT -1→0, META_WRITE (wide, type 2), REFCOUNT 0→1,
     * USAGE 0→2, MINT 0→1.
     */
    static final String GOLDEN_CLAIM = "02010200" + "21061461"
            + "2900000000000000" + "0300000000010000" + "15cd256fa7fc7a18" + "07000000" + "00000000" + "01000000"
            + "05000000" + "0500" + "0000" + "ffffffffffffffff"
            + "02000000" + "ffffffff" + "00000000"
            + "84000200" + "8877665544332211" + "feffffffffffffff"
            + "02000000" + "00000000" + "01000000"
            + "03000000" + "00000000" + "02000000"
            + "06000000" + "00000000" + "01000000";

    @Test
    void a_call_reads_back_event_by_event_with_the_group_end_as_op_end() {
        byte[] b = claimRecord();
        RecordDecoder d = new RecordDecoder().wrap(b, b.length, 0x5000_0000_0007L);
        assertThat(d.check()).isNull();
        assertThat(d.seq()).isEqualTo(41);
        assertThat(d.thread()).isEqualTo(7);
        assertThat(d.count()).isEqualTo(1);
        List<String> events = new ArrayList<>();
        JournalEvent e = new JournalEvent();
        while (d.next(e)) {
            assertThat(e.index).isEqualTo(0x5000_0000_0007L);
            assertThat(e.slot).isEqualTo(5);
            assertThat(e.handle).isEqualTo((1L << 40) | 3);
            assertThat(e.opCode()).isEqualTo(OpCode.FRAME_FROM_UNUSED);
            events.add(e.kind + " " + e.before + "->" + e.after + " t" + e.metaType + (e.groupStart ? " start" : "")
                    + (e.isOpEnd() ? " end" : ""));
        }
        assertThat(events)
                .containsExactly(
                        "REFCOUNT -1->0 t0 start",
                        "META_WRITE 1234605616436508552->-2 t2",
                        "REFCOUNT 0->1 t0",
                        "USAGE 0->2 t0",
                        "MINT 0->1 t0 end");
    }

    @Test
    void a_transfer_names_the_redeeming_handle_and_several_slots_ascend() {
        RecordEncoder enc = new RecordEncoder();
        enc.beginCall(OpCode.SEGMENT_NEXT, 9, 0)
                .fromHandle(8)
                .beginSlot(10, 100)
                .entry(EventKind.REDEEM, 0, (short) 0, 1, 0)
                .entry(EventKind.MINT, 0, (short) 0, 0, 1)
                .beginSlot(11, 101)
                .entry(EventKind.REFCOUNT, 0, (short) 0, 1L << 40, (1L << 40) + 1);
        byte[] b = toArray(enc.seal(0, 1, 2));
        RecordDecoder d = new RecordDecoder().wrap(b, b.length, 1);
        assertThat(d.check()).isNull();
        JournalEvent e = new JournalEvent();
        List<String> events = new ArrayList<>();
        while (d.next(e)) {
            events.add(e.slot + " " + e.kind + " h" + e.handle + " prev" + e.prevIndex + " " + e.before + "->" + e.after
                    + (e.isOpEnd() ? " end" : ""));
        }
        assertThat(events)
                .containsExactly(
                        "10 REDEEM h8 prev100 1->0",
                        "10 MINT h9 prev100 0->1 end",
                        "11 REFCOUNT h9 prev101 1099511627776->1099511627777 end");
    }

    @Test
    void a_marker_reads_back_as_one_event() {
        RecordEncoder enc = new RecordEncoder();
        enc.marker(EventKind.REGION_OPEN, OpCode.REGION, 1, JournalEvent.NO_SLOT, 0x8000_0000L, 4096, (short) 2);
        byte[] b = toArray(enc.seal(0, 1, 2));
        assertThat(b).hasSize(RecordFormat.HEADER + RecordFormat.MARKER);
        RecordDecoder d = new RecordDecoder().wrap(b, b.length, 3);
        assertThat(d.check()).isNull();
        JournalEvent e = new JournalEvent();
        assertThat(d.next(e)).isTrue();
        assertThat(e.kind).isEqualTo(EventKind.REGION_OPEN);
        assertThat(e.before).isEqualTo(0x8000_0000L);
        assertThat(e.after).isEqualTo(4096);
        assertThat(e.metaType).isEqualTo((short) 2);
        assertThat(e.slot).isEqualTo(JournalEvent.NO_SLOT);
        assertThat(d.next(e)).isFalse();
    }

    @Test
    void every_single_bit_flip_and_every_cut_is_refused() {
        byte[] good = claimRecord();
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] flipped = good.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String problem =
                    new RecordDecoder().wrap(flipped, flipped.length, 1).check();
            assertThat(problem).as("bit %d flipped", bit).isNotNull().doesNotContain("\n");
        }
        for (int len = 0; len < good.length; len++) {
            assertThat(new RecordDecoder().wrap(good, len, 1).check())
                    .as("cut at %d", len)
                    .isNotNull();
        }
    }

    /**
     * The fast path decodes a record in place in a mapped window (a direct buffer, at an offset, between other bytes):
     * the same checks and events as from an array, and a cut record is refused without reading past its length.
     */
    @Test
    void a_record_in_a_direct_buffer_reads_as_from_an_array() {
        byte[] b = claimRecord();
        ByteBuffer window = ByteBuffer.allocateDirect(b.length + 64);
        for (int i = 0; i < window.capacity(); i++) {
            window.put(i, (byte) 0x84); // wide META_WRITE kind bytes around the record: a walk past it would see them
        }
        window.put(24, b);
        RecordDecoder fromArray = new RecordDecoder().wrap(b, b.length, 7);
        RecordDecoder inPlace = new RecordDecoder().wrap(window, 24, b.length, 7);
        assertThat(inPlace.check()).isNull();
        assertThat(fromArray.check()).isNull();
        assertThat(inPlace.seq()).isEqualTo(fromArray.seq());
        assertThat(inPlace.storedCrc()).isEqualTo(fromArray.storedCrc()).isEqualTo(inPlace.computeCrc());
        JournalEvent a = new JournalEvent();
        JournalEvent d = new JournalEvent();
        int n = 0;
        while (fromArray.next(a)) {
            assertThat(inPlace.next(d)).isTrue();
            assertThat(d.kind).isEqualTo(a.kind);
            assertThat(d.before).isEqualTo(a.before);
            assertThat(d.after).isEqualTo(a.after);
            assertThat(d.metaType).isEqualTo(a.metaType);
            assertThat(d.flags).isEqualTo(a.flags);
            assertThat(d.slot).isEqualTo(a.slot);
            assertThat(d.prevIndex).isEqualTo(a.prevIndex);
            assertThat(d.seq).isEqualTo(a.seq);
            n++;
        }
        assertThat(inPlace.next(d)).isFalse();
        assertThat(n).isEqualTo(5);
        for (int len = 0; len < b.length; len++) {
            assertThat(new RecordDecoder().wrap(window, 24, len, 7).check())
                    .as("cut at %d", len)
                    .isNotNull();
        }
    }
}
