package io.framejournal.bench;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The peer: one slot mutation as a JDK Flight Recorder event, with a journal record's fields (JFR adds its own
 * start time and thread). No stack trace, as the journal records none.
 */
@Name(MutationEvent.NAME)
@Label("Slot mutation")
@Category("FrameJournal")
@StackTrace(false)
final class MutationEvent extends Event {
    static final String NAME = "io.framejournal.Mutation";

    @Label("Kind")
    byte kind;

    @Label("Op")
    byte op;

    @Label("Flags")
    byte flags;

    @Label("Slot")
    int slot;

    @Label("Meta type")
    short metaType;

    @Label("Before")
    long before;

    @Label("After")
    long after;

    @Label("Handle")
    long handle;

    /** Commits one event (allocates one; JFR events are objects, escape analysis may remove them). */
    static void record(int kind, int op, int flags, int slot, int metaType, long before, long after, long handle) {
        MutationEvent e = new MutationEvent();
        e.kind = (byte) kind;
        e.op = (byte) op;
        e.flags = (byte) flags;
        e.slot = slot;
        e.metaType = (short) metaType;
        e.before = before;
        e.after = after;
        e.handle = handle;
        e.commit();
    }
}
