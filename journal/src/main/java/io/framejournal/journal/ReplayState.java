package io.framejournal.journal;

/**
 * Every slot's owner state, replayed: one 64-byte line per slot (8 longs in one {@code long[]}, the same size as the
 * slot table's value), so applying an event touches one cache line and no object exists per slot. An event is checked
 * by {@link Transition}'s verdict for its kind, given the one field the kind is about, and changes that field and the
 * slot's lastIndex in place, exactly as {@link Transition#redo} changes a {@link SlotState} (a test checks the two give
 * the same verdicts and states).
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

    private static final int REF = 0;
    private static final int LAST = 1;
    private static final int META0 = 2;
    private static final int META1 = 3;
    private static final int RAW = 4;
    private static final int OBLIGATIONS = 5;
    private static final int PACKED = 6;
    private static final long META_TYPE_BITS = 0xffffL << 32;
    private static final long USAGE_BITS = 0xffL << 48;

    private final int nrSlots;
    private final long[] w;

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
     * Applies one slot event and leaves the slot's state after it in {@code scratch} (for callers that look at the
     * whole slot after each event).
     *
     * @return the verdict, or {@link Verdict#BAD_SLOT} for a slot outside the region (then nothing changes)
     */
    public Verdict apply(JournalEvent e, SlotState scratch) {
        Verdict v = apply(e);
        if (v != Verdict.BAD_SLOT && e.kind.changesSlot()) {
            load(e.slot, scratch);
        }
        return v;
    }

    /**
     * Applies one slot event to its slot's words: the verdict of {@link Transition#check} for the slot's current state,
     * and the state {@link Transition#redo} leaves (the event's "after" values win whatever the verdict, so a replay
     * goes on past a finding). Only the field the event is about and lastIndex are read and written.
     *
     * @return the verdict, or {@link Verdict#BAD_SLOT} for a slot outside the region (then nothing changes)
     */
    public Verdict apply(JournalEvent e) {
        if (!e.kind.changesSlot()) {
            return Verdict.OK;
        }
        if (e.slot < 0 || e.slot >= nrSlots) {
            return Verdict.BAD_SLOT;
        }
        int b = e.slot * WORDS;
        Verdict v;
        switch (e.kind) {
            case REFCOUNT:
                v = Transition.refCount(w[b + REF], e);
                w[b + REF] = e.after;
                break;
            case USAGE:
                v = Transition.usage((byte) (w[b + PACKED] >>> 48), e);
                w[b + PACKED] = (w[b + PACKED] & ~USAGE_BITS) | (e.after & 0xffL) << 48;
                break;
            case META_WRITE:
                v = Transition.metaWrite((short) (w[b + PACKED] >>> 32), e);
                w[b + PACKED] = (w[b + PACKED] & ~META_TYPE_BITS) | (e.metaType & 0xffffL) << 32;
                w[b + META0] = e.before;
                w[b + META1] = e.after;
                break;
            case META_DROP:
                v = Transition.metaDrop((short) (w[b + PACKED] >>> 32), e);
                w[b + PACKED] &= ~META_TYPE_BITS;
                w[b + META0] = 0;
                w[b + META1] = 0;
                break;
            case MINT:
                v = Transition.mint(w[b + OBLIGATIONS], e);
                w[b + OBLIGATIONS] = e.after;
                break;
            case REDEEM:
                v = Transition.redeem(w[b + OBLIGATIONS], e);
                w[b + OBLIGATIONS] = e.after;
                break;
            case RAW_FORGET:
                v = Transition.rawForget(w[b + RAW], e);
                w[b + RAW] = e.after;
                break;
            case RAW_RESTORE:
                v = Transition.rawRestore(w[b + RAW], e);
                w[b + RAW] = e.after;
                break;
            case LIST:
                v = Transition.list((int) w[b + PACKED], e);
                w[b + PACKED] = (w[b + PACKED] & ~0xffff_ffffL) | (e.after & 0xffff_ffffL);
                break;
            default:
                return Verdict.OK; // no other kind changes a slot
        }
        w[b + LAST] = e.index;
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
        while (reader.next(e)) {
            state.apply(e);
        }
        return state;
    }
}
