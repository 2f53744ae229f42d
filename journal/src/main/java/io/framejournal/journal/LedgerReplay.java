package io.framejournal.journal;

/**
 * Everything a replay of a journal knows at one point: every slot's state ({@link ReplayState}, through the one
 * {@link Transition#apply}), who holds each outstanding obligation and raw reference ({@link SlotLedger}: handle, op,
 * minting index), each slot's last op and handle, and the counters the audit and {@code stats} report. It is advanced
 * one event at a time and allocates nothing per event; a {@link CheckpointFile} persists it at a record boundary so
 * that a later replay starts there instead of at the journal's start.
 *
 * <p>Findings go to a {@link Listener}; their counts are kept here (they are part of a checkpoint), their details by
 * whoever listens.
 */
public final class LedgerReplay {
    private static final int RECLAIM = OpCode.RECOVERY_RECLAIM.code();
    private static final int MINT = EventKind.MINT.code();
    private static final int REDEEM = EventKind.REDEEM.code();
    private static final int RAW_FORGET = EventKind.RAW_FORGET.code();
    private static final int RAW_RESTORE = EventKind.RAW_RESTORE.code();

    private final int nrSlots;
    final ReplayState state;
    final SlotLedger obligations;
    final SlotLedger raw;
    final long[] counters = new long[Counter.SIZE];
    /**
     * Slots whose last event lacked the op-end flag (format 2: only between the events of one record): one bit per
     * slot and a count of the bits set. Not a {@link java.util.BitSet}: clearing its highest set bit rescans the words
     * below it, which made every format-2 record cost a pass over the region.
     */
    private final long[] midOp;

    private int midOpCount;

    private final SlotState scratch = new SlotState();
    /** Index and sequence number of the last record applied; {@link JournalIndex#NONE} before the first. */
    long lastRecord = JournalIndex.NONE;

    long lastSeq = -1;
    int lastCrc;
    private Listener listener = Listener.NONE;
    /**
     * Call-site ids the region's site table holds (1..n; ids are given densely), or -1 when not known: then no record's
     * site is judged. Not part of a checkpoint, and its findings are not counted here (only told): a replay that
     * does not know the table (the checkpointer's, recovery's) counts the same as one that does.
     */
    private int knownSites = -1;

    public LedgerReplay(int nrSlots) {
        this.nrSlots = nrSlots;
        this.state = new ReplayState(nrSlots);
        this.obligations = new SlotLedger(nrSlots);
        this.raw = new SlotLedger(nrSlots);
        this.midOp = new long[(nrSlots + 63) >>> 6];
        counters[Counter.FIRST_INDEX] = JournalIndex.NONE;
    }

    /**
     * Judges every record's call-site id against a site table of {@code sites} entries from now on: a record that names
     * a site the table lacks is an {@code UNKNOWN_SITE} finding (told to the listener, not counted: see
     * {@link #knownSites}). The writer writes a site's entry before the record naming it, so a journal whose records
     * name sites its region's table lacks was not written with that table. -1: judge none.
     */
    public LedgerReplay knownSites(int sites) {
        this.knownSites = sites;
        return this;
    }

    /** Where findings go from now on. */
    public LedgerReplay listener(Listener l) {
        this.listener = l == null ? Listener.NONE : l;
        return this;
    }

    /**
     * Applies one event; the caller hands out every event of a record in order.
     *
     * @param recordCrc the stored CRC-32C of the event's record (format 2; 0 for format 1), kept to identify the
     *                  last record applied
     */
    public void apply(JournalEvent e, int recordCrc) {
        if (e.index != lastRecord) {
            counters[Counter.RECORDS]++;
            lastRecord = e.index;
            lastSeq = e.seq;
            lastCrc = recordCrc;
            if (knownSites >= 0 && Integer.compareUnsigned(e.site, knownSites) > 0) {
                unknownSite(e);
            }
        }
        if (counters[Counter.EVENTS]++ == 0) {
            counters[Counter.FIRST_INDEX] = e.index;
            counters[Counter.FIRST_TIME] = e.timestamp;
        }
        counters[Counter.LAST_TIME] = e.timestamp;
        counters[Counter.BY_KIND + (e.kind.code() & 0xff)]++;
        counters[Counter.BY_OP + (e.op & 0xff)]++;
        if (e.kind.changesSlot()) {
            onSlotEvent(e);
        } else {
            onMarker(e);
        }
    }

