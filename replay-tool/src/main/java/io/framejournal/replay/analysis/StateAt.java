package io.framejournal.replay.analysis;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.util.LinkedHashMap;
import java.util.Map;

/** Time travel: every slot's state as of a journal index, rebuilt from nothing by replay. */
public final class StateAt {
    private StateAt() {}

    /**
     * The state of all slots (or one) at a journal position.
     *
     * @param dir         the region
     * @param at          the index asked for ({@link JournalIndex#NONE}: the end)
     * @param lastApplied the index of the last event applied
     * @param events      events applied
     * @param nrSlots     frames in the region
     * @param byStatus    slot counts by status (free, unique, shared, busy, illegal)
     * @param byUsage     slot counts by usage
     * @param obligations obligations outstanding in all
     * @param raw         raw references outstanding in all
     * @param onLists     slots on a frame list
     * @param slot        the slot asked for with {@code --paddr}/{@code --frame}, or -1
     * @param slotState   that slot's state, or {@code null}
     * @param stopReason  why reading stopped early, or {@code null}
     */
    public record Report(
            java.nio.file.Path dir,
            long at,
            long lastApplied,
            long events,
            int nrSlots,
            Map<String, Long> byStatus,
            Map<String, Long> byUsage,
            long obligations,
            long raw,
            long onLists,
            int slot,
            SlotState slotState,
            String stopReason) {}

    public static ReplayResult replay(RegionInput region, long at, Progress progress) {
        ReplayState state = new ReplayState(region.nrSlots());
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        long events = 0;
        long last = JournalIndex.NONE;
        String stop;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                if (at != JournalIndex.NONE && Long.compareUnsigned(e.index, at) > 0) {
                    break;
                }
                last = e.index;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events, reader.recordsRead());
                }
                state.apply(e, scratch);
            }
            stop = JournalEnd.problem(reader, region, last, at != JournalIndex.NONE);
        }
        return new ReplayResult(state, events, last, stop);
    }

    /**
     * A replayed state and how far it got.
     *
     * @param state      every slot
     * @param events     events applied
     * @param last       last index applied
     * @param stopReason why reading stopped early, or {@code null}
     */
    public record ReplayResult(ReplayState state, long events, long last, String stopReason) {}

    public static Report of(RegionInput region, long at, int slot, Progress progress) {
        ReplayResult r = replay(region, at, progress);
        return summarize(region, at, slot, r);
    }

    static Report summarize(RegionInput region, long at, int slot, ReplayResult r) {
        ReplayState state = r.state();
        long[] status = new long[5];
        long[] usage = new long[Usage.values().length + 1];
        long obligations = 0;
        long raw = 0;
        long lists = 0;
        for (int i = 0; i < state.nrSlots(); i++) {
            status[statusCode(state.refCount(i))]++;
            Usage u = Usage.ofCode(state.usage(i));
            usage[u == null ? usage.length - 1 : u.ordinal()]++;
            obligations += state.obligations(i);
            raw += state.raw(i);
            lists += state.inList(i) != 0 ? 1 : 0;
        }
        Map<String, Long> byStatus = new LinkedHashMap<>();
        String[] names = {"free", "unique", "shared", "busy", "illegal"};
        for (int i = 0; i < names.length; i++) {
            byStatus.put(names[i], status[i]);
        }
        Map<String, Long> byUsage = new LinkedHashMap<>();
        for (Usage u : Usage.values()) {
            byUsage.put(u.name(), usage[u.ordinal()]);
        }
        if (usage[usage.length - 1] != 0) {
            byUsage.put("unknown", usage[usage.length - 1]);
        }
        SlotState one = null;
        if (slot >= 0) {
            one = new SlotState();
            state.load(slot, one);
        }
        return new Report(
                region.dir(),
                at,
                r.last(),
                r.events(),
                state.nrSlots(),
                byStatus,
                byUsage,
                obligations,
                raw,
                lists,
                slot,
                one,
                r.stopReason());
    }

    static int statusCode(long rc) {
        if (rc == RefCount.UNUSED) {
            return 0;
        }
        if (rc == RefCount.UNIQUE) {
            return 1;
        }
        if (rc > 0) {
            return 2;
        }
        return rc == 0 ? 3 : 4;
    }
}
