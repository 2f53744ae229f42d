package io.framejournal.allocator;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEndCheck;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalGeometryCheck;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import net.openhft.chronicle.bytes.SyncMode;

/**
 * Recovery of a region whose writer died; see {@link MetaRegion#recover}. Every record is one whole call, so redo is
 * per record and slot: a slot whose {@code lastIndex} is behind a record that touched it gets all of that record's
 * entries for it, through {@link Transition#redo}.
 */
final class RegionRecovery {
    private RegionRecovery() {
    }

    static RecoveryReport recover(Path dir, boolean reclaim) {
        RegionLayout layout = new RegionLayout(dir).requireRegion();
        RegionConfig config = RegionConfig.read(layout.config());
        config.requireWritable(dir);
        try (RegionLock lock = RegionLock.acquire(layout.lock(), dir)) {
            RegionStatus status = RegionStatus.read(layout.status());
            if (status.clean() && !reclaim) {
                return clean(dir, status);
            }
            JournalGeometryCheck.verify(layout.journal(), config);
            if (status.clean()) {
                JournalEndCheck.verifyEndsAt(layout.journal(), status.checkpoint());
            }
            SlotTable table = SlotTable.open(layout.slots(), config.nrSlots(), !status.clean());
            try {
                if (status.clean() && !anythingHeld(table)) {
                    return clean(dir, status);
                }
                return run(layout, config, status, table, reclaim);
            } finally {
                table.close();
            }
        } catch (IOException e) {
            throw new RegionException("cannot recover region " + dir + ": " + e.getMessage(), e);
        }
    }

    private static RecoveryReport clean(Path dir, RegionStatus status) {
        return new RecoveryReport(dir, true, status.checkpoint(), 0, 0, 0, 0, 0, 0, 0, 0, 0, null, status.checkpoint());
    }

    private static boolean anythingHeld(SlotTable table) {
        SlotState s = new SlotState();
        for (int slot = 0; slot < table.nrSlots(); slot++) {
            table.load(slot, s);
            if (needsReclaim(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsReclaim(SlotState s) {
        return !s.isFree() || s.obligations != 0 || s.raw != 0 || s.metaInitialized() || s.inList != 0 || s.usage != 0;
    }

    private static RecoveryReport run(RegionLayout layout, RegionConfig config, RegionStatus status, SlotTable table,
            boolean reclaim) throws IOException {
        int locksCleared = table.clearLocks();
        int nr = config.nrSlots();
        long scanned = 0;
        long redone = 0;
        long recordsRedone = 0;
        long records;
        BitSet repaired = new BitSet(nr);
        String problem;
        SlotState s = new SlotState();
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = JournalReader.open(layout.journal())) {
            if (status.checkpoint() >= 0 && !reader.moveTo(status.checkpoint())) {
                reader.moveTo(reader.firstIndex());
            }
            boolean redo = false;
            long lastRedoneRecord = Long.MIN_VALUE;
            while (reader.next(e)) {
                scanned++;
                if (!e.kind.changesSlot() || e.slot < 0 || e.slot >= nr) {
                    continue;
                }
                if (e.groupStart) {
                    // the whole group (this record's entries for this slot) is redone, or none of it
                    redo = e.index > table.lastIndex(e.slot);
                }
                if (redo) {
                    table.load(e.slot, s);
                    Transition.redo(s, e);
                    table.store(e.slot, s);
                    redone++;
                    repaired.set(e.slot);
                    if (e.index != lastRedoneRecord) {
                        recordsRedone++;
                        lastRedoneRecord = e.index;
                    }
                }
            }
            problem = reader.stopReason();
            records = reader.recordsRead();
        }
        if (problem != null) {
            // Appending behind a record no reader can pass would hide the recovery itself; leave the region unclean.
            throw new RegionException("cannot recover " + layout.dir() + ": " + problem + "; the records before it were"
                    + " redone, nothing was appended; audit the journal");
        }
        long frames = 0;
        long obligations = 0;
        long raw = 0;
        long last;
        try (JournalWriter journal = openJournal(layout)) {
            SlotEngine engine = new SlotEngine(table, journal, config.pageSize());
            engine.marker(EventKind.RECOVERY, OpCode.RECOVERY_REDO, JournalEvent.NO_SLOT, redone, 0, 0, (short) 0);
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
            last = engine.marker(EventKind.RECOVERY, reclaim ? OpCode.RECOVERY_RECLAIM : OpCode.RECOVERY_REDO,
                    JournalEvent.NO_SLOT, redone, 1, 0, (short) 0);
        } catch (RuntimeException | AssertionError failure) {
            throw MetaRegion.journalFailure(layout, failure);
        }
        new RegionStatus(true, status.session(), last).write(layout.status());
        return new RecoveryReport(layout.dir(), false, status.checkpoint(), records, scanned, recordsRedone, redone,
                repaired.cardinality(), locksCleared, frames, obligations, raw, problem, last);
    }

    private static JournalWriter openJournal(RegionLayout layout) {
        try {
            return JournalWriter.open(layout.journal(), SyncMode.NONE);
        } catch (RuntimeException | AssertionError e) {
            throw MetaRegion.journalFailure(layout, e);
        }
    }
}
