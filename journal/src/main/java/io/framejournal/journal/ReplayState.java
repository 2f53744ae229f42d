package io.framejournal.journal;

/**
 * Every slot's owner state, replayed: one 64-byte line per slot (8 longs, the same size as the slot table's value), so
 * applying an event touches one cache line and no object exists per slot. Lines live in pages of 4,096 slots made
 * when a slot in them is first written (a page never written is all free), so memory follows the slots the journal
 * touched, not the region's size. An event is checked by {@link Transition}'s verdict for its kind, given the one
 * field the kind is about, and changes that field and the slot's lastIndex in place ({@link #apply(JournalEvent)}),
 * exactly as {@link Transition#redo} changes a {@link SlotState} (a test checks the two give the same verdicts and
 * states); {@link #apply(JournalEvent, SlotState)} goes through {@link SlotState} and {@link Transition#apply}.
 *
 * <pre>
 *  word 0 refCount  1 lastIndex  2 meta0  3 meta1  4 raw  5 obligations
 *  6 inList (bits 0..31) | metaType (32..47) | usage (48..55) | last op (56..63)   7 last handle
 * </pre>
 *
 * <p>The last op and handle are not slot state: {@link LedgerReplay} keeps each slot's in the slot's own line, where
 * applying a record has it in hand (no array sized by the region, no second cache line per slot); {@link #load},
 * {@link #store}, {@link #apply} and the invariants leave them alone.
 *
 * <pre>
 * </pre>
 */
public final class ReplayState {
    private static final int WORDS = 8;
    /** The most slots one {@code long[]} of 8 words per slot can hold. */
    public static final int MAX_SLOTS = 1 << 28;
    /** Slots per page: pages are made when a slot in them is first written, so memory follows the slots touched. */
    private static final int PAGE_BITS = 12;

    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;

    static final int REF = 0;
    static final int LAST = 1;
    static final int META0 = 2;
    static final int META1 = 3;
    static final int RAW = 4;
    static final int OBLIGATIONS = 5;
    /** inList in bits 0..31, metaType in 32..47, usage in 48..55: read and written only through the methods below. */
    static final int PACKED = 6;

    private static final long IN_LIST_BITS = 0xffff_ffffL;
    private static final long META_TYPE_BITS = 0xffffL << 32;
    private static final long USAGE_BITS = 0xffL << 48;
    /** {@link LedgerReplay}'s last op of the slot, in {@link #PACKED}'s top byte (not slot state). */
    private static final long LAST_OP_BITS = 0xffL << 56;
    /** {@link LedgerReplay}'s last handle of the slot (not slot state). */
    private static final int LAST_HANDLE = 7;

    private static int lastOpOf(long packed) {
        return (int) (packed >>> 56);
    }

    private static long withLastOp(long packed, int op) {
        return (packed & ~LAST_OP_BITS) | (op & 0xffL) << 56;
    }

    /** {@link #PACKED} as slot state alone (as a checkpoint saves it). */
    static long withoutLastOp(long packed) {
        return packed & ~LAST_OP_BITS;
    }

    static int inListOf(long packed) {
        return (int) packed;
    }

    static short metaTypeOf(long packed) {
        return (short) (packed >>> 32);
    }

    static byte usageOf(long packed) {
        return (byte) (packed >>> 48);
    }

    static long withInList(long packed, long inList) {
        return (packed & ~IN_LIST_BITS) | (inList & IN_LIST_BITS);
    }

    static long withMetaType(long packed, long metaType) {
        return (packed & ~META_TYPE_BITS) | (metaType & 0xffffL) << 32;
    }

    static long withUsage(long packed, long usage) {
        return (packed & ~USAGE_BITS) | (usage & 0xffL) << 48;
    }

    private final int nrSlots;
    /** Pages of {@code 1 << PAGE_BITS} slots; {@code null}: every slot in it is still free (never written). */
    private final long[][] pages;
    /** The scratch state that holds {@link #loadedSlot}'s current state (the slot of the last event applied). */
    private SlotState loadedInto;

    private int loadedSlot = -1;

    public ReplayState(int nrSlots) {
        if (nrSlots > MAX_SLOTS) {
            throw new RegionException("replay holds at most " + MAX_SLOTS + " frames (1 TiB of memory) in one array;"
                    + " this region has " + nrSlots);
        }
        this.nrSlots = nrSlots;
        this.pages = new long[(nrSlots + PAGE_MASK) >>> PAGE_BITS][];
    }

    public int nrSlots() {
        return nrSlots;
    }

