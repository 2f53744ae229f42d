package io.framejournal.replay.cli;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.render.TextRenderer;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal dump DIR [--from I] [--to J]}. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        header = "The journal's events, one per line or as JSON lines.",
        description = "The journal's events, one per line (or JSON lines with --json), from --from to --to "
                + "inclusive. Read-only.")
final class DumpCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The region directory.")
    Path dir;

    @Option(
            names = "--from",
            paramLabel = "INDEX",
            converter = Converters.Number.class,
            description = "First journal index to print (0x… or decimal).")
    Long from;

    @Option(
            names = "--to",
            paramLabel = "INDEX",
            converter = Converters.Number.class,
            description = "Last journal index to print (0x… or decimal).")
    Long to;

    @Override
    public Integer call() {
        if (from != null && to != null && Long.compareUnsigned(from, to) > 0) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
        RegionInput region = RegionInput.open(dir);
        PrintStream out = out();
        JournalEvent e = new JournalEvent();
        StringBuilder line = new StringBuilder(160);
        JsonWriter w = new JsonWriter(false);
        String stop;
        long last = io.framejournal.journal.JournalIndex.NONE;
        boolean stopped = false;
        try (JournalReader reader = open(region)) {
            while (reader.next(e)) {
                last = e.index;
                if (from != null && Long.compareUnsigned(e.index, from) < 0) {
                    continue;
                }
                if (to != null && Long.compareUnsigned(e.index, to) > 0) {
                    stopped = true;
                    break;
                }
                out.println(json ? JsonRenderer.event(w, e) : TextRenderer.eventLine(e, line));
            }
            stop = io.framejournal.replay.analysis.JournalEnd.problem(reader, region, last, stopped);
        }
        out.flush();
        return exit(stop, false);
    }

    private JournalReader open(RegionInput region) {
        JournalReader reader = region.journal();
        if (from != null && !reader.moveTo(from)) {
            reader.close();
            reader = region.journal(); // not an exact index: scan from the start and skip to it
        }
        return reader;
    }
}
