package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.analysis.EventFilter;
import io.framejournal.replay.analysis.Position;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.TextRenderer;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the output streams, {@code --json}, the progress bar and the exit-code rules. */
abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    FrameJournalCli root;

    @Option(names = "--json", description = "Write JSON (schema in docs/JSON.md) instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Whether the user gave {@code option} (an option with a default value holds it either way). */
    boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    PrintStream out() {
        return root.out;
    }

    TextRenderer text() {
        return new TextRenderer(root.out);
    }

    /**
     * A progress bar for a replay of the region's journal (only drawn when stderr is a terminal). Its total is read
     * from the journal only when the bar is first drawn: a command done before that (a frame's history by its record
     * chain) never opens Chronicle for it.
     */
    static Progress progress(String label, RegionInput region) {
        if (!io.framejournal.replay.analysis.Terminal.stderrIsTerminal()) {
            return Progress.none();
        }
        return Progress.onStderr(label, () -> {
            try (JournalReader r = region.journal()) {
                return estimate(r);
            } catch (RuntimeException | InternalError e) {
                return 0; // unknown: the bar then counts without a percentage, and the replay reports the problem
            }
        });
    }

    /** Events in the journal when it lies in one roll cycle (index = cycle and sequence), else 0 (unknown). */
    private static long estimate(JournalReader r) {
        long first = r.firstIndex();
        long last = r.lastIndex();
        var cycle = r.rollCycle();
        if (first >= 0 && last >= 0 && cycle.toCycle(first) == cycle.toCycle(last)) {
            return cycle.toSequenceNumber(last) - cycle.toSequenceNumber(first) + 1;
        }
        return 0;
    }

    /** Exit code after a report: 2 when the journal could not be read to its end, else 1 with findings, else 0. */
    int exit(String stopReason, boolean findings) {
        if (stopReason != null) {
            root.err.println("framejournal: journal reading stopped early: " + stopReason);
            return FrameJournalCli.BAD_INPUT;
        }
        return findings ? FrameJournalCli.FINDINGS : FrameJournalCli.OK;
    }

    /**
     * {@link #exit(String, boolean)} after the report's warnings, each a line on stderr: a warning (a checkpoint that
     * could not be used, a missing slot table, a damaged call-site table) says part of the input was unreadable, so
     * it exits 2 as a journal not read to its end does, whatever was found.
     */
    int exit(String stopReason, boolean findings, java.util.List<String> warnings) {
        for (String w : warnings) {
            root.err.println("framejournal: warning: " + w);
        }
        if (stopReason == null && !warnings.isEmpty()) {
            return FrameJournalCli.BAD_INPUT;
        }
        return exit(stopReason, findings);
    }

    /**
     * Before a replay: refuses in one line, before reading anything, a region whose replay could need more heap than
     * the JVM has ({@link HeapCheck}, the one check of every replaying command).
     *
     * @param states replay states the command holds at once
     * @param base   heap it needs besides them
     */
    void requireHeap(RegionInput region, int states, long base) {
        HeapCheck.require(spec.name(), region, states, base);
    }

    /**
     * After a report that lists nothing ({@code empty}): a note on stderr when that is because the range asked for
     * ({@code --since}/{@code --until}) holds none of the journal. Nothing when no range was given.
     */
    void noteEmptyRange(boolean empty, JournalRange range, RegionInput region) {
        if (empty && range.given()) {
            String why = range.whyEmpty(region);
            if (why != null) {
                root.err.println("framejournal: note: " + why);
            }
        }
    }

    /**
     * A {@code --at} position checked against the journal: {@code null} is the end; an index must lie in the journal
     * (a negative value such as -1 or 0x8000000000000000, or one outside first..last, is bad usage, never silently
     * "the end"); a time becomes the last event written at or before it (one pass), and a time before the first event
     * is bad usage.
     */
    static long checkedAt(RegionInput region, Position at) {
        return checkedAt(region, at, "--at");
    }

    /** {@link #checkedAt(RegionInput, Position)} for an option of another name ({@code diff --from}). */
    static long checkedAt(RegionInput region, Position at, String option) {
        if (at == null) {
            return JournalIndex.NONE;
        }
        if (at.isTime()) {
            EventFilter.AtOrBefore found = EventFilter.lastAtOrBeforeChecked(region, at.value());
            if (found.unreadPast() != null) { // the time may fall in what could not be read: no answer is right
                throw new RegionException(option + " " + at + " lies past where the journal could be read ("
                        + (found.lastRead() == JournalIndex.NONE
                                ? "no event could be read"
                                : "its last readable event is " + JournalIndex.format(found.lastRead()))
                        + "): " + found.unreadPast());
            }
            if (found.index() == JournalIndex.NONE) {
                throw new IllegalArgumentException(
                        option + " " + at + " is before the journal's first event" + retiredPart(region));
            }
            return found.index();
        }
        long index = at.value();
        if (index < 0) { // the converters refuse these already; a caller that built a Position itself
            throw new IllegalArgumentException(option + " " + Converters.notAnIndex(JournalIndex.format(index)));
        }
        long first;
        long last;
        try (JournalReader reader = region.journal()) {
            first = reader.firstIndex();
            last = reader.lastIndex();
        }
        if (first != JournalIndex.NONE
                && Long.compareUnsigned(index, last) > 0
                && region.clean()
                && region.status().checkpoint() != JournalIndex.NONE
                && Long.compareUnsigned(index, region.status().checkpoint()) <= 0) {
            throw new RegionException(option + " " + JournalIndex.format(index) + " lies past where the journal can"
                    + " be read (" + JournalIndex.format(first) + " .. " + JournalIndex.format(last)
                    + ") but not past the region's close at "
                    + JournalIndex.format(region.status().checkpoint())
                    + ": the journal is truncated or damaged");
        }
        if (first == JournalIndex.NONE || index < first || index > last) {
            throw new IllegalArgumentException(option + " " + JournalIndex.format(index) + " is outside the journal ("
                    + (first == JournalIndex.NONE
                            ? "it is empty"
                            : JournalIndex.format(first) + " .. " + JournalIndex.format(last))
                    + ")" + (first != JournalIndex.NONE && index < first ? retiredPart(region) : ""));
        }
        return index;
    }

    /**
     * For a point before the journal's first kept record: what became of the part before it, when its files were
     * retired ({@code retain}); else nothing.
     */
    static String retiredPart(RegionInput region) {
        try {
            if (!io.framejournal.journal.ReplayStart.journalStartRetired(
                    region.layout().journal())) {
                return "";
            }
        } catch (RuntimeException unreadable) {
            return "";
        }
        return ": that part of the journal was retired (`retain`); an archive of it, if one was kept (`retain"
                + " --archive DIR`), is read as a region of its own (`framejournal state DIR --at …`)";
    }
}
