package io.framejournal.replay.cli;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.OpCode;
import io.framejournal.replay.analysis.EventFilter;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Position;
import io.framejournal.replay.analysis.RegionInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The filter options every forensic command shares ({@code dump}, {@code history}, {@code audit}, {@code diff}), as
 * a picocli mixin; {@link #build} turns them into the one {@link EventFilter}. Values of one option combine with OR
 * (repeat it or separate values with commas), different options with AND. A bad value is a one-line error.
 */
final class FilterOptions {
    @Option(
            names = "--paddr",
            paramLabel = "A[..B]",
            description =
                    "Frames by physical address: one (page-aligned) or the frames covering A..B (0x… or" + " decimal).")
    String paddr;

    @Option(
            names = "--frame",
            paramLabel = "N[..M]",
            description = "Frames by index (paddr / 4096): one, or N..M inclusive.")
    String frame;

    @Option(
            names = "--op",
            paramLabel = "OP",
            split = ",",
            description = "Only these public calls (OpCode names, e.g. FRAME_CLONE,SEGMENT_DROP; any case).")
    List<String> ops = new ArrayList<>();

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            split = ",",
            description = "Only these event kinds (e.g. MINT,REDEEM,RAW_FORGET; any case).")
    List<String> kinds = new ArrayList<>();

    @Option(
            names = "--handle",
            paramLabel = "H",
            split = ",",
            description = "Only events of these handles: session:counter (as printed, e.g. 1:57) or the id.")
    List<String> handles = new ArrayList<>();

    @Option(
            names = "--thread",
            paramLabel = "T",
            split = ",",
            description = "Only events written by these threads (the t… of a dump line).")
    List<String> threads = new ArrayList<>();

    @Option(
            names = "--site",
            paramLabel = "ID",
            split = ",",
            description = "Only records with these call-site ids (the record header's site id; 0 = none).")
    List<String> sites = new ArrayList<>();

    @Option(
            names = "--since",
            paramLabel = "INDEX|TIME",
            description = "From this journal index or ISO-8601 time on (inclusive; e.g. 0x512f00000400 or"
                    + " 2026-11-26T17:02:18.4Z).")
    String since;

    @Option(
            names = "--until",
            paramLabel = "INDEX|TIME",
            description = "Up to this journal index or ISO-8601 time (inclusive).")
    String until;

    /** The frame selection only (for commands where a frame is required), or {@code null} when none was given. */
    boolean hasFrames() {
        return paddr != null || frame != null;
    }

    /** Parses and checks every option against the region. */
    EventFilter build(RegionInput region) {
        EventFilter.Builder b = EventFilter.builder();
        if (paddr != null && frame != null) {
            throw new IllegalArgumentException("give --paddr or --frame, not both");
        }
        if (paddr != null) {
            long[] r = range("--paddr", paddr);
            int from = r[0] == r[1] ? region.slotOfPaddr(r[0]) : containing(region, "--paddr", r[0]);
            int to = r[0] == r[1] ? from : containing(region, "--paddr", r[1]);
            b.frames(from, to);
        } else if (frame != null) {
            long[] r = range("--frame", frame);
            b.frames(region.checkedFrame(r[0]), region.checkedFrame(r[1]));
        }
        for (String o : ops) {
            b.op(enumValue("--op", o, OpCode.class));
        }
        for (String k : kinds) {
            b.kind(enumValue("--kind", k, EventKind.class));
        }
        for (String h : handles) {
            b.handle(handle(h));
        }
        for (String t : threads) {
            b.thread((int) number("--thread", t, 0, 0xffff_ffffL));
        }
        for (String s : sites) {
            b.site((int) number("--site", s, 0, 0xffff_ffffL));
        }
        if (since != null) {
            b.since(position("--since", since));
        }
        if (until != null) {
            b.until(position("--until", until));
        }
        return b.build();
    }

    private static int containing(RegionInput region, String option, long paddr) {
        long max = region.config().maxPaddr();
        if (paddr < 0 || paddr >= max) {
            throw new IllegalArgumentException(
                    option + " " + Fmt.hex(paddr) + " is outside the region (maxPaddr " + Fmt.hex(max) + ")");
        }
        return (int) (paddr / region.config().pageSize());
    }

    /** {@code A} or {@code A..B}, each a number; {@code [A, A]} for one. */
    static long[] range(String option, String text) {
        int dots = text.indexOf("..");
        if (dots < 0) {
            long v = number(option, text, 0, Long.MAX_VALUE);
            return new long[] {v, v};
        }
        long a = number(option, text.substring(0, dots), 0, Long.MAX_VALUE);
        long b = number(option, text.substring(dots + 2), 0, Long.MAX_VALUE);
        if (a > b) {
            throw new IllegalArgumentException(option + " " + text + " is an empty range (its start is after its end)");
        }
        return new long[] {a, b};
    }

    static long number(String option, String text, long min, long max) {
        long v;
        try {
            v = JournalIndex.parse(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " '" + text + "' is not a number (use decimal or 0x-prefixed hex)");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(option + " '" + text + "' is out of range (" + min + ".." + max + ")");
        }
        return v;
    }

    /** A handle as printed ({@code session:counter}) or its id (decimal or 0x…). */
    static long handle(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        try {
            if (colon < 0) {
                return number("--handle", t, 0, Long.MAX_VALUE);
            }
            long session = number("--handle", t.substring(0, colon), 0, (1L << (63 - Fmt.SESSION_SHIFT)) - 1);
            long counter = number("--handle", t.substring(colon + 1), 0, (1L << Fmt.SESSION_SHIFT) - 1);
            return session << Fmt.SESSION_SHIFT | counter;
        } catch (IllegalArgumentException e) {
            // the whole value as given, and both forms a handle takes (a part alone, "'x' is not a number", says
            // neither)
            throw new IllegalArgumentException("--handle '" + text + "' is not a handle: give it as printed,"
                    + " session:counter (e.g. 1:57), or its id (decimal or 0x… hex)");
        }
    }

    static Position position(String option, String text) {
        try {
            return Converters.checked(text, Position.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        }
    }

    static <E extends Enum<E>> E enumValue(String option, String text, Class<E> type) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            String all = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            throw new IllegalArgumentException(option + " '" + text + "' is not one of: " + all);
        }
    }
}
