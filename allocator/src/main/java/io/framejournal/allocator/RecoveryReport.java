package io.framejournal.allocator;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link MetaRegion#recover} found and did. Every call is one journal record (format 2), so a crash leaves each
 * call wholly in the journal (redone here) or wholly absent: there is nothing torn to report.
 *
 * @param dir                the region
 * @param alreadyClean       the region was clean and nothing needed doing: nothing was changed
 * @param fromIndex          where the journal scan started (the last checkpoint)
 * @param recordsScanned     journal records (calls and markers) read from the checkpoint on
 * @param eventsScanned      slot events and markers in them
 * @param recordsRedone      records with at least one slot past its lastIndex, redone into the slot table
 * @param eventsRedone       slot events redone
 * @param slotsRepaired      slots the redo changed
 * @param locksCleared       slot locks the dead writer held
 * @param framesReclaimed    with reclaim: frames released
 * @param obligationsRedeemed with reclaim: outstanding obligations redeemed
 * @param rawRestored        with reclaim: raw references released
 * @param journalProblem     why the journal scan stopped early, or {@code null}
 * @param lastIndex          the journal's last index after recovery
 */
public record RecoveryReport(Path dir, boolean alreadyClean, long fromIndex, long recordsScanned, long eventsScanned,
        long recordsRedone, long eventsRedone, int slotsRepaired, int locksCleared, long framesReclaimed,
        long obligationsRedeemed, long rawRestored, String journalProblem, long lastIndex) {
}
