package io.framejournal.journal;

/**
 * Every slot's owner state, replayed: one 64-byte line per slot (8 longs in one {@code long[]}, the same size as the
 * slot table's value), so applying an event touches one cache line and no object exists per slot. Slots move through
 * {@link SlotState} so that {@link Transition#apply} is the only meaning of an event.
 *
 * <pre>
 *  word 0 refCount  1 lastIndex  2 meta0  3 meta1  4 raw  5 obligations
 *  6 inList (bits 0..31) | metaType (32..47) | usage (48..55)   7 unused
 * </pre>
 */
public final class ReplayState {
    private static final int WORDS = 8;
    /** The most slots one {@code long[]} of 8 words per slot can hold. */
    public static final int MAX_SLOTS = 1 << 28;

    private final int nrSlots;
    private final long[] w;
    /** The scratch state that holds {@link #loadedSlot}'s current state (the slot of the last event applied). */
    private SlotState loadedInto;

    private int loadedSlot = -1;

    public ReplayState(int nrSlots) {
        if (nrSlots > MAX_SLOTS) {
            throw new RegionException("replay holds at most " + MAX_SLOTS + " frames (1 TiB of memory) in one array;"
                    + " this region has " + nrSlots);
        }
        this.nrSlots = nrSlots;
        this.w = new long[nrSlots * WORDS];
        for (int slot = 0; slot < nrSlots; slot++) {
            w[slot * WORDS] = RefCount.UNUSED;
            w[slot * WORDS + 1] = JournalIndex.NONE;
        }
    }

    public int nrSlots() {
        return nrSlots;
    }

    /** Words per slot. */
    static final int SLOT_WORDS = WORDS;

    /** The backing words, {@link #SLOT_WORDS} per slot (for checkpoints: saved and loaded as they are). */
    long[] words() {
        loadedSlot = -1; // whoever writes them invalidates the cached slot
        return w;
    }

    /** Whether a slot is as it was before any event touched it. */
    public boolean pristine(int slot) {
        int b = slot * WORDS;
        return w[b] == RefCount.UNUSED
                && w[b + 1] == JournalIndex.NONE
                && w[b + 2] == 0
                && w[b + 3] == 0
                && w[b + 4] == 0
                && w[b + 5] == 0
                && w[b + 6] == 0;
    }

    public void load(int slot, SlotState s) {
        int b = slot * WORDS;
        s.refCount = w[b];
        s.lastIndex = w[b + 1];
        s.meta0 = w[b + 2];
        s.meta1 = w[b + 3];
        s.raw = w[b + 4];
        s.obligations = w[b + 5];
        long packed = w[b + 6];
        s.inList = (int) packed;
        s.metaType = (short) (packed >>> 32);
        s.usage = (byte) (packed >>> 48);
    }

    public void store(int slot, SlotState s) {
        if (s != loadedInto || slot != loadedSlot) {
            loadedSlot = -1; // a store from elsewhere: the cached scratch may be stale
        }
        int b = slot * WORDS;
        w[b] = s.refCount;
        w[b + 1] = s.lastIndex;
        w[b + 2] = s.meta0;
        w[b + 3] = s.meta1;
        w[b + 4] = s.raw;
        w[b + 5] = s.obligations;
        w[b + 6] = (s.inList & 0xffff_ffffL) | (s.metaType & 0xffffL) << 32 | (s.usage & 0xffL) << 48;
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
        // the events of one record's group follow each other: the scratch already holds the slot after the first
        if (e.groupStart || scratch != loadedInto || e.slot != loadedSlot) {
            load(e.slot, scratch);
            loadedInto = scratch;
            loadedSlot = e.slot;
        }
        Verdict v = Transition.apply(scratch, e);
        store(e.slot, scratch);
        return v;
    }

    public long refCount(int slot) {
        return w[slot * WORDS];
    }

    public long lastIndex(int slot) {
        return w[slot * WORDS + 1];
    }

    public long raw(int slot) {
        return w[slot * WORDS + 4];
    }

    public long obligations(int slot) {
        return w[slot * WORDS + 5];
    }

    public int inList(int slot) {
        return (int) w[slot * WORDS + 6];
    }

    public short metaType(int slot) {
        return (short) (w[slot * WORDS + 6] >>> 32);
    }

    public byte usage(int slot) {
        return (byte) (w[slot * WORDS + 6] >>> 48);
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
