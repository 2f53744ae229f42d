package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayState#apply(JournalEvent)} works on a slot's packed words; {@link Transition#apply} on a
 * {@link SlotState}. Over random events, legal and not, both must give the verdict of {@link Transition#check} and the
 * state of {@link Transition#redo}.
 */
class ReplayStateTest {
    private static final long[] VALUES = {
        RefCount.UNUSED,
        RefCount.UNIQUE,
        -1,
        0,
        1,
        2,
        3,
        127,
        128,
        255,
        256,
        Integer.MAX_VALUE,
        1L << 40,
        Long.MAX_VALUE
    };

    @Test
    void packedWordsAndSlotStatesAgreeOnEveryEvent() {
        int slots = 4;
        ReplayState state = new ReplayState(slots);
        SlotState[] reference = new SlotState[slots];
        for (int i = 0; i < slots; i++) {
            reference[i] = new SlotState();
        }
        SlotState loaded = new SlotState();
        SlotState scratch = new SlotState();
        SplittableRandom rnd = new SplittableRandom(42);
        JournalEvent e = new JournalEvent();
        EventKind[] kinds = EventKind.values();
        for (int n = 0; n < 200_000; n++) {
            e.index = n;
            e.kind = kinds[rnd.nextInt(kinds.length)];
            e.op = rnd.nextInt(4) == 0 ? OpCode.RECOVERY_RECLAIM.code() : rnd.nextInt(8);
            e.flags = rnd.nextInt(4);
            e.slot = rnd.nextInt(50) == 0 ? slots + rnd.nextInt(3) : rnd.nextInt(slots);
            e.metaType = (short) (rnd.nextBoolean() ? rnd.nextInt(3) : rnd.nextInt());
            // often the slot's current value, so that legal steps happen as well as broken ones
            e.before = rnd.nextBoolean() && e.slot < slots ? RandomRecords.field(reference[e.slot], e.kind) : pick(rnd);
            e.after = rnd.nextInt(3) == 0 ? e.before + rnd.nextInt(3) - 1 : pick(rnd);
            Verdict ours = rnd.nextBoolean() ? state.apply(e) : state.apply(e, scratch);
            Verdict expected;
            if (!e.kind.changesSlot()) {
                expected = Verdict.OK;
            } else if (e.slot >= slots) {
                expected = Verdict.BAD_SLOT;
            } else {
                // the reference: check, then redo
                expected = Transition.check(reference[e.slot], e);
                Transition.redo(reference[e.slot], e);
            }
            assertThat(ours).as("event %d: %s", n, e).isEqualTo(expected);
            for (int slot = 0; slot < slots; slot++) {
                state.load(slot, loaded);
                assertThat(loaded.sameAs(reference[slot], true))
                        .as("slot %d after event %d (%s): %s, expected %s", slot, n, e, loaded, reference[slot])
                        .isTrue();
            }
        }
    }

    private static long pick(SplittableRandom rnd) {
        return rnd.nextInt(4) == 0 ? rnd.nextLong() : VALUES[rnd.nextInt(VALUES.length)];
    }

    /**
     * {@link Transition#undo} takes back what {@link Transition#redo} did, for every kind whose {@code before} is the
     * field's previous value, and names one field per kind ({@link Transition#undoneField}); metadata kinds and kinds
     * that change no slot are left alone.
     */
    @Test
    void undoTakesBackWhatRedoDidForEveryKindThatCarriesThePreviousValue() {
        java.util.Map<Integer, java.util.Set<EventKind>> kindsByField = new java.util.HashMap<>();
        for (EventKind kind : EventKind.values()) {
            SlotState before = new SlotState();
            before.refCount = 3;
            before.usage = 2;
            before.obligations = 4;
            before.raw = 1;
            before.inList = 7;
            before.metaType = 2;
            before.meta0 = 11;
            before.meta1 = 12;
            JournalEvent e = new JournalEvent().set(kind, OpCode.FRAME_CLONE, 0, 0, 0, 1);
            e.before = switch (kind) {
                case REFCOUNT -> 3;
                case USAGE -> 2;
                case MINT, REDEEM -> 4;
                case RAW_FORGET, RAW_RESTORE -> 1;
                case LIST -> 7;
                default -> 5;
            };
            e.after = e.before + 1;
            e.index = 9;
            SlotState s = new SlotState();
            s.copyFrom(before);
            Transition.redo(s, e);
            Transition.undo(s, e);
            int field = Transition.undoneField(kind);
            if (field >= 0) {
                assertThat(field).isLessThan(Transition.FIELDS);
                kindsByField
                        .computeIfAbsent(field, f -> new java.util.HashSet<>())
                        .add(kind);
                assertThat(s.sameAs(before, false))
                        .as("%s redone and undone: %s", kind, s.diff(before))
                        .isTrue();
            } else {
                SlotState redone = new SlotState();
                redone.copyFrom(before);
                Transition.redo(redone, e);
                assertThat(s.sameAs(redone, true)).as("%s is not undone", kind).isTrue();
            }
        }
        assertThat(kindsByField.values())
                .containsExactlyInAnyOrder(
                        java.util.Set.of(EventKind.REFCOUNT),
                        java.util.Set.of(EventKind.USAGE),
                        java.util.Set.of(EventKind.MINT, EventKind.REDEEM),
                        java.util.Set.of(EventKind.RAW_FORGET, EventKind.RAW_RESTORE),
                        java.util.Set.of(EventKind.LIST));
    }
}
