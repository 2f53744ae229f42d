package io.framejournal.journal;

/**
 * OSTD's {@code MetaSlotOwner::inv} and the obligation ledger, as bit masks over one {@link SlotState}.
 * Checked at quiet points: after the last event of an operation on the slot ({@link JournalEvent#FLAG_OP_END}).
 */
public final class SlotInvariant {
    public static final int ILLEGAL_REFCOUNT = 1;
    public static final int FREE_WITH_METADATA = 1 << 1;
    public static final int FREE_ON_LIST = 1 << 2;
    public static final int UNIQUE_WITHOUT_METADATA = 1 << 3;
    public static final int SHARED_WITHOUT_METADATA = 1 << 4;
    public static final int SHARED_ON_LIST = 1 << 5;
    public static final int BUSY_ON_LIST = 1 << 6;
    public static final int USAGE_MISMATCH = 1 << 7;
    /** refCount 0 outside an operation: a construction or destruction that never finished. */
    public static final int BUSY_AT_QUIET_POINT = 1 << 8;

    /** Ledger: a shared slot's refCount is not handle obligations + raw references. */
    public static final int LEDGER_SHARED = 1 << 16;
    /** Ledger: a unique slot is not owed by exactly one handle. */
    public static final int LEDGER_UNIQUE = 1 << 17;
    /** Ledger: a free slot still has obligations or raw references. */
    public static final int LEDGER_FREE = 1 << 18;

    private static final String[] NAMES = {
        "illegal reference count", "free slot with metadata", "free slot on a list", "unique slot without metadata",
        "shared slot without metadata", "shared slot on a list", "busy slot on a list", "usage disagrees with status",
        "reference count 0 at a quiet point"
    };
    private static final String[] LEDGER_NAMES = {
        "refCount != handle obligations + raw references",
        "unique frame not owed by exactly one handle",
        "free slot with outstanding obligations or raw references"
    };

    private SlotInvariant() {}

    /** The per-slot invariant at a quiet point; 0 when it holds. */
    public static int check(SlotState s) {
        return check(s.refCount, s.metaType, s.inList, s.usage);
    }

    /** {@link #check(SlotState)} on a slot's fields (a slot kept as packed words is checked in place). */
    static int check(long rc, short metaType, int inList, byte usage) {
        boolean meta = metaType != 0; // SlotState#metaInitialized
        int bad = 0;
        if (!RefCount.isLegal(rc)) {
            bad |= ILLEGAL_REFCOUNT;
        } else if (rc == RefCount.UNUSED) {
            bad |= meta ? FREE_WITH_METADATA : 0;
            bad |= inList != 0 ? FREE_ON_LIST : 0;
        } else if (rc == RefCount.UNIQUE) {
            bad |= meta ? 0 : UNIQUE_WITHOUT_METADATA;
        } else if (rc == 0) {
            bad |= BUSY_AT_QUIET_POINT;
            bad |= inList != 0 ? BUSY_ON_LIST : 0;
        } else {
            bad |= meta ? 0 : SHARED_WITHOUT_METADATA;
            bad |= inList != 0 ? SHARED_ON_LIST : 0;
        }
        if (usage != Usage.MMIO.code() && (usage == Usage.UNUSED.code()) != (rc == RefCount.UNUSED)) {
            bad |= USAGE_MISMATCH;
        }
        return bad;
    }

    /** The obligation ledger for one slot; 0 when it balances. */
    public static int checkLedger(SlotState s) {
        return checkLedger(s.refCount, s.obligations, s.raw);
    }

    static int checkLedger(long rc, long obligations, long raw) {
        if (rc == RefCount.UNUSED) {
            return obligations != 0 || raw != 0 ? LEDGER_FREE : 0;
        }
        if (rc == RefCount.UNIQUE) {
            return obligations + raw != 1 ? LEDGER_UNIQUE : 0;
        }
        if (rc > 0) {
            return rc != obligations + raw ? LEDGER_SHARED : 0;
        }
        return 0;
    }

    /** Both checks at once. */
    public static int checkAll(SlotState s) {
        return check(s) | checkLedger(s);
    }

    /** Both checks on a slot kept as {@link ReplayState}'s packed words ({@code w[b..b+6]}), read in place. */
    static int checkAll(long[] w, int b) {
        long rc = w[b + ReplayState.REF];
        long packed = w[b + ReplayState.PACKED];
        return check(rc, ReplayState.metaTypeOf(packed), ReplayState.inListOf(packed), ReplayState.usageOf(packed))
                | checkLedger(rc, w[b + ReplayState.OBLIGATIONS], w[b + ReplayState.RAW]);
    }

    public static String describe(int mask) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((mask & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "; ").append(NAMES[i]);
            }
        }
        for (int i = 0; i < LEDGER_NAMES.length; i++) {
            if ((mask & (1 << (16 + i))) != 0) {
                sb.append(sb.length() == 0 ? "" : "; ").append(LEDGER_NAMES[i]);
            }
        }
        return sb.toString();
    }
}