    private void onSlotEvent(JournalEvent e) {
        boolean inRegion = e.slot >= 0 && e.slot < nrSlots;
        long previous = inRegion ? state.lastIndex(e.slot) : JournalIndex.NONE; // before apply overwrites it
        Verdict v = state.apply(e); // in place: only the changed field and lastIndex are written
        if (v == Verdict.BAD_SLOT) {
            counters[Counter.TRANSITION_FINDINGS]++;
            listener.transition(e, v.name(), outsideRegion(e.slot));
            return;
        }
        if (e.groupStart && e.version == RecordFormat.VERSION && e.prevIndex != previous) {
            brokenChain(e, previous);
        }
        if (v != Verdict.OK) {
            counters[Counter.TRANSITION_FINDINGS]++;
            listener.transition(e, v.name(), null);
        }
        int slot = e.slot;
        long missing = changeLedger(e.kind.code(), slot, e.op, e.handle, e.index, e.before, e.after, e.site);
        if (missing != 0) {
            unattributed(e, missing);
        }
        state.setLast(slot, e.op, e.handle);
        if (e.isOpEnd()) {
            clearMidOp(slot);
            state.load(slot, scratch); // the slot at its quiet point: one load per record group, not per event
            int bad = SlotInvariant.checkAll(scratch);
            if (bad != 0) {
                counters[Counter.INVARIANT_FINDINGS]++;
                listener.invariant(e, bad, scratch);
            }
        } else {
            setMidOp(slot);
        }
    }

    /**
     * Applies what {@link JournalReader#nextWhole} has just read: a format-2 record whole, in place in its mapping
     * ({@link #applyRecord}), or one event ({@link #apply}). A record whose bytes turn out to be unreadable while it is
     * walked (its file truncated or changed under the mapping since its check) stops the reader there, as
     * {@link JournalReader#next} does; the events applied before stay applied.
     *
     * @param read what {@code nextWhole} returned ({@link JournalReader#WHOLE_RECORD} or
     *             {@link JournalReader#ONE_EVENT})
     * @param e the event {@code nextWhole} was given (a whole record's marker event is read into it)
     * @return false when reading stopped in the record
     */
    public boolean applyRead(JournalReader reader, int read, JournalEvent e) {
        Throwable failed =
                apply(read, read == JournalReader.WHOLE_RECORD ? reader.decoder() : null, reader.recordCrc(), e);
        return failed == null || reader.stopInRecord(failed);
    }

    /**
     * {@link #applyRead(JournalReader, int, JournalEvent)} for what a {@link ReadAhead} handed out: the record is
     * applied on this thread, behind the thread that read and checked it.
     */
    public boolean applyRead(ReadAhead ahead, int read, JournalEvent e) {
        Throwable failed =
                apply(read, read == JournalReader.WHOLE_RECORD ? ahead.decoder() : null, ahead.recordCrc(), e);
        return failed == null || ahead.stopInRecord(failed);
    }

    /** @return {@code null}, or what made the whole record in {@code d} unreadable while it was walked */
    private Throwable apply(int read, RecordDecoder d, int recordCrc, JournalEvent e) {
        if (read != JournalReader.WHOLE_RECORD) {
            apply(e, recordCrc);
            return null;
        }
        try {
            applyRecord(d, recordCrc, e);
            return null;
        } catch (IndexOutOfBoundsException | InternalError x) {
            return x;
        }
    }

