package io.framejournal.bench;

import static io.framejournal.journal.EventKind.META_DROP;
import static io.framejournal.journal.EventKind.META_WRITE;
import static io.framejournal.journal.EventKind.MINT;
import static io.framejournal.journal.EventKind.REDEEM;
import static io.framejournal.journal.EventKind.REFCOUNT;
import static io.framejournal.journal.EventKind.USAGE;
import static io.framejournal.journal.OpCode.FRAME_CLONE;
import static io.framejournal.journal.OpCode.FRAME_DROP;
import static io.framejournal.journal.OpCode.FRAME_FROM_UNUSED;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.Usage;

/**
 * The single-frame cycle of {@link Workload#frameCycle} as the JFR peer records it: the same events, fields and
 * values the journal writes for it (see docs/DESIGN.md), committed as {@link MutationEvent}s. JFR only records;
 * it keeps no slot state.
 */
final class JfrWorkload {
    /** Events one {@link #frameCycle} commits; equal to the journal's events per cycle (checked by the runner). */
    static final int EVENTS_PER_CYCLE = 14;

    private static final int END = JournalEvent.FLAG_OP_END;
    private static final int NO_META = 1;

    private JfrWorkload() {}

    static void frameCycle(int slot, long handle) {
        long twin = handle + 1;
        rec(REFCOUNT, FRAME_FROM_UNUSED, 0, slot, 0, RefCount.UNUSED, 0, handle);
        rec(META_WRITE, FRAME_FROM_UNUSED, 0, slot, NO_META, 0, 0, handle);
        rec(REFCOUNT, FRAME_FROM_UNUSED, 0, slot, 0, 0, 1, handle);
        rec(USAGE, FRAME_FROM_UNUSED, 0, slot, 0, Usage.UNUSED.code(), Usage.FRAME.code(), handle);
        rec(MINT, FRAME_FROM_UNUSED, END, slot, 0, 0, 1, handle);
        rec(REFCOUNT, FRAME_CLONE, 0, slot, 0, 1, 2, twin);
        rec(MINT, FRAME_CLONE, END, slot, 0, 1, 2, twin);
        rec(REDEEM, FRAME_DROP, 0, slot, 0, 2, 1, twin);
        rec(REFCOUNT, FRAME_DROP, END, slot, 0, 2, 1, twin);
        rec(REDEEM, FRAME_DROP, 0, slot, 0, 1, 0, handle);
        rec(REFCOUNT, FRAME_DROP, 0, slot, 0, 1, 0, handle);
        rec(META_DROP, FRAME_DROP, 0, slot, NO_META, 0, 0, handle);
        rec(REFCOUNT, FRAME_DROP, 0, slot, 0, 0, RefCount.UNUSED, handle);
        rec(USAGE, FRAME_DROP, END, slot, 0, Usage.FRAME.code(), Usage.UNUSED.code(), handle);
    }

    private static void rec(
            EventKind kind, OpCode op, int flags, int slot, int metaType, long before, long after, long handle) {
        MutationEvent.record(kind.ordinal(), op.ordinal(), flags, slot, metaType, before, after, handle);
    }
}
