package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.SlotState;
import java.util.ArrayList;
import java.util.List;

/**
 * Every slot's state and the journal's last index at one moment, to prove that a failed call changed nothing:
 * "unchanged" is {@link SlotState#sameAs} with {@code lastIndex} for every slot, and the same last journal index.
 */
final class RegionSnapshot {
    private final SlotState[] slots;
    private final long lastJournalIndex;

    private RegionSnapshot(SlotState[] slots, long lastJournalIndex) {
        this.slots = slots;
        this.lastJournalIndex = lastJournalIndex;
    }

    static RegionSnapshot of(MetaRegion region) {
        int nr = region.config().nrSlots();
        SlotState[] slots = new SlotState[nr];
        for (int slot = 0; slot < nr; slot++) {
            slots[slot] = region.slotStateAt(slot, new SlotState());
        }
        return new RegionSnapshot(slots, region.lastJournalIndex());
    }

    /** Every slot as it was, lastIndex included, and nothing journaled since. */
    void assertUnchanged(MetaRegion region) {
        assertSlotsUnchanged(region, true);
        assertThat(region.lastJournalIndex()).as("last journal index").isEqualTo(lastJournalIndex);
    }

    /**
     * Every slot's owner state as it was ({@code lastIndex} compared when {@code withIndex}); the journal may have
     * grown (a rolled-back compound operation journals its attempt).
     */
    void assertSlotsUnchanged(MetaRegion region, boolean withIndex) {
        List<String> changed = new ArrayList<>();
        SlotState now = new SlotState();
        for (int slot = 0; slot < slots.length; slot++) {
            region.slotStateAt(slot, now);
            if (!slots[slot].sameAs(now, withIndex)) {
                changed.add("slot " + slot + ": before vs after: " + slots[slot].diff(now));
            }
        }
        assertThat(changed)
                .as("slots changed by a call that should change nothing")
                .isEmpty();
    }

    SlotState slot(int slot) {
        return slots[slot];
    }

    long lastJournalIndex() {
        return lastJournalIndex;
    }
}