    /** Pages of slots written so far (each {@code 4096 * 64} bytes): what this state holds in memory. */
    public int pagesInUse() {
        int n = 0;
        for (long[] p : pages) {
            n += p == null ? 0 : 1;
        }
        return n;
    }

    /** Whether a slot is as it was before any event touched it. */
    public boolean pristine(int slot) {
        long[] p = pages[slot >>> PAGE_BITS];
        if (p == null) {
            return true;
        }
        int b = (slot & PAGE_MASK) * WORDS;
        return p[b] == RefCount.UNUSED
                && p[b + 1] == JournalIndex.NONE
                && p[b + 2] == 0
                && p[b + 3] == 0
                && p[b + 4] == 0
                && p[b + 5] == 0
                && p[b + 6] == 0;
    }

    /** Sets one word of a slot as it is (for loading a checkpoint). */
    void setWord(int slot, int word, long value) {
        loadedSlot = -1;
        pageForWrite(slot)[(slot & PAGE_MASK) * WORDS + word] = value;
    }

    long word(int slot, int word) {
        long[] p = pages[slot >>> PAGE_BITS];
        if (p == null) {
            return word == 0 ? RefCount.UNUSED : word == 1 ? JournalIndex.NONE : 0;
        }
        return p[(slot & PAGE_MASK) * WORDS + word];
    }

    private long[] pageForWrite(int slot) {
        long[] p = pages[slot >>> PAGE_BITS];
        if (p == null) {
            p = new long[WORDS << PAGE_BITS];
            for (int b = 0; b < p.length; b += WORDS) {
                p[b] = RefCount.UNUSED;
                p[b + 1] = JournalIndex.NONE;
            }
            pages[slot >>> PAGE_BITS] = p;
        }
        return p;
    }

    /**
     * For a walk that judges and writes a slot's packed words itself ({@link LedgerReplay#applyRecord}): the array that
     * holds the slot (made when first written); the slot's words start at {@link #base}.
     */
    long[] wordsForWrite(int slot) {
        loadedSlot = -1;
        return pageForWrite(slot);
    }

    /** Sets {@link LedgerReplay}'s last op and handle of a slot (not slot state: a loaded copy stays valid). */
    void setLast(int slot, int op, long handle) {
        setLast(pageForWrite(slot), (slot & PAGE_MASK) * WORDS, op, handle);
    }

    /** {@link #setLast(int, int, long)} on a slot's words in hand ({@link #wordsForWrite}, {@link #base}). */
    static void setLast(long[] w, int b, int op, long handle) {
        w[b + PACKED] = withLastOp(w[b + PACKED], op);
        w[b + LAST_HANDLE] = handle;
    }

    int lastOp(int slot) {
        return lastOpOf(word(slot, PACKED));
    }

    long lastHandle(int slot) {
        return word(slot, LAST_HANDLE);
    }

    /** Where a slot's words start in the array {@link #wordsForWrite} gives. */
    static int base(int slot) {
        return (slot & PAGE_MASK) * WORDS;
    }

    public void load(int slot, SlotState s) {
        long[] w = pages[slot >>> PAGE_BITS];
        if (w == null) {
            s.refCount = RefCount.UNUSED;
            s.lastIndex = JournalIndex.NONE;
            s.meta0 = 0;
            s.meta1 = 0;
            s.raw = 0;
            s.obligations = 0;
            s.inList = 0;
            s.metaType = 0;
            s.usage = 0;
            return;
        }
        int b = (slot & PAGE_MASK) * WORDS;
        s.refCount = w[b + REF];
        s.lastIndex = w[b + LAST];
        s.meta0 = w[b + META0];
        s.meta1 = w[b + META1];
        s.raw = w[b + RAW];
        s.obligations = w[b + OBLIGATIONS];
        long packed = w[b + PACKED];
        s.inList = inListOf(packed);
        s.metaType = metaTypeOf(packed);
        s.usage = usageOf(packed);
    }

    public void store(int slot, SlotState s) {
        if (s != loadedInto || slot != loadedSlot) {
            loadedSlot = -1; // a store from elsewhere: the cached scratch may be stale
        }
        long[] w = pageForWrite(slot);
        int b = (slot & PAGE_MASK) * WORDS;
        w[b + REF] = s.refCount;
        w[b + LAST] = s.lastIndex;
        w[b + META0] = s.meta0;
        w[b + META1] = s.meta1;
        w[b + RAW] = s.raw;
        w[b + OBLIGATIONS] = s.obligations;
        w[b + PACKED] =
                withUsage(withMetaType(withInList(w[b + PACKED] & LAST_OP_BITS, s.inList), s.metaType), s.usage);
    }

