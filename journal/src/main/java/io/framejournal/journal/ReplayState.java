package io.framejournal.journal;

import java.util.Arrays;

/**
 * Every slot's owner state in compact primitive arrays (no object per slot): what replay rebuilds from a journal.
 * Slots move through {@link SlotState} so that {@link Transition#apply} is the only meaning of an event.
 */
public final class ReplayState {
    private final int nrSlots;
    private final long[] refCount;
    private final byte[] usage;
    private final int[] inList;
    private final short[] metaType;
    private final long[] meta0;
    private final long[] meta1;
    private final long[] raw;
    private final long[] obligations;
    private final long[] lastIndex;

    public ReplayState(int nrSlots) {
        this.nrSlots = nrSlots;
        refCount = new long[nrSlots];
        usage = new byte[nrSlots];
        inList = new int[nrSlots];
        metaType = new short[nrSlots];
        meta0 = new long[nrSlots];
        meta1 = new long[nrSlots];
        raw = new long[nrSlots];
        obligations = new long[nrSlots];
        lastIndex = new long[nrSlots];
        Arrays.fill(refCount, RefCount.UNUSED);
        Arrays.fill(lastIndex, JournalIndex.NONE);
    }

    public int nrSlots() {
        return nrSlots;
    }

    public void load(int slot, SlotState s) {
        s.refCount = refCount[slot];
        s.usage = usage[slot];
        s.inList = inList[slot];
        s.metaType = metaType[slot];
        s.meta0 = meta0[slot];
        s.meta1 = meta1[slot];
        s.raw = raw[slot];
        s.obligations = obligations[slot];
        s.lastIndex = lastIndex[slot];
    }

    public void store(int slot, SlotState s) {
        refCount[slot] = s.refCount;
        usage[slot] = s.usage;
        inList[slot] = s.inList;
        metaType[slot] = s.metaType;
        meta0[slot] = s.meta0;
        meta1[slot] = s.meta1;
        raw[slot] = s.raw;
        obligations[slot] = s.obligations;
        lastIndex[slot] = s.lastIndex;
    }

    /**
     * Applies one slot event through {@link Transition#apply}, using {@code scratch} as the working slot.
     *
     * @return the verdict, or {@link Verdict#BAD_SLOT} for a slot outside the region (then nothing changes)
     */
    public Verdict apply(JournalEvent e, SlotState scratch) {
        if (!e.kind.changesSlot()) {
            return Verdict.OK;
        }
        if (e.slot < 0 || e.slot >= nrSlots) {
            return Verdict.BAD_SLOT;
        }
        load(e.slot, scratch);
        Verdict v = Transition.apply(scratch, e);
        store(e.slot, scratch);
        return v;
    }

    public long refCount(int slot) {
        return refCount[slot];
    }

    public long obligations(int slot) {
        return obligations[slot];
    }

    public long raw(int slot) {
        return raw[slot];
    }

    public long lastIndex(int slot) {
        return lastIndex[slot];
    }

    public byte usage(int slot) {
        return usage[slot];
    }

    public short metaType(int slot) {
        return metaType[slot];
    }

    public int inList(int slot) {
        return inList[slot];
    }

    /** Replays a whole journal from its start into a new state. Reading problems end the replay early. */
    public static ReplayState replay(JournalReader reader, int nrSlots) {
        ReplayState state = new ReplayState(nrSlots);
        JournalEvent e = new JournalEvent();
        SlotState scratch = new SlotState();
        while (reader.next(e)) {
            state.apply(e, scratch);
        }
        return state;
    }
}
