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
            RandomRecords.record(encoder, rnd, slots, plausible ? perEvent : null);
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
                        "BROKEN_CHAIN",
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
    static final class Recording implements LedgerReplay.Listener {
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
