package io.framejournal.journal;

/**
 * Which public call produced an event. Each op has an explicit on-disk {@link #code()}, never its ordinal: codes are
 * append only and never reused. {@code SEGMENT_ROLLBACK}, {@code SEGMENT_SLICE_ROLLBACK} and
 * {@code SEGMENT_CLONE_ROLLBACK} appear only in format-1 journals (format 2 journals nothing for a failed call).
 */
public enum OpCode {
    NONE(0),
    REGION(1),
    FRAME_FROM_UNUSED(2),
    FRAME_FROM_IN_USE(3),
    FRAME_CLONE(4),
    FRAME_DROP(5),
    FRAME_INTO_RAW(6),
    FRAME_FROM_RAW(7),
    INC_REF_COUNT(8),
    UNIQUE_FROM_UNUSED(9),
    UNIQUE_META_UPDATE(10),
    UNIQUE_REPURPOSE(11),
    UNIQUE_RESET_AS_UNUSED(12),
    UNIQUE_DROP(13),
    FRAME_FROM_UNIQUE(14),
    UNIQUE_TRY_FROM_SHARED(15),
    SEGMENT_FROM_UNUSED(16),
    SEGMENT_CLONE(17),
    SEGMENT_SLICE(18),
    SEGMENT_DROP(19),
    SEGMENT_NEXT(20),
    SEGMENT_FROM_FRAME(21),
    SEGMENT_INTO_RAW(22),
    SEGMENT_FROM_RAW(23),
    SEGMENT_ROLLBACK(24),
    LIST_PUSH(25),
    LIST_POP(26),
    LEAK_DETECTOR(27),
    RECOVERY_REDO(28),
    RECOVERY_RECLAIM(29),
    SEGMENT_SLICE_ROLLBACK(30),
    SEGMENT_CLONE_ROLLBACK(31),
    RECOVERY_SALVAGE(32);

    private static final OpCode[] BY_CODE = new OpCode[256];

    static {
        for (OpCode op : values()) {
            if (BY_CODE[op.code] != null) {
                throw new ExceptionInInitializerError("duplicate op code " + op.code);
            }
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    OpCode(int code) {
        this.code = code;
    }

    public byte code() {
        return (byte) code;
    }

    /** @return the op for a code, or {@code null} for a code this version does not know. */
    public static OpCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static String nameOf(int code) {
        OpCode op = ofCode(code);
        return op == null ? "op#" + code : op.name();
    }
}
