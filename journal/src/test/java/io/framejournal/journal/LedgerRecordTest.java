package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LedgerReplay#applyRecord} judges and applies a whole format-2 record in place; {@link LedgerReplay#apply}
 * takes the same record's events one by one. Over random records both must leave the same slots, the same ledgers of
 * obligations and raw references, the same last op and handle per slot, the same counters, and tell their listeners
 * the same findings about the same events, in the same order.
 *
 * <p>The records are mostly plausible (each entry continues from the slot's replayed state, handles drawn from a few, so
 * that mints are redeemed and the ledgers fill and drain) and partly random (findings of every kind, slots outside the
 * region, markers, recovery's reclaim).
 */
class LedgerRecordTest {
    private static final OpCode[] OPS = OpCode.values();

    @Test
    void wholeRecordsAndTheirEventsGiveTheSameLedgerAndFindings() {
        int slots = 5000; // two pages of 4,096 slots
        List<String> wholeSaid = new ArrayList<>();
        List<String> perEventSaid = new ArrayList<>();
        LedgerReplay whole = new LedgerReplay(slots).listener(new Recording(wholeSaid));
        LedgerReplay perEvent = new LedgerReplay(slots).listener(new Recording(perEventSaid));
        RecordEncoder encoder = new RecordEncoder();
        RecordDecoder decoder = new RecordDecoder();
        JournalEvent e = new JournalEvent();
        JournalEvent scratch = new JournalEvent();
        SplittableRandom rnd = new SplittableRandom(11);
        long said = 0;
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (int index = 0; index < 30_000; index++) {
            boolean plausible = rnd.nextInt(10) != 0;
            randomRecord(encoder, rnd, slots, plausible ? perEvent : null);
            ByteBuffer sealed = encoder.seal(index, 3, 1000L + index);
            int len = sealed.remaining();
            int crc = encoder.sealedCrc();

            decoder.wrap(sealed, 0, len, index);
            assertThat(decoder.check()).as("record %d", index).isNull();
            whole.applyRecord(decoder, crc, scratch);

            decoder.wrap(sealed, 0, len, index);
            assertThat(decoder.check()).isNull();
            while (decoder.next(e)) {
                perEvent.apply(e, crc);
            }
            if (!wholeSaid.equals(perEventSaid)) { // a list compared per record, then emptied: AssertJ only on failure
                assertThat(wholeSaid).as("findings of record %d", index).isEqualTo(perEventSaid);
            }
            said += perEventSaid.size();
            for (String f : perEventSaid) {
                kinds.add(f.startsWith("transition") ? f.split(" ")[1] : f.split(" ")[0]);
            }
            wholeSaid.clear();
            perEventSaid.clear();
            if (index % 1009 == 0 || index < 20) {
                assertSame(whole, perEvent, slots, index);
            }
        }
        assertSame(whole, perEvent, slots, -1);
        // the records did what they are for: the ledgers filled, and every kind of finding came up
        assertThat(perEvent.counter(LedgerReplay.Counter.EVENTS)).isGreaterThan(60_000);
        assertThat(perEvent.obligations().live()).isPositive();
        assertThat(said).isGreaterThan(1000);
        assertThat(kinds)
                .contains(
                        "UNATTRIBUTED_REDEEM",
                        "BAD_SLOT",
                        "CONTINUITY",
                        "ILLEGAL_TRANSITION",
                        "META_MISMATCH",
                        "DOUBLE_FREE",
                        "invariant",
                        "marker");
        long okEvents = perEvent.counter(LedgerReplay.Counter.EVENTS)
                - perEvent.counter(LedgerReplay.Counter.TRANSITION_FINDINGS);
        assertThat(okEvents).isGreaterThan(perEvent.counter(LedgerReplay.Counter.EVENTS) / 2);
    }

    @Test
    void aHugeRedeemOfNothingIsOneFindingAndEndsAtOnce() {
        List<String> said = new ArrayList<>();
        LedgerReplay replay = new LedgerReplay(8).listener(new Recording(said));
        RecordEncoder encoder = new RecordEncoder();
        encoder.beginCall(OpCode.values()[0], 9, 0);
        encoder.beginSlot(3, JournalIndex.NONE);
        encoder.entry(EventKind.REDEEM, 0, (short) 0, Long.MAX_VALUE, 0);
        ByteBuffer sealed = encoder.seal(0, 1, 1);
        int len = sealed.remaining(); // the decoder's check moves the buffer's position and limit
        RecordDecoder decoder = new RecordDecoder().wrap(sealed, 0, len, 0);
        assertThat(decoder.check()).isNull();
        replay.applyRecord(decoder, encoder.sealedCrc(), new JournalEvent());
        decoder.wrap(sealed, 0, len, 0);
        assertThat(decoder.check()).isNull();
        JournalEvent e = new JournalEvent();
        LedgerReplay perEvent = new LedgerReplay(8);
        while (decoder.next(e)) {
            perEvent.apply(e, 0);
        }
        assertThat(said)
                .filteredOn(f -> f.contains("UNATTRIBUTED_REDEEM"))
                .singleElement()
                .asString()
                .contains("redeemed " + Long.MAX_VALUE + " obligations its handle never minted");
        assertThat(perEvent.counter(LedgerReplay.Counter.TRANSITION_FINDINGS))
                .isEqualTo(replay.counter(LedgerReplay.Counter.TRANSITION_FINDINGS));
    }

    /** Builds one record; {@code model} given, its entries continue from the model's replayed slots. */
    private static void randomRecord(RecordEncoder encoder, SplittableRandom rnd, int slots, LedgerReplay model) {
        if (rnd.nextInt(25) == 0) {
            encoder.marker(
                    RandomRecords.MARKERS[rnd.nextInt(RandomRecords.MARKERS.length)],
                    OPS[rnd.nextInt(OPS.length)],
                    rnd.nextLong(1, 6),
                    rnd.nextInt(slots),
                    rnd.nextLong(3),
                    rnd.nextLong(3),
                    (short) 0);
            return;
        }
        OpCode op = rnd.nextInt(40) == 0 ? OpCode.RECOVERY_RECLAIM : OPS[rnd.nextInt(OPS.length)];
        encoder.beginCall(op, rnd.nextInt(30) == 0 ? 0 : rnd.nextLong(1, 6), rnd.nextInt(4));
        if (rnd.nextInt(4) == 0) {
            encoder.fromHandle(rnd.nextLong(0, 6));
        }
        int groups = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 20 : 3);
        // ascending slots in a small range (so that slots come back), a few past the region's end
        int slot = rnd.nextInt(model == null ? slots : 200);
        SlotState s = new SlotState();
        for (int g = 0; g < groups; g++) {
            slot += 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 3000 : 10);
            encoder.beginSlot(slot, rnd.nextInt(3) == 0 ? JournalIndex.NONE : rnd.nextLong(1 << 20));
            if (model != null && slot < slots) {
                model.state().load(slot, s);
            }
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                EventKind kind = RandomRecords.SLOT_KINDS[rnd.nextInt(RandomRecords.SLOT_KINDS.length)];
                int flags = rnd.nextInt(4) == 0 ? RecordFormat.ENTRY_UPDATE : 0;
                short metaType =
                        kind == EventKind.META_WRITE || kind == EventKind.META_DROP ? (short) rnd.nextInt(1, 4) : 0;
                long before;
                long after;
                if (model != null && slot < slots) {
                    before = RandomRecords.field(s, kind);
                    after = next(kind, before, rnd);
                    s.refCount = kind == EventKind.REFCOUNT ? after : s.refCount;
                    s.obligations = kind == EventKind.MINT || kind == EventKind.REDEEM ? after : s.obligations;
                    s.raw = kind == EventKind.RAW_FORGET || kind == EventKind.RAW_RESTORE ? after : s.raw;
                    s.usage = kind == EventKind.USAGE ? (byte) after : s.usage;
                    s.inList = kind == EventKind.LIST ? (int) after : s.inList;
                    s.metaType = kind == EventKind.META_WRITE ? metaType : kind == EventKind.META_DROP ? 0 : s.metaType;
                    if (kind == EventKind.META_DROP && rnd.nextInt(3) != 0) {
                        metaType = s.metaType == 0 ? metaType : s.metaType;
                    }
                } else {
                    before = RandomRecords.value(rnd);
                    after = RandomRecords.value(rnd);
                }
                if (kind == EventKind.META_WRITE || kind == EventKind.META_DROP) {
                    before = rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(100);
                    after = rnd.nextInt(100);
                }
                encoder.entry(kind, flags, metaType, before, after);
            }
        }
    }

    /** A usually legal next value for a kind's field (sometimes an illegal one). */
    private static long next(EventKind kind, long before, SplittableRandom rnd) {
        if (rnd.nextInt(15) == 0) {
            return RandomRecords.value(rnd);
        }
        switch (kind) {
            case REFCOUNT:
                return before == RefCount.UNUSED ? (rnd.nextBoolean() ? RefCount.UNIQUE : 1) : before + 1;
            case USAGE:
                return rnd.nextInt(3);
            case MINT:
            case RAW_FORGET:
                return before + 1;
            case REDEEM:
            case RAW_RESTORE:
                return Math.max(0, before - 1 - rnd.nextInt(2));
            case LIST:
                return before == 0 ? rnd.nextInt(1, 50) : 0;
            default:
                return 0;
        }
    }

    private static void assertSame(LedgerReplay whole, LedgerReplay perEvent, int slots, int index) {
        for (int id = 0; id < LedgerReplay.Counter.SIZE; id++) {
            assertThat(whole.counter(id))
                    .as("counter %d after record %d", id, index)
                    .isEqualTo(perEvent.counter(id));
        }
        assertThat(whole.lastRecord()).isEqualTo(perEvent.lastRecord());
        assertThat(whole.lastSeq()).isEqualTo(perEvent.lastSeq());
        assertThat(whole.lastCrc()).isEqualTo(perEvent.lastCrc());
        assertThat(whole.quiet()).isEqualTo(perEvent.quiet());
        assertThat(whole.obligations().live()).isEqualTo(perEvent.obligations().live());
        assertThat(whole.raw().live()).isEqualTo(perEvent.raw().live());
        SlotState a = new SlotState();
        SlotState b = new SlotState();
        for (int slot = 0; slot < slots; slot++) {
            whole.state().load(slot, a);
            perEvent.state().load(slot, b);
            String w = a + " op=" + whole.lastOp(slot) + " handle=" + whole.lastHandle(slot) + " mid="
                    + whole.midOp(slot) + " obligations=" + entries(whole.obligations(), slot) + " raw="
                    + entries(whole.raw(), slot);
            String p = b + " op=" + perEvent.lastOp(slot) + " handle=" + perEvent.lastHandle(slot) + " mid="
                    + perEvent.midOp(slot) + " obligations=" + entries(perEvent.obligations(), slot) + " raw="
                    + entries(perEvent.raw(), slot);
            if (!a.sameAs(b, true) || !w.equals(p)) {
                assertThat(w).as("slot %d after record %d", slot, index).isEqualTo(p);
                assertThat(a.sameAs(b, true))
                        .as("slot %d after record %d", slot, index)
                        .isTrue();
            }
        }
    }

    private static List<String> entries(SlotLedger ledger, int slot) {
        List<String> out = new ArrayList<>();
        ledger.forEachWithSite(
                slot, (s, h, op, index, count, site) -> out.add(h + "/" + op + "/" + index + "/" + count + "/" + site));
        return out;
    }

    /** Writes down every finding with every field of its event. */
    private static final class Recording implements LedgerReplay.Listener {
        private final List<String> said;

        Recording(List<String> said) {
            this.said = said;
        }

        private static String all(JournalEvent e) {
            return e + " v" + e.version + " seq=" + e.seq + " site=" + e.site + " prev=" + e.prevIndex + " first="
                    + e.groupStart + " flags=" + e.flags + " thread=" + e.thread + " meta=" + e.metaType + " time="
                    + e.timestamp;
        }

        @Override
        public void transition(JournalEvent e, String kind, String detail) {
            said.add("transition " + kind + " " + detail + " " + all(e));
        }

        @Override
        public void invariant(JournalEvent e, int bad, SlotState slot) {
            said.add("invariant " + bad + " " + slot + " " + all(e));
        }

        @Override
        public void marker(JournalEvent e) {
            said.add("marker " + all(e));
        }
    }
}
