package io.framejournal.allocator;

/**
 * A physical address range {@code [start, end)}, as the seed's {@code Range<Paddr>}: any two addresses make one, and
 * the calls that take it check it in the seed's order. An empty range ({@code start == end}) is what an exhausted
 * segment's {@link Segment#intoRaw()} returns and {@link Segment#fromRaw} restores. A reversed one ({@code start >
 * end}) is not refused here, because the seed gives it defined outcomes: {@link Segment#fromUnused(MetaRegion,
 * PaddrRange, java.util.function.LongFunction)} reports NotAligned and OutOfBound first and panics only for an
 * aligned, in-bound reversed range; refusing it at construction would change those errors.
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
