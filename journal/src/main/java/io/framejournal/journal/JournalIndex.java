package io.framejournal.journal;

/** Journal indices are Chronicle Queue indices: monotonic longs (cycle in the high bits, sequence low). */
public final class JournalIndex {
    /** Before the first event: no event applied yet. */
    public static final long NONE = -1L;

    private JournalIndex() {}

    public static String format(long index) {
        return index == NONE ? "none" : "0x" + Long.toHexString(index);
    }

    /** Parses a decimal or 0x-prefixed hexadecimal index. */
    public static long parse(String text) {
        String t = text.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }
}
