package io.framejournal.tests.support;

import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotInvariant;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import io.framejournal.journal.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Read-only checks of a closed region: the slot table (through a private copy) against a replay of its journal. */
public final class RegionChecks {
    private static final int MAX_FINDINGS = 5;

    private RegionChecks() {}

    public static int nrSlots(Path dir) {
        return RegionConfig.read(new RegionLayout(dir).config()).nrSlots();
    }

    /** Slots where the slot table and a replay of the whole journal disagree (lastIndex included); empty when none. */
    public static List<String> tableVersusReplay(Path dir) {
        RegionLayout layout = new RegionLayout(dir);
        int nr = nrSlots(dir);
        ReplayState replay;
        // the whole journal; only when its early files were retired, from the oldest checkpoint left
        boolean retired = io.framejournal.journal.ReplayStart.journalStartRetired(layout.journal());
        try (var start = retired
                ? io.framejournal.journal.ReplayStart.openOldest(
                        layout.journal(), layout.checkpoints(), nr, io.framejournal.journal.JournalIndex.NONE)
                : io.framejournal.journal.ReplayStart.open(
                        layout.journal(), layout.checkpoints(), nr, io.framejournal.journal.JournalIndex.NONE, false)) {
            if (retired && !start.fromCheckpoint()) {
                return List.of("the journal's start was retired and no checkpoint is usable: " + start.warnings());
            }
            replay = start.replay().state();
            JournalReader r = start.reader();
            JournalEvent e = new JournalEvent();
            SlotState scratch = new SlotState();
            while (r.next(e)) {
                replay.apply(e, scratch);
            }
            if (r.stopReason() != null) {
                return List.of("replay stopped: " + r.stopReason());
            }
        }
        List<String> findings = new ArrayList<>();
        SlotState inTable = new SlotState();
        SlotState replayed = new SlotState();
        try (SlotTable table = SlotTable.openCopy(layout.slots(), nr)) {
            for (int slot = 0; slot < nr && findings.size() < MAX_FINDINGS; slot++) {
                table.load(slot, inTable);
                replay.load(slot, replayed);
                if (!inTable.sameAs(replayed, true)) {
                    findings.add("slot " + slot + ": table vs replay " + inTable.diff(replayed));
                }
            }
        }
        return findings;
    }

    /** Counts of every verdict other than OK over a replay of the whole journal. */
    public static Map<Verdict, Integer> badVerdicts(Path dir) {
        int nr = nrSlots(dir);
        ReplayState state = new ReplayState(nr);
        SlotState scratch = new SlotState();
        JournalEvent e = new JournalEvent();
        Map<Verdict, Integer> bad = new EnumMap<>(Verdict.class);
        try (JournalReader r = JournalReader.open(new RegionLayout(dir).journal())) {
            while (r.next(e)) {
                Verdict v = state.apply(e, scratch);
                if (v != Verdict.OK) {
                    bad.merge(v, 1, Integer::sum);
                }
            }
        }
        return bad;
    }

    /** Slots of the replayed journal whose obligation ledger does not balance. */
    public static List<String> ledgerBreaks(Path dir) {
        int nr = nrSlots(dir);
        ReplayState replay;
        try (JournalReader r = JournalReader.open(new RegionLayout(dir).journal())) {
            replay = ReplayState.replay(r, nr);
        }
        List<String> findings = new ArrayList<>();
        SlotState s = new SlotState();
        for (int slot = 0; slot < nr && findings.size() < MAX_FINDINGS; slot++) {
            replay.load(slot, s);
            int bad = SlotInvariant.checkLedger(s);
            if (bad != 0) {
                findings.add("slot " + slot + ": " + SlotInvariant.describe(bad) + " (" + s + ")");
            }
        }
        return findings;
    }

    /** Slots of the slot table that are not in the clean free state (free, no metadata, no obligations, no raw). */
    public static List<String> slotsNotFree(Path dir) {
        RegionLayout layout = new RegionLayout(dir);
        int nr = nrSlots(dir);
        List<String> findings = new ArrayList<>();
        SlotState s = new SlotState();
        try (SlotTable table = SlotTable.openCopy(layout.slots(), nr)) {
            for (int slot = 0; slot < nr && findings.size() < MAX_FINDINGS; slot++) {
                table.load(slot, s);
                if (!s.isFree()
                        || s.obligations != 0
                        || s.raw != 0
                        || s.metaInitialized()
                        || s.inList != 0
                        || s.usage != Usage.UNUSED.code()) {
                    findings.add("slot " + slot + ": " + s);
                }
            }
        }
        return findings;
    }
}
