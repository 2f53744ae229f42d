package io.framejournal.replay.analysis;

import io.framejournal.journal.CallSite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link Auditor} found. Lists hold at most the auditor's detail limit each; the counts are exact.
 *
 * @param dir              the region
 * @param nrSlots          frames in the region
 * @param maxPaddr         end of its physical memory
 * @param clean            whether the region was closed cleanly (or recovered)
 * @param archive          whether {@code dir} is an archive of retired journal files (no status, no slot table)
 * @param at               the journal index the audit stopped at ({@code --at}), or -1 for the end
 * @param events           events replayed
 * @param firstIndex       first event replayed
 * @param lastIndex        last event replayed
 * @param stopReason       why reading the journal stopped early, or {@code null}
 * @param leaks            outstanding obligations, grouped by the handle and op that minted them
 * @param obligations      outstanding obligations in all
 * @param rawLeaks         raw references never restored, per slot and forgetting handle
 * @param rawReferences    raw references outstanding in all
 * @param ledger           slots at the end whose refCount is not handles + raw references
 * @param leakedHandles    handles the leak detector saw dropped without close
 * @param invariants       per-slot invariant breaks at quiet points
 * @param transitions      illegal transitions, double frees, underflows, overflows, continuity breaks
 * @param tornCompounds    compound operations that began and never ended (format 1 only: format 2 journals every
 *                         public call as one record, so nothing can be torn)
 * @param tornSlots        slots whose last operation stopped part way (format 1 only)
 * @param divergence       slot table against journal
 * @param warnings         what limited the audit
 * @param leakGroupCount   handle groups owing obligations, in all ({@code leaks} holds the first ones)
 * @param rawLeakCount     raw-leak entries, in all ({@code rawLeaks} holds the first ones)
 * @param leakedHandleCount LEAKED_HANDLE events, in all ({@code leakedHandles} holds the first ones)
 * @param checkpointIndex  the checkpoint the replay started from, or {@link io.framejournal.journal.JournalIndex#NONE}
 *                         for the journal's start (then findings before it are counted, not listed)
 * @param checkpointFindings checkpoints passed on the way that are unusable or disagree with the replay, one line each
 * @param writer           for a region not closed cleanly: whether its writer is live or died ({@code "live (pid
 *                         N)"}, {@code "died (pid N is gone)"}), or {@code null} when clean or not on record
 * @param filter           what the lists and their counts were filtered by ({@link EventFilter#describe()}), empty
 *                         for nothing: then every count and {@link #findings()} cover the matching entries only
 * @param bySite           leaks, raw references and leaked handles grouped by call site, the largest first (site 0:
 *                         none recorded, for handles that were not sampled)
 * @param siteGroupCount   call-site groups in all ({@code bySite} holds the first ones)
 * @param sites            the call sites the report names, by id (read from the region's site table)
 */
public record AuditReport(
        Path dir,
        int nrSlots,
        long maxPaddr,
        int formatVersion,
        boolean clean,
        boolean archive,
        long at,
        long events,
        long records,
        long firstIndex,
        long lastIndex,
        String stopReason,
        List<LeakGroup> leaks,
        long obligations,
        List<RawLeak> rawLeaks,
        long rawReferences,
        Findings ledger,
        List<LeakedHandle> leakedHandles,
        Findings invariants,
        Findings transitions,
        List<TornCompound> tornCompounds,
        Findings tornSlots,
        Divergence divergence,
        List<String> warnings,
        long leakGroupCount,
        long rawLeakCount,
        long leakedHandleCount,
        long checkpointIndex,
        List<String> checkpointFindings,
        String writer,
        String filter,
        List<SiteGroup> bySite,
        long siteGroupCount,
        Map<Integer, CallSite> sites) {

    /** The call site with this id, or {@code null} (0, or a site the region's site table lacks). */
    public CallSite site(int id) {
        return id == 0 ? null : sites.get(id);
    }

    /** Number of findings: one per leak group, raw leak, leaked handle, torn compound, and each counted finding. */
    public long findings() {
        return leakGroupCount
                + rawLeakCount
                + leakedHandleCount
                + tornCompounds.size()
                + ledger.count()
                + invariants.count()
                + transitions.count()
                + tornSlots.count()
                + divergence.findings().count()
                + checkpointFindings.size();
    }

    /** Whether the audit could not read everything it needed (journal stopped early, slot table unreadable). */
    public boolean incomplete() {
        return stopReason != null || !warnings.isEmpty();
    }

    /**
     * A category of slot findings.
     *
     * @param count all found
     * @param shown the first ones, up to the detail limit
     */
    public record Findings(long count, List<SlotFinding> shown) {}

    /**
     * Obligations outstanding that one handle minted with one op.
     *
     * @param handle     the minting handle
     * @param op         the minting op code
     * @param firstIndex journal index of its earliest outstanding mint
     * @param slots      the slots it still owes, ascending
     * @param indices    journal index of each slot's mint
     * @param total      obligations in all (a slot may owe more than one)
     * @param site       call site of the minting record, 0 for none
     */
    public record LeakGroup(
            long handle, int op, long firstIndex, List<Integer> slots, List<Long> indices, long total, int site) {}

    /**
     * What is outstanding from one call site.
     *
     * @param site          the call-site id, 0 for records that name none
     * @param obligations   obligations outstanding that records from this site minted
     * @param handles       handle groups among them
     * @param rawReferences raw references forgotten by into_raw calls from this site and never restored
     * @param leakedHandles handles made here that the leak detector saw dropped without close
     * @param firstIndex    the earliest journal index among them
     */
    public record SiteGroup(
            int site, long obligations, long handles, long rawReferences, long leakedHandles, long firstIndex) {}

    /**
     * Raw references on a slot, attributed to the handle whose into_raw forgot them.
     *
     * @param slot   the slot
     * @param handle the forgetting handle
     * @param op     the forgetting op
     * @param index  journal index of the forget
     * @param count  references outstanding
     * @param site   call site of the into_raw, 0 for none
     */
    public record RawLeak(int slot, long handle, int op, long index, long count, int site) {}

    /**
     * A LEAKED_HANDLE event.
     *
     * @param index  its journal index
     * @param slot   the handle's first slot
     * @param pages  pages it covered
     * @param mintOp the op that minted it
     * @param handle the handle
     * @param site   the handle's creation site (like Netty's "Created at:"), 0 for none
     */
    public record LeakedHandle(long index, int slot, long pages, int mintOp, long handle, int site) {}

    /**
     * A compound operation with a BEGIN and no END.
     *
     * @param compound   its id
     * @param op         the op
     * @param startSlot  its first slot
     * @param pages      pages it covered
     * @param handle     the handle behind it
     * @param beginIndex journal index of the BEGIN
     */
    public record TornCompound(long compound, int op, int startSlot, long pages, long handle, long beginIndex) {}

    /**
     * The slot table compared with the replayed journal.
     *
     * @param mode     {@code full}, {@code ahead-only} or {@code skipped}
     * @param reason   why not full, or {@code null}
     * @param findings slots that disagree
     */
    public record Divergence(String mode, String reason, Findings findings) {}
}