    /**
     * Applies one slot event to its slot's words through {@link Transition#applyToWords}: the verdict of
     * {@link Transition#check} and the state {@link Transition#redo} leaves (the event's "after" values win whatever the
     * verdict, so a replay goes on past a finding). Only the field the event is about and lastIndex are read and
     * written.
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
        if (e.slot == loadedSlot) {
            loadedSlot = -1; // the cached scratch no longer holds this slot's state
        }
        long[] w = pageForWrite(e.slot);
        int b = (e.slot & PAGE_MASK) * WORDS;
        return Transition.applyToWords(w, b, e);
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
        return word(slot, REF);
    }

    public long lastIndex(int slot) {
        return word(slot, LAST);
    }

    public long raw(int slot) {
        return word(slot, RAW);
    }

    public long obligations(int slot) {
        return word(slot, OBLIGATIONS);
    }

    public int inList(int slot) {
        return inListOf(word(slot, PACKED));
    }

    public short metaType(int slot) {
        return metaTypeOf(word(slot, PACKED));
    }

    public byte usage(int slot) {
        return usageOf(word(slot, PACKED));
    }

    /**
     * Applies a whole checked format-2 record, read in place: each slot group's entries through
     * {@link Transition#redoEntry} on the slot's packed words, then its lastIndex once. The state it leaves is the
     * state {@link #apply(JournalEvent)} leaves after each of the record's events (a test checks it over random
     * records); no verdict is computed. A slot outside the region is skipped, as {@link #apply} skips it. Bounds are
     * checked once per group and per entry against the record's length (a record changed under the reader since its
     * check throws {@link IndexOutOfBoundsException}).
     */
    void applyRecord(RecordDecoder d) {
        loadedSlot = -1;
        int p = d.bodyStart();
        if (p < 0) {
            return; // a marker: no marker kind changes a slot
        }
        int groups = d.groups();
        int len = d.length();
        long index = d.index();
        for (int g = 0; g < groups; g++) {
            if (p > len - RecordFormat.GROUP) {
                throw d.outside(p);
            }
            int slot = d.rawI32(p);
            int n = d.rawI16(p + 4) & 0xffff;
            p += RecordFormat.GROUP;
            boolean inRegion = slot >= 0 && slot < nrSlots;
            long[] w = inRegion ? pageForWrite(slot) : null;
            int b = (slot & PAGE_MASK) * WORDS;
            for (int i = 0; i < n; i++) {
                if (p > len - RecordFormat.NARROW) {
                    throw d.outside(p);
                }
                int kb = d.rawU8(p);
                if ((kb & RecordFormat.WIDE_BIT) == 0) {
                    if (inRegion) {
                        Transition.redoEntry(w, b, kb, 0, d.rawI32(p + 4), d.rawI32(p + 8));
                    }
                    p += RecordFormat.NARROW;
                } else {
                    if (p > len - RecordFormat.WIDE) {
                        throw d.outside(p);
                    }
                    if (inRegion) {
                        Transition.redoEntry(w, b, kb, d.rawI16(p + 2), d.rawI64(p + 4), d.rawI64(p + 12));
                    }
                    p += RecordFormat.WIDE;
                }
            }
            if (inRegion) {
                w[b + LAST] = index;
            }
        }
    }

    /**
     * Replays a whole journal from its start into a new state. A format-2 record is applied whole, in place in its
     * mapping ({@link #applyRecord}: no event object filled, the record checked once by the reader); a format-1
     * record's one event through {@link #apply(JournalEvent)}. Both leave the state {@link Transition#apply} would.
     * Reading problems end the replay early ({@link JournalReader#stopReason()}).
     */
    public static ReplayState replay(JournalReader reader, int nrSlots) {
        ReplayState state = new ReplayState(nrSlots);
        state.applyAll(reader);
        return state;
    }

    /**
     * Applies every event the reader has left, as {@link #replay} does (format-2 records whole, in place; format-1
     * events one by one; no verdicts). Reading problems end it early ({@link JournalReader#stopReason()}).
     *
     * @return the events applied (read)
     */
    public long applyAll(JournalReader reader) {
        long before = reader.eventsRead();
        JournalEvent e = new JournalEvent();
        for (; ; ) {
            int read = reader.nextWhole(e);
            if (read == JournalReader.WHOLE_RECORD) {
                try {
                    applyRecord(reader.decoder());
                } catch (RuntimeException | InternalError x) {
                    reader.stopInRecord(x);
                    break;
                }
            } else if (read == JournalReader.ONE_EVENT) {
                apply(e);
            } else {
                break;
            }
        }
        return reader.eventsRead() - before;
    }
}