    /**
     * Applies a whole checked format-2 record as {@link #apply} applies each of its events in turn, with the same
     * counters, verdicts, ledger, invariant checks and findings, but read in place: no event is filled per entry. A
     * finding's event is filled ({@link RecordDecoder#eventAt}) only when a listener is told of it. A marker record's
     * one event goes through {@link #apply}, read into {@code e}. A test checks both ways over random records.
     */
    void applyRecord(RecordDecoder d, int recordCrc, JournalEvent e) {
        int p = d.bodyStart();
        if (p < 0) {
            if (d.next(e)) {
                apply(e, recordCrc);
            }
            return;
        }
        long index = d.index();
        int op = d.rawU8(RecordFormat.OP_OFF); // bodyStart checked the header's bounds
        long time = d.rawI64(RecordFormat.TIME_OFF);
        int events = d.events();
        counters[Counter.RECORDS]++;
        lastRecord = index;
        lastSeq = d.rawI64(RecordFormat.SEQ_OFF);
        lastCrc = recordCrc;
        if (counters[Counter.EVENTS] == 0) {
            counters[Counter.FIRST_INDEX] = index;
            counters[Counter.FIRST_TIME] = time;
        }
        counters[Counter.EVENTS] += events;
        counters[Counter.LAST_TIME] = time;
        counters[Counter.BY_OP + op] += events;
        long callHandle = d.rawI64(RecordFormat.HANDLE_OFF);
        long redeemHandle = p > RecordFormat.HEADER ? d.rawI64(RecordFormat.HEADER) : callHandle;
        int site = d.rawI32(RecordFormat.SITE_OFF);
        int groups = d.rawI32(RecordFormat.COUNT_OFF);
        int len = d.length();
        if (knownSites >= 0 && Integer.compareUnsigned(site, knownSites) > 0) {
            d.eventAt(e, p, p + RecordFormat.GROUP, true, (d.rawI16(p + 4) & 0xffff) == 1);
            unknownSite(e);
        }
        for (int g = 0; g < groups; g++) {
            if (p > len - RecordFormat.GROUP) {
                throw d.outside(p);
            }
            int group = p;
            int slot = d.rawI32(p);
            int n = d.rawI16(p + 4) & 0xffff;
            p += RecordFormat.GROUP;
            if (slot < 0 || slot >= nrSlots) {
                p = outsideRegion(d, e, group, p, n);
                continue;
            }
            long[] w = state.wordsForWrite(slot);
            int b = ReplayState.base(slot);
            long previous = w[b + ReplayState.LAST];
            w[b + ReplayState.LAST] = index; // every entry sets it; set before any finding is told
            if (d.rawI64(group + 8) != previous) {
                d.eventAt(e, group, p, true, n == 1);
                brokenChain(e, previous);
            }
            long handle = callHandle;
            int entry = p;
            for (int i = 0; i < n; i++) {
                if (p > len - RecordFormat.NARROW) {
                    throw d.outside(p);
                }
                entry = p;
                int kb = d.rawU8(p);
                int flags = d.rawU8(p + 1);
                short metaType;
                long before;
                long after;
                if ((kb & RecordFormat.WIDE_BIT) == 0) {
                    metaType = 0;
                    before = d.rawI32(p + 4);
                    after = d.rawI32(p + 8);
                    p += RecordFormat.NARROW;
                } else {
                    if (p > len - RecordFormat.WIDE) {
                        throw d.outside(p);
                    }
                    metaType = d.rawI16(p + 2);
                    before = d.rawI64(p + 4);
                    after = d.rawI64(p + 12);
                    p += RecordFormat.WIDE;
                }
                int kind = kb & ~RecordFormat.WIDE_BIT;
                counters[Counter.BY_KIND + kind]++;
                Verdict v = Transition.checkEntry(w, b, kb, op, flags, metaType, before, after);
                Transition.redoEntry(w, b, kb, metaType, before, after);
                if (v != Verdict.OK) {
                    counters[Counter.TRANSITION_FINDINGS]++;
                    d.eventAt(e, group, entry, i == 0, i == n - 1);
                    listener.transition(e, v.name(), null);
                }
                handle = kind == REDEEM ? redeemHandle : callHandle;
                long missing = changeLedger(kind, slot, op, handle, index, before, after, site);
                if (missing != 0) {
                    d.eventAt(e, group, entry, i == 0, i == n - 1);
                    unattributed(e, missing);
                }
            }
            ReplayState.setLast(w, b, op, handle); // in the slot's line, in hand
            if (midOpCount != 0) { // only a format-1 journal's unfinished operation leaves a slot mid-op
                clearMidOp(slot);
            }
            int bad = SlotInvariant.checkAll(w, b); // the slot at its quiet point: the end of its group
            if (bad != 0) {
                counters[Counter.INVARIANT_FINDINGS]++;
                state.load(slot, scratch);
                d.eventAt(e, group, entry, n == 1, true);
                listener.invariant(e, bad, scratch);
            }
        }
    }

