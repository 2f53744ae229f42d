package io.framejournal.allocator;

import io.framejournal.journal.SlotState;

/** A slot table read by a forensic command: never written. */
public interface SlotSource extends AutoCloseable {
    int nrSlots();

    /** Reads a slot into {@code s}. */
    void load(int slot, SlotState s);

    /** The journal index of the last record applied to the slot, or {@code JournalIndex.NONE}. */
    long lastIndex(int slot);

    @Override
    void close();
}
