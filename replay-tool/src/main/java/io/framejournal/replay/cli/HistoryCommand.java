package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal history DIR --paddr A[..B] | --frame N[..M] [filters]}. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Every event that touched one frame (or a range), in order.",
        description = "Every event that touched one frame or a range of frames, in order: index, time, thread, kind,"
                + " op, handle and before→after, with the compound operations and leaked handles that covered it."
                + " Every event of the frames is replayed (verdicts and states stay exact); the filters choose"
                + " which are listed. Read-only.")
final class HistoryCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Mixin
    FilterOptions filters;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.Count.class,
            description = "List at most N events (all are counted).")
    Long limit;

    @Override
    public Integer call() {
        if (!filters.hasFrames()) {
            throw new IllegalArgumentException("history needs frames: give --paddr A[..B] or --frame N[..M]");
        }
        RegionInput region = RegionInput.open(dir);
        var filter = filters.build(region);
        History.Report r;
        try (Progress p = progress("reading", region)) {
            r = History.of(region, filter, limit == null ? Long.MAX_VALUE : limit, p);
        }
        if (json) {
            out().println(JsonRenderer.history(r));
        } else {
            text().history(r);
        }
        noteEmptyRange(r.matched() == 0 && r.stopReason() == null, JournalRange.of(filter), region);
        return exit(
                r.stopReason(), false, History.retired(r.note()) ? java.util.List.of(r.note()) : java.util.List.of());
    }
}