    /**
     * What an event of kind {@code kind} (its code) changes in the attribution ledgers: a MINT or RAW_FORGET adds to
     * the handle's entry, a REDEEM takes from it (recovery's reclaim, or a REDEEM without a handle, clears the slot), a
     * RAW_RESTORE takes the newest raw references (or all of them, for the reclaim). The one place for both the
     * per-event and the whole-record path.
     *
     * @return how many obligations a REDEEM took that its handle did not hold (0 for every other case)
     */
    private long changeLedger(int kind, int slot, int op, long handle, long index, long before, long after, int site) {
        if (kind == MINT) {
            obligations.add(slot, handle, op, index, Math.max(1, after - before), site);
        } else if (kind == REDEEM) {
            if (op == RECLAIM || handle == 0) {
                obligations.clear(slot);
            } else {
                return obligations.removeFrom(slot, handle, Math.max(1, before - after));
            }
        } else if (kind == RAW_FORGET) {
            raw.add(slot, handle, op, index, Math.max(1, after - before), site);
        } else if (kind == RAW_RESTORE) {
            if (op == RECLAIM) {
                raw.clear(slot);
            } else {
                raw.removeNewest(slot, Math.max(1, before - after));
            }
        }
        return 0;
    }

    /**
     * A REDEEM of obligations its handle never minted on the slot: one finding per event, however many it redeemed (a
     * count from an untrusted journal bounds nothing).
     */
    private void unattributed(JournalEvent e, long missing) {
        counters[Counter.TRANSITION_FINDINGS]++;
        listener.transition(
                e,
                "UNATTRIBUTED_REDEEM",
                missing == 1
                        ? null
                        : "the call redeemed " + missing + " obligations its handle never minted on this slot");
    }

    /**
     * A slot group whose prevIndex is not the record that last touched the slot: the per-frame record chain that
     * {@code history} follows backward (and recovery from a redo point trusts) is broken there, though every record is
     * well formed. The writer stores a slot's lastIndex under the slot's lock and names it in the slot's next record,
     * so only a forged or corrupted journal (or a replay started without the slot's last record) has one.
     */
    private void brokenChain(JournalEvent e, long previous) {
        counters[Counter.TRANSITION_FINDINGS]++;
        listener.transition(
                e,
                "BROKEN_CHAIN",
                "the record names " + JournalIndex.format(e.prevIndex) + " as the frame's previous record, but the last"
                        + " record that touched it is " + JournalIndex.format(previous)
                        + ": the frame's record chain is broken");
    }

    /**
     * A REGION_OPEN (of any session, not only the first, which the geometry check reads) that names another geometry
     * or format than the region's: the journal's sessions contradict region.conf.
     */
    private void foreignOpen(JournalEvent e) {
        long maxPaddr = (long) nrSlots * RegionConfig.PAGE_SIZE;
        counters[Counter.TRANSITION_FINDINGS]++;
        listener.transition(
                e,
                "FOREIGN_REGION_OPEN",
                "a session opened with maxPaddr 0x" + Long.toHexString(e.before) + ", page size " + e.after
                        + " and format " + e.metaType + ", but the region has maxPaddr 0x" + Long.toHexString(maxPaddr)
                        + ", page size " + RegionConfig.PAGE_SIZE + " and its records format " + e.version);
    }

    /** A record naming a call site the region's table lacks: one finding per record, on its first event. */
    private void unknownSite(JournalEvent e) {
        listener.transition(
                e,
                "UNKNOWN_SITE",
                "the record names call site " + Integer.toUnsignedString(e.site)
                        + ", but the region's site table names sites 1 to " + knownSites + " only");
    }

    /** A group for a slot outside the region: each of its events is a finding and changes nothing. */
    private int outsideRegion(RecordDecoder d, JournalEvent e, int group, int p, int n) {
        int len = d.length();
        for (int i = 0; i < n; i++) {
            if (p > len - RecordFormat.NARROW) {
                throw d.outside(p);
            }
            int kb = d.rawU8(p);
            counters[Counter.BY_KIND + (kb & ~RecordFormat.WIDE_BIT)]++;
            counters[Counter.TRANSITION_FINDINGS]++;
            d.eventAt(e, group, p, i == 0, i == n - 1);
            listener.transition(e, Verdict.BAD_SLOT.name(), outsideRegion(e.slot));
            p += (kb & RecordFormat.WIDE_BIT) == 0 ? RecordFormat.NARROW : RecordFormat.WIDE;
        }
        return p;
    }

