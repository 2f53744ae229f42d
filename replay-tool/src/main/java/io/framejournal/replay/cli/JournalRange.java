package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.replay.analysis.EventFilter;
import io.framejournal.replay.analysis.Position;
import io.framejournal.replay.analysis.RegionInput;
import java.util.ArrayList;
import java.util.List;

/**
 * The range of journal points a user asked for ({@code dump --from/--to}, the filters' {@code --since/--until}), for
 * the two things every command that takes one says the same way: bounds the wrong way round are bad usage (exit 2,
 * {@link #checkOrder}), and a range that holds none of the journal is told in one note on stderr
 * ({@link #whyEmpty}), the command then exiting 0 as it does for any empty answer. A single point ({@code --at},
 * {@code diff --from/--to}) must lie in the journal instead ({@link BaseCommand#checkedAt}).
 */
final class JournalRange {
    /** One bound as the user gave it: the option's name and its value. */
    record Bound(String option, Position at) {
        @Override
        public String toString() {
            return option + " " + at;
        }
    }

    /** How each reason why a range is empty ends. */
    private static final String EMPTY = ": the range holds no event";

    private final List<Bound> lower = new ArrayList<>();
    private final List<Bound> upper = new ArrayList<>();

    /** Adds a lower bound (inclusive) when given. */
    JournalRange from(String option, Position at) {
        if (at != null) {
            lower.add(new Bound(option, at));
        }
        return this;
    }

    /** Adds an upper bound (inclusive) when given. */
    JournalRange to(String option, Position at) {
        if (at != null) {
            upper.add(new Bound(option, at));
        }
        return this;
    }

    /** The range of a filter's {@code --since}/{@code --until}. */
    static JournalRange of(EventFilter filter) {
        return new JournalRange().from("--since", filter.since()).to("--until", filter.until());
    }

    boolean given() {
        return !lower.isEmpty() || !upper.isEmpty();
    }

    /**
     * Bounds of one kind (two indices, or two times) whose start is after their end: bad usage.
     *
     * @throws IllegalArgumentException naming both bounds and what to give instead
     */
    JournalRange checkOrder() {
        for (Bound lo : lower) {
            for (Bound hi : upper) {
                if (lo.at().isTime() == hi.at().isTime()
                        && (lo.at().isTime()
                                ? lo.at().value() > hi.at().value()
                                : Long.compareUnsigned(lo.at().value(), hi.at().value()) > 0)) {
                    throw new IllegalArgumentException(reversed(lo, hi));
                }
            }
        }
        return this;
    }

    /** The one message for bounds the wrong way round. */
    static String reversed(Bound lo, Bound hi) {
        return lo + " is after " + hi + ": the range holds nothing; give a start at or before the end";
    }

    /**
     * Why the range holds no event of the region's journal ({@code "--to 0x1 is before the journal's first record (the
     * journal holds 0x… .. 0x…): the range holds no event"}), or {@code null} when it overlaps the journal. A time bound is placed by the event
     * it falls on (one pass over the journal per time bound given).
     */
    String whyEmpty(RegionInput region) {
        long first;
        long last;
        try (JournalReader reader = region.journal()) {
            first = reader.firstIndex();
            last = reader.lastIndex();
        }
        if (first == JournalIndex.NONE) {
            return "the journal holds no record" + EMPTY;
        }
        String span =
                " (the journal holds " + JournalIndex.format(first) + " .. " + JournalIndex.format(last) + ")" + EMPTY;
        long lo = first;
        Bound loBound = null;
        for (Bound b : lower) {
            long index = b.at().value();
            if (b.at().isTime()) {
                index = EventFilter.firstAtOrAfter(region, b.at().value());
                if (index == JournalIndex.NONE) {
                    return b + " is after the journal's last event" + span;
                }
            } else if (Long.compareUnsigned(index, last) > 0) {
                return b + " is after the journal's last record" + span;
            }
            if (Long.compareUnsigned(index, lo) > 0) {
                lo = index;
                loBound = b;
            }
        }
        long hi = last;
        Bound hiBound = null;
        for (Bound b : upper) {
            long index = b.at().value();
            if (b.at().isTime()) {
                index = EventFilter.lastAtOrBefore(region, b.at().value());
                if (index == JournalIndex.NONE) {
                    return b + " is before the journal's first event" + span + BaseCommand.retiredPart(region);
                }
            } else if (Long.compareUnsigned(index, first) < 0) {
                return b + " is before the journal's first record" + span + BaseCommand.retiredPart(region);
            }
            if (Long.compareUnsigned(index, hi) < 0) {
                hi = index;
                hiBound = b;
            }
        }
        if (loBound != null && hiBound != null && Long.compareUnsigned(lo, hi) > 0) {
            // bounds of two kinds (an index and a time), or two indices checkOrder() let through
            return loBound + (loBound.at().isTime() ? " (" + JournalIndex.format(lo) + ")" : "")
                    + " is after " + hiBound + (hiBound.at().isTime() ? " (" + JournalIndex.format(hi) + ")" : "")
                    + ": no record lies between them" + EMPTY;
        }
        return null;
    }
}
