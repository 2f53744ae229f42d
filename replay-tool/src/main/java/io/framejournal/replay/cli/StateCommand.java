package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.StateAt;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal state DIR --at INDEX [--paddr …]}. */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        header = "One frame, or all frames summarized, as of any journal index.",
        description = "Time travel: one frame's state, or a summary of all frames (by status and usage, "
                + "obligations, raw references), as of any journal index, rebuilt from nothing by replay. "
                + "Read-only.")
final class StateCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--at",
            paramLabel = "INDEX|TIME",
            converter = Converters.At.class,
            description =
                    "Journal index (0x… or decimal) or ISO-8601 time (the last event at or before it); events up to and including it are applied. Default: the end.")
    io.framejournal.replay.analysis.Position at;

    @Option(
            names = "--paddr",
            paramLabel = "PADDR",
            converter = Converters.Number.class,
            description = "Show this frame (physical address) instead of the summary.")
    Long paddr;

    @Option(
            names = "--frame",
            paramLabel = "N",
            converter = Converters.Number.class,
            description = "Show this frame (index) instead of the summary.")
    Long frame;

    @Override
    public Integer call() {
        if (paddr != null && frame != null) {
            throw new IllegalArgumentException("give --paddr or --frame, not both");
        }
        RegionInput region = RegionInput.open(dir);
        int slot = paddr != null ? region.slotOfPaddr(paddr) : frame != null ? region.checkedFrame(frame) : -1;
        long atIndex = checkedAt(region, at);
        requireHeap(region, 1, HeapCheck.BASE);
        StateAt.Report r;
        try (Progress p = progress("replaying", region)) {
            r = StateAt.of(region, atIndex, slot, p);
        }
        if (json) {
            out().println(JsonRenderer.state(r));
        } else {
            text().state(r);
        }
        return exit(r.stopReason(), false, r.warnings());
    }
}
