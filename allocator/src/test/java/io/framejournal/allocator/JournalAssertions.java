package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Journal checks shared by the allocator tests: replay a closed region's journal and hold it against the table. */
final class JournalAssertions {
    /** How many findings a failure message lists before it stops. */
    private static final int SHOWN = 20;

    private JournalAssertions() {}

    /** What a replay of a whole journal produced. */
    record Replay(ReplayState state, List<String> findings, long events, String stopReason) {}

    /**
     * Replays the journal of a region from its first event, applying every event through {@link ReplayState#apply}
     * (so {@code Transition.apply}) and noting each event whose verdict is not OK.
     */
    static Replay replay(Path regionDir) {
        RegionLayout layout = new RegionLayout(regionDir);
        int nrSlots = RegionConfig.read(layout.config()).nrSlots();
        ReplayState state = new ReplayState(nrSlots);
        List<String> findings = new ArrayList<>();
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        try (JournalReader reader = JournalReader.open(layout.journal())) {
            while (reader.next(e)) {
                Verdict v = state.apply(e, scratch);
                if (v != Verdict.OK && findings.size() < SHOWN) {
                    findings.add(v + " at " + e);
                }
            }
            return new Replay(state, findings, reader.eventsRead(), reader.stopReason());
        }
    }

    /**
     * For a closed region: the journal reads to its end, every event applies with verdict OK, and the replayed state
     * ({@link ReplayState#replay} and the verdict-checking loop alike) equals the slot table's, {@code lastIndex}
     * included, for every slot.
     */
    static void assertReplayMatchesTable(Path regionDir) {
        Replay replay = replay(regionDir);
        assertThat(replay.stopReason())
                .as("journal of %s read to its end", regionDir)
                .isNull();
        assertThat(replay.findings())
                .as("events whose Transition.apply verdict is not OK")
                .isEmpty();
        RegionLayout layout = new RegionLayout(regionDir);
        int nrSlots = replay.state().nrSlots();
        ReplayState replayed;
        try (JournalReader reader = JournalReader.open(layout.journal())) {
            replayed = ReplayState.replay(reader, nrSlots);
        }
        List<String> diverged = new ArrayList<>();
        try (SlotTable table = SlotTable.openCopy(layout.slots(), nrSlots)) {
            SlotState mapped = new SlotState();
            SlotState fromLoop = new SlotState();
            SlotState fromReplay = new SlotState();
            for (int slot = 0; slot < nrSlots && diverged.size() < SHOWN; slot++) {
                table.load(slot, mapped);
                replay.state().load(slot, fromLoop);
                replayed.load(slot, fromReplay);
                if (!mapped.sameAs(fromLoop, true)) {
                    diverged.add("slot " + slot + ": table vs replay: " + mapped.diff(fromLoop));
                }
                if (!mapped.sameAs(fromReplay, true)) {
                    diverged.add("slot " + slot + ": table vs ReplayState.replay: " + mapped.diff(fromReplay));
                }
            }
        }
        assertThat(diverged)
                .as("slots where the slot table and the replayed journal disagree")
                .isEmpty();
    }

    /** Every event of a region's journal (readable while the region is open: the reader is read-only). */
    static List<JournalEvent> events(Path regionDir) {
        return events(regionDir, e -> true);
    }

    static List<JournalEvent> events(Path regionDir, Predicate<JournalEvent> filter) {
        List<JournalEvent> out = new ArrayList<>();
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = JournalReader.open(new RegionLayout(regionDir).journal())) {
            while (reader.next(e)) {
                if (filter.test(e)) {
                    JournalEvent copy = new JournalEvent();
                    copy.copyFrom(e);
                    out.add(copy);
                }
            }
            assertThat(reader.stopReason())
                    .as("journal of %s read to its end", regionDir)
                    .isNull();
        }
        return out;
    }
}
