package io.framejournal.allocator;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.OpCode;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link MetaRegion#recover} found and did.
 *
 * @param dir                the region
 * @param alreadyClean       the region was clean and nothing needed doing: nothing was changed
 * @param fromIndex          where the journal scan started (the last checkpoint)
 * @param eventsScanned      journal events read from the checkpoint on
 * @param eventsRedone       events past their slot's lastIndex, redone into the slot table
 * @param slotsRepaired      slots the redo changed
 * @param locksCleared       slot locks the dead writer held
 * @param tornCompounds      compound operations that began and never ended
 * @param tornSlots          slots whose last operation stopped part way (no op-end event)
 * @param framesReclaimed    with reclaim: frames released
 * @param obligationsRedeemed with reclaim: outstanding obligations redeemed
 * @param rawRestored        with reclaim: raw references released
 * @param journalProblem     why the journal scan stopped early, or {@code null}
 * @param lastIndex          the journal's last index after recovery
 */
public record RecoveryReport(Path dir, boolean alreadyClean, long fromIndex, long eventsScanned, long eventsRedone,
        int slotsRepaired, int locksCleared, List<TornCompound> tornCompounds, List<Integer> tornSlots,
        long framesReclaimed, long obligationsRedeemed, long rawRestored, String journalProblem, long lastIndex) {

    /**
     * A compound operation that began and never ended.
     *
     * @param op         the operation
     * @param startSlot  its first slot
     * @param pages      pages it covered
     * @param handle     the handle behind it
     * @param beginIndex journal index of its BEGIN
     */
    public record TornCompound(OpCode op, int startSlot, long pages, long handle, long beginIndex) {
        @Override
        public String toString() {
            return op + " of " + pages + " page(s) from slot " + startSlot + " (handle " + handle + ", began at "
                    + JournalIndex.format(beginIndex) + ")";
        }
    }
}
