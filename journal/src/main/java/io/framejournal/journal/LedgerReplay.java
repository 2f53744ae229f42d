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

    private final int nrSlots;
    final ReplayState state;
    final SlotLedger obligations;
    final SlotLedger raw;
    final byte[] lastOp;
    final long[] lastHandle;
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

    public LedgerReplay(int nrSlots) {
        this.nrSlots = nrSlots;
        this.state = new ReplayState(nrSlots);
        this.obligations = new SlotLedger(nrSlots);
        this.raw = new SlotLedger(nrSlots);
        this.lastOp = new byte[nrSlots];
        this.lastHandle = new long[nrSlots];
        this.midOp = new long[(nrSlots + 63) >>> 6];
        counters[Counter.FIRST_INDEX] = JournalIndex.NONE;
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
        Verdict v = state.apply(e); // in place: only the changed field and lastIndex are written
        if (v == Verdict.BAD_SLOT) {
            counters[Counter.TRANSITION_FINDINGS]++;
            listener.transition(e, v.name(), "slot " + e.slot + " is outside the region (" + nrSlots + " frames)");
            return;
        }
        if (v != Verdict.OK) {
            counters[Counter.TRANSITION_FINDINGS]++;
            listener.transition(e, v.name(), null);
        }
        int slot = e.slot;
        switch (e.kind) {
            case MINT:
                obligations.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before), e.site);
                break;
            case REDEEM:
                if (e.op == RECLAIM || e.handle == 0) {
                    obligations.clear(slot);
                } else {
                    for (long k = Math.max(1, e.before - e.after); k > 0; k--) {
                        if (!obligations.removeOne(slot, e.handle)) {
                            counters[Counter.TRANSITION_FINDINGS]++;
                            listener.transition(e, "UNATTRIBUTED_REDEEM", null);
                        }
                    }
                }
                break;
            case RAW_FORGET:
                raw.add(slot, e.handle, e.op, e.index, Math.max(1, e.after - e.before), e.site);
                break;
            case RAW_RESTORE:
                if (e.op == RECLAIM) {
                    raw.clear(slot);
                } else {
                    raw.removeNewest(slot, Math.max(1, e.before - e.after));
                }
                break;
            default:
                break;
        }
        lastOp[slot] = (byte) e.op;
        lastHandle[slot] = e.handle;
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

    public int lastOp(int slot) {
        return lastOp[slot] & 0xff;
    }

    public long lastHandle(int slot) {
        return lastHandle[slot];
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
