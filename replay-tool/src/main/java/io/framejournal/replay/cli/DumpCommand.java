package io.framejournal.replay.cli;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.replay.analysis.EventFilter;
import io.framejournal.replay.analysis.Follow;
import io.framejournal.replay.analysis.JournalEnd;
import io.framejournal.replay.analysis.Position;
import io.framejournal.replay.analysis.RegionInput;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal dump DIR [--from I] [--to J] [filters] [--limit N]}. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "The journal's events, one per line or as JSON lines.",
        description = "The journal's events, one per line (or JSON lines with --json), from --from to --to "
                + "inclusive, those that pass every filter given. Output is buffered (64 KiB writes). Read-only.")
final class DumpCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--from",
            paramLabel = "INDEX",
            converter = Converters.Index.class,
            description = "First journal index to print (0x… or decimal).")
    Long from;

    @Option(
            names = "--to",
            paramLabel = "INDEX",
            converter = Converters.Index.class,
            description = "Last journal index to print (0x… or decimal).")
    Long to;

    @Mixin
    FilterOptions filters;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.Count.class,
            description = "Stop after N events printed.")
    Long limit;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep reading a region a writer is using: print events as they arrive, until the writer's"
                    + " close, --until (or --to), --limit, or Ctrl-C. Never locks or writes anything.")
    boolean follow;

    @Override
    public Integer call() {
        new JournalRange()
                .from("--from", position(from))
                .to("--to", position(to))
                .checkOrder();
        RegionInput region = RegionInput.open(dir);
        EventFilter filter = filters.build(region);
        JournalRange range = JournalRange.of(filter)
                .from("--from", position(from))
                .to("--to", position(to))
                .checkOrder();
        EventSink sink = json ? EventSink.json(out()) : EventSink.text(out());
        if (follow) {
            return follow(region, filter, sink);
        }
        JournalEvent e = new JournalEvent();
        long max = limit == null ? Long.MAX_VALUE : limit;
        long shown = 0;
        String stop;
        long last = JournalIndex.NONE;
        boolean stopped = false;
        try (JournalReader reader = open(region, filter)) {
            while (reader.next(e)) {
                last = e.index;
                if (from != null && Long.compareUnsigned(e.index, from) < 0) {
                    continue;
                }
                if ((to != null && Long.compareUnsigned(e.index, to) > 0) || filter.pastUntil(e)) {
                    stopped = true;
                    break;
                }
                if (filter.test(e)) {
                    sink.write(e);
                    if (++shown >= max || sink.failed()) { // failed: standard output takes no more (| head -1)
                        stopped = true;
                        break;
                    }
                }
            }
            stop = JournalEnd.problem(reader, region, last, stopped);
        } finally {
            sink.flush();
        }
        if (shown == 0 && stop == null) {
            // an empty answer is said, never left to a silent exit 0: why the range holds nothing, or that the
            // filters let nothing of it through
            String why = range.whyEmpty(region);
            if (why == null && (range.given() || !filter.isAll())) {
                why = "no event " + (range.given() ? "in the range given " : "") + "passes the filters given";
            }
            if (why != null) {
                root.err.println("framejournal: note: " + why);
            }
        }
        return exit(stop, false);
    }

    private static Position position(Long index) {
        return index == null ? null : Position.index(index);
    }

    /** {@code --follow}: events as they arrive; the sink is flushed whenever the reader catches up. */
    private int follow(RegionInput region, EventFilter filter, EventSink sink) {
        Position end = filter.until();
        String endOption = "--until";
        if (to != null && (end == null || end.isTime() || Long.compareUnsigned(to, end.value()) < 0)) {
            // --to ends a follow as an index --until does, the earlier of the two (a time --until still applies)
            end = Position.index(to);
            endOption = "--to";
        }
        Follow f = new Follow(region, end, endOption, 200);
        long max = limit == null ? Long.MAX_VALUE : limit;
        long[] shown = {0};
        Follow.End how;
        try (InterruptHook hook = InterruptHook.install(f::stop)) {
            how = f.run(start(filter), new Follow.Listener() {
                @Override
                public void event(JournalEvent e) {
                    if (from != null && Long.compareUnsigned(e.index, from) < 0) {
                        return;
                    }
                    if (shown[0] < max && (to == null || Long.compareUnsigned(e.index, to) <= 0) && filter.test(e)) {
                        sink.write(e);
                        if (++shown[0] == max || sink.failed()) {
                            f.stop();
                        }
                    }
                }

                @Override
                public void tick(long now) {
                    sink.flush();
                    if (sink.failed()) { // standard output takes no more (| head -1): following on is for no one
                        f.stop();
                    }
                }
            });
            sink.flush();
            if (!(how == Follow.End.STOPPED && (shown[0] == max || sink.failed()))) {
                root.err.println("framejournal: " + Follow.describe(how, f));
            }
            hook.done();
        }
        return how == Follow.End.UNREADABLE ? FrameJournalCli.BAD_INPUT : FrameJournalCli.OK;
    }

    /** The first index to read: {@code --from} or an index {@code --since}, whichever is later; NONE for the start. */
    private long start(EventFilter filter) {
        long start = from == null ? JournalIndex.NONE : from;
        if (filter.since() != null && !filter.since().isTime()) {
            long since = filter.since().value();
            start = start == JournalIndex.NONE || Long.compareUnsigned(since, start) > 0 ? since : start;
        }
        return start;
    }

    /** A reader at {@code --from} or an index {@code --since}, whichever is later, when the journal has it. */
    private JournalReader open(RegionInput region, EventFilter filter) {
        long start = start(filter);
        JournalReader reader = region.journal();
        if (start != JournalIndex.NONE && !reader.moveTo(start)) {
            reader.close();
            reader = region.journal(); // not an exact index: scan from the start and skip to it
        }
        return reader;
    }
}
