package io.framejournal.allocator;

import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.Chronicle;
import io.framejournal.journal.Durable;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalGeometryCheck;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.ReplayStart;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Recovery of a region whose writer died; see {@link MetaRegion#recover}. It verifies before it certifies:
 * <ol>
 *   <li>the journal is replayed read-only ({@link ReplayState}, through the one transition) from the newest usable
 *       checkpoint (or its start) to its end; the records before that checkpoint are read and checked, not applied,
 *       only with {@code verifyAll}. A journal that does not read to its end (a record that fails its CRC or sequence check, a cut, a damaged file) is refused with
 *       nothing written, unless {@code salvage} asks to cut it at the last record that checks;</li>
 *   <li>only then is the slot table opened, and every slot compared with the replay: a slot behind the journal (the
 *       writer died between append and store) is brought forward; a slot ahead of the journal (its tail was lost) or
 *       disagreeing with it (the table was damaged) is set to the journal's state and reported. "Consistent" means the
 *       table equals the replay of its journal, slot for slot.</li>
 * </ol>
 * Every record is one whole call, so the replay's state is a state some sequence of whole calls produced.
 */
final class RegionRecovery {
    private static final int REPAIRS_SHOWN = 20;

    private RegionRecovery() {}

    static RecoveryReport recover(Path dir, boolean reclaim, boolean salvage, boolean verifyAll) {
        try {
            return recoverChecked(dir, reclaim, salvage, verifyAll);
        } catch (InternalError fault) {
            // a read of a memory-mapped file past its end (a truncated file) faults; the JVM may deliver it late
            throw new RegionException(
                    "cannot recover " + dir + ": a read past the end of a truncated region file" + " faulted ("
                            + fault.getMessage() + "); its files are damaged: audit it",
                    fault);
        }
    }

    @SuppressWarnings("try") // the region lock is held for the whole recovery, never referenced
    private static RecoveryReport recoverChecked(Path dir, boolean reclaim, boolean salvage, boolean verifyAll) {
        RegionLayout layout = new RegionLayout(dir);
        String salvageFinished = finishInterruptedSalvage(layout);
        layout.requireWritableRegion();
        RegionConfig config = RegionConfig.read(layout.config());
        config.requireWritable(dir);
        try (RegionLock lock = RegionLock.acquire(layout.lock(), dir)) {
            RegionStatus status = RegionStatus.read(layout.status());
            JournalGeometryCheck.verify(layout.journal(), config);
            List<String> redoWarnings = new ArrayList<>();
            if (salvageFinished != null) {
                redoWarnings.add(salvageFinished);
            }
            if (!salvage && !verifyAll && !status.clean()) {
                RecoveryReport fromRedo = fromRedoPoint(layout, config, status, reclaim, redoWarnings);
                if (fromRedo != null) {
                    return fromRedo;
                }
            }
            Replay replay = replay(layout, config, true);
            if (!redoWarnings.isEmpty()) {
                redoWarnings.addAll(replay.warnings);
                replay.warnings = redoWarnings;
            }
            if (replay.problem != null && salvage && replay.checkpoint != JournalIndex.NONE) {
                replay = replay(layout, config, false); // salvage keeps what reads from the journal's very start
            }
            if (verifyAll && replay.problem == null && replay.checkpoint != JournalIndex.NONE) {
                // every record, not only those after the checkpoint: read and checked, not applied (the checkpoint
                // holds their state); damage there is reported, and left as it is
                replay.damageBeforeStart = damageBefore(layout, replay.checkpoint);
                replay.readWhole = replay.damageBeforeStart == null;
            }
            RecoveryReport.Salvage salvaged = null;
            if (replay.problem != null) {
                if (!salvage) {
                    throw new RegionException("cannot recover " + dir + ": " + replay.problem + "; nothing was changed."
                            + " `framejournal recover --salvage " + dir + "` keeps the " + replay.records
                            + " record(s) before it, moves the damaged journal aside and rebuilds the slot table"
                            + (verifyAll && !status.clean() && Files.exists(layout.redoPoint())
                                    ? " (without --verify-all, recovery starts at the region's redo point and reads"
                                            + " only the records after it)"
                                    : ""));
                }
                salvaged = salvageJournal(layout, replay);
            }
            // "Clean" is believed only when the journal ends where the status says the last session ended: after a
            // power loss the status can be an old one while the journal and the table went on.
            boolean endsAtCheckpoint = status.clean() && salvaged == null && replay.lastGood == status.checkpoint();
            // Chronicle Map's recoverPersistedTo writes to the table: check it read-only first, so that a table whose
            // structure is damaged is refused with nothing changed (or, with --salvage, moved aside and rebuilt)
            boolean cutShort = headerNotReady(layout, config);
            String tableProblem;
            boolean lostByKilledRecovery = false;
            try {
                tableProblem = tableProblem(layout, config, cutShort);
            } catch (LostEntries lost) {
                // what a Chronicle Map recovery killed part way loses (the entry it was moving), and only that: the
                // journal read to its end, so the table it holds is rebuilt from it, as salvage would, unasked
                tableProblem = lost.getMessage();
                lostByKilledRecovery = true;
            }
            String rebuilt = null;
            if (tableProblem != null) {
                if (!salvage && !lostByKilledRecovery) {
                    throw new RegionException("cannot recover " + dir + ": " + tableProblem + "; nothing was changed."
                            + " `framejournal recover --salvage " + dir + "` moves the damaged table aside and rebuilds"
                            + " it from the journal");
                }
                Path aside = rebuildTable(layout, config);
                rebuilt = tableProblem + (aside != null ? "; moved whole to " + aside : "")
                        + " and rebuilt from the journal";
            } else if (cutShort) {
                MappedSlotTable.markReady(layout.slots()); // whole, read: Chronicle's recovery below completes it
            }
            // Chronicle Map's recovery (which rewrites the dead writer's segment locks) only for a dead writer's table
            // (and for a table whose header a recovery cut short left not ready: Chronicle's recovery completes it, and
            // every slot is then verified against the replay like any dead writer's)
            // (a table just rebuilt was made and closed here: nothing to recover in it)
            SlotTable table = SlotTable.open(
                    layout.slots(), config.nrSlots(), rebuilt == null && (!endsAtCheckpoint || cutShort));
            try {
                if (endsAtCheckpoint && nothingToDo(table, replay.state, reclaim)) {
                    return clean(dir, status, replay); // verified: the table is its journal's replay; nothing changed
                }
                return repairAndMark(layout, config, status, table, replay, reclaim, salvaged, rebuilt);
            } finally {
                table.close();
            }
        } catch (IOException e) {
            throw new RegionException(
                    "cannot recover region " + dir + ": " + RegionException.reason(e, dir) + "; " + remedy(e), e);
        }
    }

    /**
     * Recovery from the region's redo point, when it has one newer than its newest checkpoint: the journal after the
     * point replayed onto the table as it stands ({@link RedoReplay}), only the slots it touches compared and redone.
     *
     * @return the report, or {@code null} to recover the full way (then {@code warnings} says why, if there was a
     *     point)
     */
    private static RecoveryReport fromRedoPoint(
            RegionLayout layout, RegionConfig config, RegionStatus status, boolean reclaim, List<String> warnings)
            throws IOException {
        RedoPointFile.Read read = RedoPointFile.read(layout.redoPoint());
        if (read.point() == null) {
            if (read.problem() != null) {
                warnings.add(read.problem() + "; recovered from the newest checkpoint instead");
            }
            return null;
        }
        RedoPoint point = read.point();
        List<CheckpointFile.Entry> checkpoints = CheckpointFile.list(layout.checkpoints());
        if (!checkpoints.isEmpty()
                && Long.compareUnsigned(checkpoints.get(checkpoints.size() - 1).index(), point.anchor()) > 0) {
            return null; // a newer checkpoint: replaying from it is shorter, and compares every slot
        }
        // no separate structural pass: the replay reads every slot through the same checked lookup (key, magic), and a
        // damaged table falls back to the full way, which refuses it (or rebuilds it with --salvage)
        RedoReplay redo = RedoReplay.run(layout.journal(), layout.slots(), config.nrSlots(), point);
        if (redo.fallback != null) {
            warnings.add(redo.fallback + "; recovered from the newest checkpoint instead, every slot compared");
            return null;
        }
        Replay replay = new Replay();
        replay.warnings = List.copyOf(warnings);
        replay.state = redo.state;
        replay.records = redo.records;
        replay.events = redo.events;
        replay.first = redo.first;
        replay.lastGood = redo.lastGood;
        replay.redo = redo;
        replay.redoPoint = point;
        SlotTable table = SlotTable.open(layout.slots(), config.nrSlots(), true);
        try {
            return repairAndMark(layout, config, status, table, replay, reclaim, null, null);
        } finally {
            table.close();
        }
    }

    /**
     * A salvage killed between its two moves (the damaged journal moved aside, its whole copy not yet in place) left
     * the region without a journal: puts the copy in place, under the region's lock, so that this recovery goes on from
     * it as the salvage would have.
     *
     * @return what was done, for the report's warnings, or {@code null} when there was nothing to finish
     */
    @SuppressWarnings("try") // the region lock is held for the move, never referenced
    private static String finishInterruptedSalvage(RegionLayout layout) {
        if (!layout.salvageInterrupted()
                || !Files.isRegularFile(layout.config())
                || !Files.isRegularFile(layout.status())) {
            return null; // not a region, or nothing to finish: said by requireWritableRegion as usual
        }
        try (RegionLock lock = RegionLock.acquire(layout.lock(), layout.dir())) {
            if (!layout.salvageInterrupted()) {
                return null; // another recovery finished it meanwhile
            }
            Files.move(layout.salvaging(), layout.journal(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RegionException(
                    "cannot recover " + layout.dir() + ": cannot put the records a stopped salvage"
                            + " kept (" + layout.salvaging() + ") in the journal's place: "
                            + RegionException.reason(e, layout.salvaging()),
                    e);
        }
        String aside;
        try (var entries = Files.list(layout.dir())) {
            aside = entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(RegionLayout.JOURNAL + ".damaged-"))
                    .max(String::compareTo)
                    .map(n -> "; the damaged journal is in " + layout.dir().resolve(n))
                    .orElse("");
        } catch (IOException e) {
            aside = "";
        }
        return "a salvage stopped part way (killed after it moved the damaged journal aside) was finished first: the"
                + " records it kept are the journal now" + aside;
    }

    /**
     * Reads every slot of the table in place, read-only (its header, layout, and each slot's key and magic): a
     * structural problem, or {@code null}. A layout the read-only reader does not follow is left to Chronicle Map.
     */
    private static String tableProblem(RegionLayout layout, RegionConfig config, boolean notReadyToo) {
        SlotState s = new SlotState();
        try (MappedSlotTable t = MappedSlotTable.open(layout.slots(), config.nrSlots(), notReadyToo)) {
            if (notReadyToo) {
                // a Chronicle Map recovery killed part way: it takes each entry out of its segment's hash lookup and
                // puts it back at its home position, one by one, which leaves later entries out of a lookup's reach
                // until it runs again (and the one it was moving, if the kill came then, out of the lookup for good).
                // What it reads is every entry in the hash lookup: check that, not lookups
                everySlotOnce(t, config.nrSlots(), layout);
                return null;
            }
            for (int slot = 0; slot < config.nrSlots(); slot++) {
                t.load(slot, s);
            }
            return null;
        } catch (MappedSlotTable.Unsupported notFollowed) {
            return null;
        } catch (LostEntries lost) {
            throw lost; // the caller rebuilds such a table
        } catch (RegionException damaged) {
            String access = RegionException.writeAccessRemedy(damaged);
            if (access != null) {
                // not damage: a table this user may not read is refused as such, never offered to --salvage (which
                // would move a sound table aside and rebuild it)
                throw new RegionException(
                        "cannot recover " + layout.dir() + ": " + damaged.getMessage() + "; nothing was changed; "
                                + access,
                        damaged);
            }
            return damaged.getMessage();
        } catch (InternalError fault) {
            return "slot table " + layout.slots() + " faulted when read (" + fault.getMessage() + ")";
        }
    }

    /**
     * Every slot is in its segment's hash lookup exactly once (key and magic checked by {@link
     * MappedSlotTable#forEachEntry}).
     *
     * @throws LostEntries when that holds but for slots missing from it
     */
    private static void everySlotOnce(MappedSlotTable t, int nrSlots, RegionLayout layout) {
        java.util.BitSet seen = new java.util.BitSet(nrSlots);
        t.forEachEntry((slot, state) -> {
            if (seen.get(slot)) {
                throw new RegionException("slot table " + layout.slots() + " holds slot " + slot + " twice");
            }
            seen.set(slot);
        });
        int missing = nrSlots - seen.cardinality();
        if (missing > 0) {
            throw new LostEntries("slot table " + layout.slots() + " lost " + missing + " of its entries (slot "
                    + seen.nextClearBit(0) + (missing > 1 ? ", ..." : "") + ") in a recovery of it that was killed");
        }
    }

    /** Entries missing from a table a killed Chronicle Map recovery left marked not ready, and nothing else wrong. */
    private static final class LostEntries extends RegionException {
        private static final long serialVersionUID = 1L;

        LostEntries(String message) {
            super(message);
        }
    }

    /**
     * Whether the table's header is marked not ready: a recovery killed inside Chronicle Map's {@code
     * recoverPersistedTo} (or a creation cut short) leaves it so. Running recovery again is what completes it (docs/
     * RELIABILITY.md: a recovery that is itself killed can simply run again).
     */
    @SuppressWarnings("try") // opened only to read its header
    private static boolean headerNotReady(RegionLayout layout, RegionConfig config) {
        try (MappedSlotTable t = MappedSlotTable.open(layout.slots(), config.nrSlots())) {
            return false;
        } catch (MappedSlotTable.NotReady cutShort) {
            return true;
        } catch (RegionException | InternalError other) {
            return false; // tableProblem says what it is
        }
    }

    /**
     * Puts a new table, every frame free, to be filled from the replay, in the place of a structurally damaged one, which
     * is kept whole under another name. The new table is made beside it and renamed over it, so a recovery killed
     * while it makes one leaves the old table in place (and the next recovery does this again), never none or half a
     * one. The redo point goes first: it says which records the old table held, and the new one holds none until it is
     * filled, so a recovery killed while it fills it must not trust it.
     *
     * @return where the damaged table is kept, or {@code null} when there was none
     */
    private static Path rebuildTable(RegionLayout layout, RegionConfig config) throws IOException {
        Path fresh = layout.dir().resolve(RegionLayout.SLOTS + ".rebuilding");
        Files.deleteIfExists(fresh); // a rebuild killed part way
        try (SlotTable made = SlotTable.create(fresh, config.nrSlots())) {
            made.nrSlots();
        }
        Durable.forceFile(fresh); // on disk before it replaces the old table
        Files.deleteIfExists(layout.redoPoint());
        Path aside = null;
        if (Files.exists(layout.slots(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            String name = RegionLayout.SLOTS + ".damaged-" + stamp();
            aside = layout.dir().resolve(name);
            for (int n = 2; Files.exists(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
                aside = layout.dir().resolve(name + "-" + n); // one kept in the same second: keep both
            }
            try {
                Files.createLink(aside, layout.slots());
            } catch (IOException | UnsupportedOperationException noLinks) {
                Files.copy(layout.slots(), aside, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(fresh, layout.slots(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /**
     * Reads and checks (CRC-32C, sequence numbers) every record of the journal before {@code checkpoint}, the record a
     * replay started after, without applying any.
     *
     * @return why those records do not read, or {@code null}
     */
    private static String damageBefore(RegionLayout layout, long checkpoint) {
        try (JournalReader reader = JournalReader.open(layout.journal())) {
            JournalEvent e = new JournalEvent();
            for (int got; (got = reader.nextWhole(e)) != JournalReader.NOTHING; ) {
                long at = got == JournalReader.WHOLE_RECORD ? reader.lastGoodIndex() : e.index;
                if (Long.compareUnsigned(at, checkpoint) >= 0) {
                    return null;
                }
            }
            String why = reader.stopReason() != null ? reader.stopReason() : reader.unreadableTail();
            return "the journal before the checkpoint at " + JournalIndex.format(checkpoint) + " does not read: "
                    + (why != null ? why : "it ends before that record") + " (after "
                    + reader.recordsRead() + " record(s) that check)";
        } catch (RegionException unreadable) {
            return "the journal before the checkpoint at " + JournalIndex.format(checkpoint) + " does not read: "
                    + unreadable.getMessage();
        }
    }

    private static RecoveryReport clean(Path dir, RegionStatus status, Replay replay) {
        return new RecoveryReport(
                dir,
                true,
                RecoveryReport.CONSISTENT,
                status.checkpoint(),
                0,
                0,
                0,
                0,
                0,
                List.of(),
                0,
                0,
                0,
                0,
                null,
                null,
                status.checkpoint(),
                JournalIndex.NONE,
                List.of(),
                null,
                replay.readWhole,
                replay.damageBeforeStart);
    }

    /** The journal replayed from the newest usable checkpoint (or its start) to its end. */
    private static final class Replay {
        ReplayState state;
        long records;
        long events;
        long first = JournalIndex.NONE;
        long lastGood = JournalIndex.NONE;
        long checkpoint = JournalIndex.NONE;
        List<String> warnings = List.of();
        String problem;
        /** Set when the replay started at the redo point: only the slots it took from the table are compared. */
        RedoReplay redo;

        RedoPoint redoPoint;
        /**
         * Every record the journal holds was read and checked: the replay started at its start, or a verify-all read
         * the records before its checkpoint. Not after a start at the redo point.
         */
        boolean readWhole;
        /** Why the records before the checkpoint do not read (verify-all), or {@code null}. */
        String damageBeforeStart;
    }

    /**
     * @param fromCheckpoint start at the newest usable checkpoint; false to replay the whole journal (salvage, which
     *                       must find the first damaged record of all)
     */
    private static Replay replay(RegionLayout layout, RegionConfig config, boolean fromCheckpoint) {
        Replay r = new Replay();
        try (ReplayStart start = ReplayStart.open(
                layout.journal(), layout.checkpoints(), config.nrSlots(), JournalIndex.NONE, fromCheckpoint)) {
            r.state = start.replay().state();
            r.warnings = start.warnings();
            r.checkpoint = start.fromCheckpoint() ? start.checkpoint().index() : JournalIndex.NONE;
            r.readWhole = !start.fromCheckpoint();
            JournalReader reader = start.reader();
            // every record applied whole, in place (slots outside the region are not applied)
            r.events = r.state.applyAll(reader);
            r.first = reader.firstIndexRead();
            long firstSeq = reader.firstSeqRead();
            r.problem = reader.stopReason() != null ? reader.stopReason() : reader.unreadableTail();
            if (r.problem == null) {
                r.problem = start.missingStart(firstSeq);
            }
            r.records = reader.recordsRead();
            r.lastGood = reader.lastGoodIndex();
        }
        return r;
    }

    /** Every slot equals the replay (and, for a reclaim, holds nothing a reclaim would release). */
    private static boolean nothingToDo(SlotTable table, ReplayState replay, boolean reclaim) {
        SlotState t = new SlotState();
        SlotState j = new SlotState();
        for (int slot = 0; slot < table.nrSlots(); slot++) {
            table.load(slot, t);
            replay.load(slot, j);
            if (!t.sameAs(j, true) || (reclaim && needsReclaim(t))) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsReclaim(SlotState s) {
        return !s.isFree() || s.obligations != 0 || s.raw != 0 || s.metaInitialized() || s.inList != 0 || s.usage != 0;
    }

    private static RecoveryReport repairAndMark(
            RegionLayout layout,
            RegionConfig config,
            RegionStatus status,
            SlotTable table,
            Replay replay,
            boolean reclaim,
            RecoveryReport.Salvage salvaged,
            String rebuilt)
            throws IOException {
        // the journal must take our records before the table takes any repair: a journal Chronicle will not append to
        // (a damaged metadata.cq4t) refuses the recovery with the table as it was
        try (JournalWriter journal = openJournal(layout)) {
            return repairAndMark(layout, config, status, table, replay, reclaim, salvaged, rebuilt, journal);
        }
    }

    private static RecoveryReport repairAndMark(
            RegionLayout layout,
            RegionConfig config,
            RegionStatus status,
            SlotTable table,
            Replay replay,
            boolean reclaim,
            RecoveryReport.Salvage salvaged,
            String rebuilt,
            JournalWriter journal)
            throws IOException {
        int locksCleared = table.clearLocks();
        int nr = config.nrSlots();
        int behind = 0;
        int ahead = 0;
        int disagreed = 0;
        List<String> repairs = new ArrayList<>();
        if (rebuilt != null) {
            repairs.add(rebuilt);
        }
        SlotState t = new SlotState();
        SlotState j = new SlotState();
        for (int slot = 0; slot < nr; slot++) {
            if (replay.redo != null && !replay.redo.isLive(slot)) {
                continue; // the table holds it, as the redo point and the journal's chain after it say
            }
            table.load(slot, t);
            replay.state.load(slot, j);
            if (t.sameAs(j, true)) {
                continue;
            }
            String kind;
            if (Long.compareUnsigned(t.lastIndex + 1, j.lastIndex + 1) < 0) {
                behind++;
                kind = null; // the ordinary redo of a dead writer's last calls
            } else if (Long.compareUnsigned(t.lastIndex + 1, j.lastIndex + 1) > 0) {
                ahead++;
                kind = "ahead of the journal";
            } else {
                disagreed++;
                kind = "disagreed with the journal";
            }
            if (kind != null && repairs.size() < REPAIRS_SHOWN) {
                repairs.add("slot " + slot + " " + kind + ": table\u2260journal: " + t.diff(j));
            }
            table.store(slot, j);
        }
        long frames = 0;
        long obligations = 0;
        long raw = 0;
        long last;
        SlotState s = new SlotState();
        try {
            SlotEngine engine = new SlotEngine(table, journal, config.pageSize());
            OpCode op = salvaged != null ? OpCode.RECOVERY_SALVAGE : OpCode.RECOVERY_REDO;
            engine.marker(EventKind.RECOVERY, op, JournalEvent.NO_SLOT, behind + ahead + disagreed, 0, 0, (short) 0);
            if (reclaim) {
                for (int slot = 0; slot < nr; slot++) {
                    table.load(slot, s);
                    if (needsReclaim(s)) {
                        obligations += s.obligations;
                        raw += s.raw;
                        frames += engine.reclaim(slot) ? 1 : 0;
                    }
                }
            }
            last = engine.marker(
                    EventKind.RECOVERY,
                    reclaim ? OpCode.RECOVERY_RECLAIM : op,
                    JournalEvent.NO_SLOT,
                    behind + ahead + disagreed,
                    1,
                    0,
                    (short) 0);
        } catch (Exception | AssertionError failure) {
            throw MetaRegion.journalFailure(layout, failure);
        }
        // the clean mark vouches for the journal (the dead writer's records, which it may have left in the page cache
        // only, and this recovery's) and for the table: both on disk first, whatever the sync mode
        JournalWriter.forceAll(layout.journal());
        Durable.forceFile(layout.slots()); // the repaired table on disk before the clean mark vouches for it
        markClean(layout, new RegionStatus(true, status.session(), last));
        io.framejournal.journal.WriterIdentity.release(layout.dir());
        String verdict = salvaged != null
                ? RecoveryReport.SALVAGED
                : ahead + disagreed > 0 || rebuilt != null ? RecoveryReport.REPAIRED : RecoveryReport.CONSISTENT;
        return new RecoveryReport(
                layout.dir(),
                false,
                verdict,
                replay.first,
                replay.records,
                replay.events,
                behind,
                ahead,
                disagreed,
                List.copyOf(repairs),
                locksCleared,
                frames,
                obligations,
                raw,
                replay.problem,
                salvaged,
                last,
                replay.checkpoint,
                List.copyOf(replay.warnings),
                replay.redoPoint,
                replay.readWhole,
                replay.damageBeforeStart);
    }

    /**
     * Copies every record before the damage, with its index, into a new queue, moves the damaged journal aside (whole:
     * nothing is deleted) and puts the copy in its place; writes a report of what was dropped.
     */
    private static RecoveryReport.Salvage salvageJournal(RegionLayout layout, Replay replay) throws IOException {
        String stamp = stamp();
        Path fresh = layout.salvaging();
        Trees.delete(fresh);
        long copied = 0;
        if (replay.lastGood != JournalIndex.NONE) {
            try (JournalReader reader = JournalReader.open(layout.journal());
                    SingleChronicleQueue queue = Chronicle.writableQueue(fresh, SyncMode.SYNC);
                    ExcerptAppender appender = queue.createAppender()) {
                JournalEvent e = new JournalEvent();
                long lastCopied = JournalIndex.NONE;
                while (reader.next(e) && Long.compareUnsigned(e.index, replay.lastGood) <= 0) {
                    if (e.index != lastCopied) {
                        ((InternalAppender) appender)
                                .writeBytes(
                                        e.index,
                                        Bytes.wrapForRead(reader.recordBytes()).readLimit(reader.recordLength()));
                        lastCopied = e.index;
                        copied++;
                    }
                }
            } catch (Exception | AssertionError | InternalError e) {
                Trees.delete(fresh);
                throw new RegionException(
                        "cannot salvage " + layout.dir() + ": copying the readable records failed ("
                                + e.getClass().getSimpleName()
                                + (e.getMessage() == null
                                        ? ""
                                        : ": "
                                                + e.getMessage()
                                                        .lines()
                                                        .findFirst()
                                                        .orElse("")) + "); nothing was changed",
                        e);
            }
        }
        if (copied == 0) { // nothing kept: an empty journal takes the damaged one's place
            Trees.delete(fresh);
            Files.createDirectories(fresh);
        }
        // two moves, not one: a kill between them leaves the whole copy beside no journal, which the next recovery
        // puts in place (finishInterruptedSalvage)
        Path damaged = layout.dir().resolve(RegionLayout.JOURNAL + ".damaged-" + stamp);
        Files.move(layout.journal(), damaged, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, layout.journal(), StandardCopyOption.ATOMIC_MOVE);
        Path report = layout.dir().resolve("salvage-" + stamp + ".txt");
        Files.writeString(
                report,
                "FrameJournal salvage of " + layout.dir() + " at " + Instant.now() + "\n"
                        + "kept:    " + copied + " record(s), the last at " + JournalIndex.format(replay.lastGood)
                        + " (indices unchanged)\n"
                        + "dropped: everything after it; reading stopped because " + replay.problem + "\n"
                        + "the damaged journal, whole, is in " + damaged
                        + " (read it with `framejournal dump`/`audit` after"
                        + " copying it into a region directory of its own)\n"
                        + "the slot table was rebuilt from the kept records\n",
                StandardCharsets.UTF_8);
        return new RecoveryReport.Salvage(copied, replay.lastGood, replay.problem, damaged, report);
    }

    /** A UTC time for the names of what recovery moves aside ({@code journal.damaged-<stamp>}, ...). */
    private static String stamp() {
        return STAMP.format(Instant.now());
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private static JournalWriter openJournal(RegionLayout layout) {
        try {
            return JournalWriter.open(layout.journal(), SyncMode.NONE);
        } catch (Exception | AssertionError e) {
            throw MetaRegion.journalFailure(layout, e);
        }
    }

    /**
     * Writes the clean mark, the recovery's last step. A failure leaves the region unclean with this recovery's records
     * in its journal and its table repaired, which a recovery run again replays and marks clean: the message says so,
     * and what to do (it gave only the cause, and named the status's temporary file).
     */
    private static void markClean(RegionLayout layout, RegionStatus clean) {
        try {
            clean.write(layout.status());
        } catch (IOException e) {
            throw new RegionException(
                    "cannot recover region " + layout.dir() + ": " + RegionException.oneLine(e) + "; it stays unclean: "
                            + remedy(e),
                    e);
        }
    }

    /**
     * What to do after a recovery failed on a file system error: {@link RegionException#writeAccessRemedy} for an
     * access refused, else run it again once the cause is fixed (a recovery killed or failed part way is repeated
     * whole: it sets every slot to the replay's absolute values, and marks the region clean only at its end).
     */
    private static String remedy(IOException e) {
        String access = RegionException.writeAccessRemedy(e);
        return access != null
                ? access
                : "fix that and run `framejournal recover` again, which is safe: a recovery can be repeated";
    }
}
