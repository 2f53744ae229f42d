package io.framejournal.journal;

/** Which public call produced an event. The ordinal is the on-disk code: append only, never reorder. */
public enum OpCode {
    NONE,
    REGION,
    FRAME_FROM_UNUSED,
    FRAME_FROM_IN_USE,
    FRAME_CLONE,
    FRAME_DROP,
    FRAME_INTO_RAW,
    FRAME_FROM_RAW,
    INC_REF_COUNT,
    UNIQUE_FROM_UNUSED,
    UNIQUE_META_UPDATE,
    UNIQUE_REPURPOSE,
    UNIQUE_RESET_AS_UNUSED,
    UNIQUE_DROP,
    FRAME_FROM_UNIQUE,
    UNIQUE_TRY_FROM_SHARED,
    SEGMENT_FROM_UNUSED,
    SEGMENT_CLONE,
    SEGMENT_SLICE,
    SEGMENT_DROP,
    SEGMENT_NEXT,
    SEGMENT_FROM_FRAME,
    SEGMENT_INTO_RAW,
    SEGMENT_FROM_RAW,
    SEGMENT_ROLLBACK,
    LIST_PUSH,
    LIST_POP,
    LEAK_DETECTOR,
    RECOVERY_REDO,
    RECOVERY_RECLAIM,
    SEGMENT_SLICE_ROLLBACK,
    SEGMENT_CLONE_ROLLBACK;

    private static final OpCode[] BY_CODE = values();

    public byte code() {
        return (byte) ordinal();
    }

    public static OpCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static String nameOf(int code) {
        OpCode op = ofCode(code);
        return op == null ? "op#" + code : op.name();
    }
}