    private String outsideRegion(int slot) {
        return "slot " + slot + " is outside the region (" + nrSlots + " frames)";
    }

    private void setMidOp(int slot) {
        long bit = 1L << slot;
        int w = slot >>> 6;
        if ((midOp[w] & bit) == 0) {
            midOp[w] |= bit;
            midOpCount++;
        }
    }

    private void clearMidOp(int slot) {
        long bit = 1L << slot;
        int w = slot >>> 6;
        if ((midOp[w] & bit) != 0) {
            midOp[w] &= ~bit;
            midOpCount--;
        }
    }

    private void onMarker(JournalEvent e) {
        if (e.kind == EventKind.REGION_OPEN
                && (e.before != (long) nrSlots * RegionConfig.PAGE_SIZE
                        || e.after != RegionConfig.PAGE_SIZE
                        || (e.version == RecordFormat.VERSION && e.metaType != RecordFormat.VERSION))) {
            foreignOpen(e);
        }
        if (e.kind == EventKind.LEAKED_HANDLE) {
            counters[Counter.LEAKED_HANDLES]++;
        } else if (e.kind == EventKind.RECOVERY && e.after == 1) {
            counters[Counter.RECOVERIES]++;
        }
        listener.marker(e);
    }

    /** Adds the bytes of records read (each with Chronicle's 4-byte document header) to the running total. */
    public void addRecordBytes(long bytes) {
        counters[Counter.RECORD_BYTES] += bytes;
    }

    public int nrSlots() {
        return nrSlots;
    }

    public ReplayState state() {
        return state;
    }

    public SlotLedger obligations() {
        return obligations;
    }

    public SlotLedger raw() {
        return raw;
    }

    /** The op of the last record that touched the slot (0 before any). */
    public int lastOp(int slot) {
        return state.lastOp(slot);
    }

    /** The call handle of the last record that touched the slot (0 before any). */
    public long lastHandle(int slot) {
        return state.lastHandle(slot);
    }

    public boolean midOp(int slot) {
        return (midOp[slot >>> 6] & (1L << slot)) != 0;
    }

    /** Whether every slot is at a quiet point (always so between format-2 records): only then can it be saved. */
    public boolean quiet() {
        return midOpCount == 0;
    }

    public long counter(int id) {
        return counters[id];
    }

    /** Index of the last record applied, or {@link JournalIndex#NONE}. */
    public long lastRecord() {
        return lastRecord;
    }

    /** Sequence number of the last record applied (format 2), or -1. */
    public long lastSeq() {
        return lastSeq;
    }

    public int lastCrc() {
        return lastCrc;
    }

    /** Where a replay's findings go. Details may be built only when a listener wants them. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /**
         * An event that does not follow from the replayed state.
         *
         * @param detail {@code null} for the usual message of its kind
         */
        default void transition(JournalEvent e, String kind, String detail) {}

        /** A slot that breaks an invariant at a quiet point ({@code bad}: {@link SlotInvariant} bits). */
        default void invariant(JournalEvent e, int bad, SlotState slot) {}

        /** A marker event (region open/close, leaked handle, recovery; format 1 BEGIN/END). */
        default void marker(JournalEvent e) {}
    }

    /** Counter ids: stable, written in checkpoints as (id, value) pairs. */
    public static final class Counter {
        public static final int EVENTS = 0;
        public static final int RECORDS = 1;
        public static final int RECORD_BYTES = 2;
        public static final int FIRST_INDEX = 3;
        public static final int FIRST_TIME = 4;
        public static final int LAST_TIME = 5;
        public static final int RECOVERIES = 6;
        public static final int LEAKED_HANDLES = 7;
        public static final int INVARIANT_FINDINGS = 8;
        public static final int TRANSITION_FINDINGS = 9;
        /** Events by {@link EventKind#code()}: {@code BY_KIND + code}. */
        public static final int BY_KIND = 0x100;
        /** Events by {@link OpCode#code()}: {@code BY_OP + code}. */
        public static final int BY_OP = 0x200;

        public static final int SIZE = 0x300;

        private Counter() {}
    }
}
