package io.framejournal.journal;

/**
 * What one journal event says happened. Each kind has an explicit on-disk {@link #code()} (never the ordinal): codes are
 * append only and never reused. Format 2 journals no longer write {@link #BEGIN}/{@link #END} (every public call is one
 * record); they stay readable in format-1 journals.
 */
public enum EventKind {
    /** First event of every session: {@code before} = maxPaddr, {@code after} = page size, metaType = format version. */
    REGION_OPEN(0, false),
    /** Clean shutdown; {@code before} = events written in the session. */
    REGION_CLOSE(1, false),
    /** Reference count step; before/after are the counts. */
    REFCOUNT(2, true),
    /** Usage transition; before/after are {@link Usage} codes. */
    USAGE(3, true),
    /** Metadata written; metaType is the type, before/after are the two payload words. flags bit UPDATE: in place. */
    META_WRITE(4, true),
    /** Metadata dropped; metaType is the type dropped, before/after the payload words it had. */
    META_DROP(5, true),
    /** An obligation minted for {@code handle}; before/after are the slot's obligation counts. */
    MINT(6, true),
    /** An obligation redeemed; before/after are the slot's obligation counts. */
    REDEEM(7, true),
    /** A reference forgotten (into_raw); before/after are the slot's raw-reference counts. */
    RAW_FORGET(8, true),
    /** A forgotten reference restored (from_raw); before/after are the slot's raw-reference counts. */
    RAW_RESTORE(9, true),
    /** Frame-list membership change; before/after are list ids (0 = on no list). */
    LIST(10, true),
    /** A handle became unreachable without close(); before = pages it covered, after = the op that minted it. */
    LEAKED_HANDLE(11, false),
    /** A compound operation began; slot = first slot, before = pages, after = compound id. */
    BEGIN(12, false),
    /** A compound operation ended; before = 0 completed / 1 failed and rolled back, after = compound id. */
    END(13, false),
    /** Recovery ran; before = events redone, after = {@code 0} started / {@code 1} finished. */
    RECOVERY(14, false);

    private static final EventKind[] BY_CODE = new EventKind[256];

    static {
        for (EventKind k : values()) {
            if (BY_CODE[k.code] != null) {
                throw new ExceptionInInitializerError("duplicate event kind code " + k.code);
            }
            BY_CODE[k.code] = k;
        }
    }

    private final int code;
    private final boolean changesSlot;

    EventKind(int code, boolean changesSlot) {
        this.code = code;
        this.changesSlot = changesSlot;
    }

    /** Whether applying the event changes its slot's state (and so its lastIndex). */
    public boolean changesSlot() {
        return changesSlot;
    }

    public byte code() {
        return (byte) code;
    }

    /** @return the kind for a code, or {@code null} for a code this version does not know. */
    public static EventKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
