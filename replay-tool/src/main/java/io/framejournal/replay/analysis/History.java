package io.framejournal.replay.analysis;

import io.framejournal.journal.CallSite;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.SiteTable;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Transition;
import io.framejournal.journal.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every event that touched one slot, in journal order: its own slot events (replayed through {@link Transition#apply}
 * on that slot alone, so each line carries its verdict) plus the compound BEGIN/END markers and LEAKED_HANDLE
 * events whose range covers the slot.
 */
public final class History {
    private History() {}

    /**
     * One line of a slot's history.
     *
     * @param index     journal index
     * @param timestamp epoch nanoseconds
     * @param thread    writing thread
     * @param kind      event kind
     * @param op        op code
     * @param flags     event flags
     * @param handle    handle behind it
     * @param metaType  metadata type (META_* events)
     * @param before    value before
     * @param after     value after
     * @param change    {@code before→after}, written the way the kind means it
     * @param verdict   what the transition said ({@code OK} for markers)
     * @param site      call-site id of the event's record, 0 for none
     */
    public record Entry(
            long index,
            long timestamp,
            int thread,
            EventKind kind,
            int op,
            int flags,
            long handle,
            short metaType,
            long before,
            long after,
            String change,
            String verdict,
            int site) {}

    /**
     * @param dir        the region
     * @param slot       the slot
     * @param entries    its events
     * @param finalState the slot's state after the last one
     * @param events     events scanned
     * @param stopReason why reading stopped early, or {@code null}
     * @param sites      the call sites the entries name, by id (from the region's site table)
     * @param siteProblem why the site table could not be read to its end, or {@code null}
     */
    public record Report(
            java.nio.file.Path dir,
            int slot,
            List<Entry> entries,
            SlotState finalState,
            long events,
            String stopReason,
            Map<Integer, CallSite> sites,
            String siteProblem) {
        public long paddr() {
            return Fmt.paddrOf(slot);
        }

        /** The call site with this id, or {@code null} (0, or a site the region's site table lacks). */
        public CallSite site(int id) {
            return id == 0 ? null : sites.get(id);
        }
    }

    public static Report of(RegionInput region, int slot, Progress progress) {
        List<Entry> entries = new ArrayList<>();
        SlotState s = new SlotState();
        JournalEvent e = new JournalEvent();
        OpenCompounds covering = new OpenCompounds();
        long events = 0;
        long last = io.framejournal.journal.JournalIndex.NONE;
        String stop;
        try (JournalReader reader = region.journal()) {
            while (reader.next(e)) {
                last = e.index;
                if ((++events & Progress.TICK_MASK) == 0) {
                    progress.update(events);
                }
                if (e.kind.changesSlot()) {
                    if (e.slot == slot) {
                        Verdict v = Transition.apply(s, e);
                        entries.add(entry(e, v.name()));
                    }
                } else if (e.kind == EventKind.BEGIN || e.kind == EventKind.LEAKED_HANDLE) {
                    if (covers(e, slot)) {
                        entries.add(entry(e, Verdict.OK.name()));
                        if (e.kind == EventKind.BEGIN) {
                            covering.put(e.after, e.op, e.slot, e.before, e.handle, e.index);
                        }
                    }
                } else if (e.kind == EventKind.END) {
                    if (covering.remove(e.after)) {
                        entries.add(entry(e, Verdict.OK.name()));
                    }
                }
            }
            stop = JournalEnd.problem(reader, region, last, false);
        }
        Map<Integer, CallSite> named = new TreeMap<>();
        String siteProblem = null;
        if (entries.stream().anyMatch(x -> x.site() != 0)) {
            SiteTable.Sites table = region.sites();
            siteProblem = table.problem();
            for (Entry x : entries) {
                CallSite site = x.site() == 0 ? null : table.get(x.site());
                if (site != null) {
                    named.put(x.site(), site);
                }
            }
        }
        return new Report(
                region.dir(),
                slot,
                List.copyOf(entries),
                s,
                events,
                stop,
                Collections.unmodifiableMap(named),
                siteProblem);
    }

    private static boolean covers(JournalEvent e, int slot) {
        return e.slot >= 0 && slot >= e.slot && slot - (long) e.slot < Math.max(1, e.before);
    }

    private static Entry entry(JournalEvent e, String verdict) {
        return new Entry(
                e.index,
                e.timestamp,
                e.thread,
                e.kind,
                e.op,
                e.flags,
                e.handle,
                e.metaType,
                e.before,
                e.after,
                Fmt.change(e),
                verdict,
                e.site);
    }
}
