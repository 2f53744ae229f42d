package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayState#applyRecord} applies a whole format-2 record in place through {@link Transition#redoEntry};
 * {@link ReplayState#apply(JournalEvent)} applies the same record's events one by one. Over random records (every
 * slot-changing kind, narrow and wide entries, several entries per slot, slots outside the region, markers) both must
 * leave every slot in the same state.
 */
class ReplayRecordTest {

    @Test
    void wholeRecordsAndTheirEventsLeaveTheSameState() {
        int slots = 5000; // two pages of 4,096 slots
        ReplayState whole = new ReplayState(slots);
        ReplayState perEvent = new ReplayState(slots);
        RecordEncoder encoder = new RecordEncoder();
        RecordDecoder decoder = new RecordDecoder();
        JournalEvent e = new JournalEvent();
        SplittableRandom rnd = new SplittableRandom(7);
        long events = 0;
        for (int index = 0; index < 20_000; index++) {
            int nrEvents = randomRecord(encoder, rnd, slots);
            ByteBuffer sealed = encoder.seal(index, 1, index);
            int len = sealed.remaining();

            decoder.wrap(sealed, 0, len, index);
            assertThat(decoder.check()).as("record %d", index).isNull();
            assertThat(decoder.events()).isEqualTo(nrEvents);
            whole.applyRecord(decoder);

            decoder.wrap(sealed, 0, len, index);
            assertThat(decoder.check()).isNull();
            int handedOut = 0;
            while (decoder.next(e)) {
                perEvent.apply(e);
                handedOut++;
            }
            assertThat(handedOut).isEqualTo(nrEvents);
            events += nrEvents;
            if (index % 97 == 0 || index < 50) {
                assertSameState(whole, perEvent, slots, index);
            }
        }
        assertSameState(whole, perEvent, slots, -1);
        assertThat(events).isGreaterThan(50_000);
    }

    /** Builds one random record in {@code encoder}. @return its events */
    private static int randomRecord(RecordEncoder encoder, SplittableRandom rnd, int slots) {
        if (rnd.nextInt(20) == 0) {
            EventKind kind = RandomRecords.MARKERS[rnd.nextInt(RandomRecords.MARKERS.length)];
            encoder.marker(
                    kind,
                    OpCode.values()[rnd.nextInt(OpCode.values().length)],
                    rnd.nextLong(),
                    rnd.nextInt(slots),
                    rnd.nextLong(),
                    rnd.nextLong(),
                    (short) 0);
            return 1;
        }
        encoder.beginCall(OpCode.values()[rnd.nextInt(OpCode.values().length)], rnd.nextLong(1, 1000), 0);
        if (rnd.nextInt(4) == 0) {
            encoder.fromHandle(rnd.nextLong(1, 1000));
        }
        int groups = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 40 : 4);
        // ascending slots, a few of them past the region's end
        int slot = rnd.nextInt(slots / 2);
        int events = 0;
        for (int g = 0; g < groups; g++) {
            slot += 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 1500 : 20);
            encoder.beginSlot(slot, rnd.nextInt(3) == 0 ? JournalIndex.NONE : rnd.nextLong(1 << 20));
            int n = 1 + rnd.nextInt(7);
            for (int i = 0; i < n; i++) {
                EventKind kind = RandomRecords.SLOT_KINDS[rnd.nextInt(RandomRecords.SLOT_KINDS.length)];
                short metaType =
                        kind == EventKind.META_WRITE || kind == EventKind.META_DROP ? (short) rnd.nextInt() : 0;
                encoder.entry(
                        kind,
                        rnd.nextInt(4) == 0 ? RecordFormat.ENTRY_UPDATE : 0,
                        metaType,
                        RandomRecords.value(rnd),
                        RandomRecords.value(rnd));
                events++;
            }
        }
        return events;
    }

    private static void assertSameState(ReplayState whole, ReplayState perEvent, int slots, int index) {
        SlotState a = new SlotState();
        SlotState b = new SlotState();
        for (int slot = 0; slot < slots; slot++) {
            whole.load(slot, a);
            perEvent.load(slot, b);
            assertThat(a.sameAs(b, true))
                    .as("slot %d after record %d: whole %s, per event %s", slot, index, a, b)
                    .isTrue();
        }
    }
}
