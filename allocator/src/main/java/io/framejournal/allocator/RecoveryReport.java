package io.framejournal.allocator;

import io.framejournal.journal.JournalIndex;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link MetaRegion#recover} found and did. Recovery replays the journal from its start, from the newest usable
 * checkpoint or (when the writer recorded one) from the redo point, checks the slot table against that replay and says
 * which of three things happened: the table was only behind the journal (a writer died
 * between appending and storing: redone, {@link #CONSISTENT}); the table was ahead of the journal or disagreed with
 * it (its tail lost or the table damaged: every such slot set to the journal's state, {@link #REPAIRED}); or the
 * journal itself was damaged and {@code --salvage} cut it at the last record that checks ({@link #SALVAGED}).
 *
 * <p>What it read is what it vouches for: the records from {@link #fromIndex} to the journal's end, each checked
 * (CRC-32C, sequence number). A recovery that started at a checkpoint or at the redo point never read the records
 * before it ({@link #journalReadWhole} is false): a record damaged there is not seen, and the verdict says nothing
 * about it. {@code verifyAll} ({@code recover --verify-all}) reads and checks those too, and names damage there in
 * {@link #damageBeforeStart}; so does an audit ({@code framejournal audit}), which reads the journal from its start.
 *
 * @param dir                the region
 * @param alreadyClean       the region was clean and nothing needed doing: nothing was read or changed
 * @param verdict            {@link #CONSISTENT}, {@link #REPAIRED} or {@link #SALVAGED} (or {@link #CONSISTENT} when
 *                           already clean)
 * @param fromIndex          the first index replayed: the journal's first, or the first after the checkpoint or redo
 *                           point used; the records before it were not read unless {@code journalReadWhole}
 * @param recordsScanned     journal records (calls and markers) read
 * @param eventsScanned      slot events and markers in them
 * @param slotsRedone        slots behind the journal, brought forward (redo)
 * @param slotsAhead         slots whose {@code lastIndex} was past anything the journal holds (its tail was lost)
 * @param slotsDisagreed     slots at the journal's index whose fields disagreed with it (the table was damaged)
 * @param repairs            the first few repaired slots, one line each ({@code slot N: ahead, table≠journal: …})
 * @param locksCleared       slot locks the dead writer held
 * @param framesReclaimed    with reclaim: frames released
 * @param obligationsRedeemed with reclaim: outstanding obligations redeemed
 * @param rawRestored        with reclaim: raw references released
 * @param journalProblem     why the journal could not be read to its end (then the journal was salvaged), or
 *                           {@code null}
 * @param salvage            what {@code --salvage} kept and dropped, or {@code null}
 * @param lastIndex          the journal's last index after recovery
 * @param checkpointIndex    the checkpoint the replay started from, or {@link JournalIndex#NONE} for the journal's start
 * @param warnings           checkpoints (or a redo point) that could not be used, one line each
 * @param redoPoint          the redo point the replay started from (the table trusted up to it, only slots the
 *                           journal after it touches replayed and compared), or {@code null}
 * @param journalReadWhole   every record the journal holds was read and checked (CRC-32C, sequence number) by this
 *                           recovery: it replayed from the journal's start, or {@code verifyAll} read the records before
 *                           the checkpoint it replayed from and found them whole. False when the records before the
 *                           checkpoint or redo point it started at were not read, or did not read
 * @param damageBeforeStart  with {@code verifyAll}: why the journal before the checkpoint the replay started from does
 *                           not read (a record that fails its check), or {@code null}. Recovery does not need those
 *                           records (the checkpoint holds their state) and changes nothing in them, but every command
 *                           that reads the journal from its start stops there
 */
public record RecoveryReport(
        Path dir,
        boolean alreadyClean,
        String verdict,
        long fromIndex,
        long recordsScanned,
        long eventsScanned,
        int slotsRedone,
        int slotsAhead,
        int slotsDisagreed,
        List<String> repairs,
        int locksCleared,
        long framesReclaimed,
        long obligationsRedeemed,
        long rawRestored,
        String journalProblem,
        Salvage salvage,
        long lastIndex,
        long checkpointIndex,
        List<String> warnings,
        io.framejournal.journal.RedoPoint redoPoint,
        boolean journalReadWhole,
        String damageBeforeStart) {
    public static final String CONSISTENT = "consistent";
    public static final String REPAIRED = "repaired";
    public static final String SALVAGED = "salvaged";

    /** The report's components, journal indices in hex ({@code 0x…}) as everywhere else (a record's default is decimal). */
    @Override
    public String toString() {
        return "RecoveryReport[dir=" + dir + ", alreadyClean=" + alreadyClean + ", verdict=" + verdict + ", fromIndex="
                + io.framejournal.journal.JournalIndex.format(fromIndex) + ", recordsScanned=" + recordsScanned
                + ", eventsScanned=" + eventsScanned + ", slotsRedone=" + slotsRedone + ", slotsAhead=" + slotsAhead
                + ", slotsDisagreed=" + slotsDisagreed + ", repairs=" + repairs + ", locksCleared=" + locksCleared
                + ", framesReclaimed=" + framesReclaimed + ", obligationsRedeemed=" + obligationsRedeemed
                + ", rawRestored=" + rawRestored + ", journalProblem=" + journalProblem + ", salvage=" + salvage
                + ", lastIndex=" + io.framejournal.journal.JournalIndex.format(lastIndex) + ", checkpointIndex="
                + io.framejournal.journal.JournalIndex.format(checkpointIndex) + ", warnings=" + warnings
                + ", redoPoint=" + redoPoint + ", journalReadWhole=" + journalReadWhole + ", damageBeforeStart="
                + damageBeforeStart + "]";
    }

    /** Slots whose table state was replaced by the journal's. */
    public int slotsRepaired() {
        return slotsRedone + slotsAhead + slotsDisagreed;
    }

    /**
     * Whether recovery found damage (slots ahead or disagreeing, a salvaged journal, or with {@code verifyAll} a journal
     * damaged before the checkpoint it replayed from), not only a dead writer.
     */
    public boolean foundDamage() {
        return !verdict.equals(CONSISTENT) || damageBeforeStart != null;
    }

    /**
     * What {@code recover --salvage} did to a damaged journal.
     *
     * @param recordsKept     records before the first one that fails its check, copied with their indices
     * @param lastKeptIndex   the last record kept
     * @param reason          why the next record could not be kept
     * @param damagedJournal  where the damaged journal was moved, whole (nothing is deleted)
     * @param reportFile      the salvage report written in the region directory
     */
    public record Salvage(long recordsKept, long lastKeptIndex, String reason, Path damagedJournal, Path reportFile) {}
}
