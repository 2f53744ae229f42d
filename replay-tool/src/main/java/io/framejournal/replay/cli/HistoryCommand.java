package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal history DIR --paddr 0x… | --frame N}. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        header = "Every event that touched one frame, in order.",
        description = "Every event that touched one frame, in order: index, time, thread, kind, op, handle and "
                + "before→after, with the compound operations and leaked handles that covered it. Read-only.")
final class HistoryCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The region directory.")
    Path dir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    FrameChoice frame;

    /** {@code --paddr} or {@code --frame}. */
    static final class FrameChoice {
        @Option(
                names = "--paddr",
                paramLabel = "PADDR",
                converter = Converters.Number.class,
                required = true,
                description = "The frame's physical address (page-aligned, 0x… or decimal).")
        Long paddr;

        @Option(
                names = "--frame",
                paramLabel = "N",
                converter = Converters.Number.class,
                required = true,
                description = "The frame's index (paddr / 4096).")
        Long frame;

        int slot(RegionInput region) {
            return paddr != null ? region.slotOfPaddr(paddr) : region.checkedFrame(frame);
        }
    }

    @Override
    public Integer call() {
        RegionInput region = RegionInput.open(dir);
        int slot = frame.slot(region);
        History.Report r;
        try (Progress p = progress("reading", region)) {
            r = History.of(region, slot, p);
        }
        if (json) {
            out().println(JsonRenderer.history(r));
        } else {
            text().history(r);
        }
        return exit(r.stopReason(), false);
    }
}
