package io.framejournal.journal;

/** What a physical frame is used for; OSTD's {@code MetaPageType}. The ordinal is the on-disk code. */
public enum Usage {
    UNUSED, RESERVED, FRAME, PAGE_TABLE, META, KERNEL, MMIO;

    private static final Usage[] BY_CODE = values();

    public byte code() {
        return (byte) ordinal();
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
