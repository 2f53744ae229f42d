package io.framejournal.allocator;

import io.framejournal.journal.SlotState;

/** A slot table read by a forensic command: never written. */
public interface SlotSource extends AutoCloseable {
    int nrSlots();

    /** Reads a slot into {@code s}. */
    void load(int slot, SlotState s);

    /** The journal index of the last record applied to the slot, or {@code JournalIndex.NONE}. */
    long lastIndex(int slot);

    /** Called with every slot of a table once, in no particular order; {@code state} is reused. */
    @FunctionalInterface
    interface SlotVisitor {
        void visit(int slot, SlotState state);
    }

    /** Visits every slot once (in slot order here; a table read in bulk may go in its own order). */
    default void forEach(SlotVisitor visitor) {
        SlotState s = new SlotState();
        for (int slot = 0; slot < nrSlots(); slot++) {
            load(slot, s);
            visitor.visit(slot, s);
        }
    }

    @Override
    void close();
}
