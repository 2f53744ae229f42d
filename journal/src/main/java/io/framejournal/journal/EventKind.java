package io.framejournal.journal;

/** What one journal record says happened. The ordinal is the on-disk code: append only, never reorder. */
public enum EventKind {
    /** First event of every session: {@code before} = maxPaddr, {@code after} = page size, metaType = format version. */
    REGION_OPEN(false),
    /** Clean shutdown; {@code before} = events written in the session. */
    REGION_CLOSE(false),
    /** Reference count step; before/after are the counts. */
    REFCOUNT(true),
    /** Usage transition; before/after are {@link Usage} codes. */
    USAGE(true),
    /** Metadata written; metaType is the type, before/after are the two payload words. flags bit UPDATE: in place. */
    META_WRITE(true),
    /** Metadata dropped; metaType is the type dropped, before/after the payload words it had. */
    META_DROP(true),
    /** An obligation minted for {@code handle}; before/after are the slot's obligation counts. */
    MINT(true),
    /** An obligation redeemed; before/after are the slot's obligation counts. */
    REDEEM(true),
    /** A reference forgotten (into_raw); before/after are the slot's raw-reference counts. */
    RAW_FORGET(true),
    /** A forgotten reference restored (from_raw); before/after are the slot's raw-reference counts. */
    RAW_RESTORE(true),
    /** Frame-list membership change; before/after are list ids (0 = on no list). */
    LIST(true),
    /** A handle became unreachable without close(); before = pages it covered, after = the op that minted it. */
    LEAKED_HANDLE(false),
    /** A compound operation began; slot = first slot, before = pages, after = compound id. */
    BEGIN(false),
    /** A compound operation ended; before = 0 completed / 1 failed and rolled back, after = compound id. */
    END(false),
    /** Recovery ran; before = events redone, after = {@code 0} started / {@code 1} finished. */
    RECOVERY(false);

    private static final EventKind[] BY_CODE = values();
    private final boolean changesSlot;

    EventKind(boolean changesSlot) {
        this.changesSlot = changesSlot;
    }

    /** Whether applying the event changes its slot's state (and so its lastIndex). */
    public boolean changesSlot() {
        return changesSlot;
    }

    public byte code() {
        return (byte) ordinal();
    }

    /** @return the kind for a code, or {@code null} for a code this version does not know. */
    public static EventKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
