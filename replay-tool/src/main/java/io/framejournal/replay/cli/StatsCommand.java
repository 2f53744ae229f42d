package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.Stats;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code framejournal stats DIR}. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        header = "Events by kind and op, frames by status and usage, size, span, sessions.",
        description = "Events by kind and by op, frames by status and usage, journal size and bytes per event, "
                + "time span and sessions. Read-only.")
final class StatsCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Override
    public Integer call() {
        RegionInput region = RegionInput.open(dir);
        requireHeap(region, 1, HeapCheck.BASE);
        Stats.Report r;
        try (Progress p = progress("counting", region)) {
            r = Stats.of(region, p);
        }
        if (json) {
            out().println(JsonRenderer.stats(r));
        } else {
            text().stats(r);
        }
        return exit(r.stopReason(), false, r.frames().warnings());
    }
}
