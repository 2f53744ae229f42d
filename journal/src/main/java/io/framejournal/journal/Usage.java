package io.framejournal.journal;

/** What a physical frame is used for; OSTD's {@code MetaPageType}. Each has an explicit on-disk {@link #code()}. */
public enum Usage {
    UNUSED(0),
    RESERVED(1),
    FRAME(2),
    PAGE_TABLE(3),
    META(4),
    KERNEL(5),
    MMIO(6);

    private static final Usage[] BY_CODE = new Usage[7];

    static {
        for (Usage u : values()) {
            BY_CODE[u.code] = u;
        }
    }

    private final byte code;

    Usage(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** @return the usage for a code, or {@code null} when the code is not one of ours. */
    public static Usage ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    public static String nameOf(long code) {
        Usage u = ofCode(code);
        return u == null ? "usage#" + code : u.name();
    }
}
