package io.framejournal.allocator;

/**
 * A physical address range {@code [start, end)}.
 *
 * @param start first byte
 * @param end   one past the last byte
 */
public record PaddrRange(long start, long end) {
    public long size() {
        return end - start;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(start) + "..0x" + Long.toHexString(end);
    }
}
