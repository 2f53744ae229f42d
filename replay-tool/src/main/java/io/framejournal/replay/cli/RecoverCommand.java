package io.framejournal.replay.cli;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal recover DIR [--reclaim]}. */
@Command(name = "recover", mixinStandardHelpOptions = true,
        header = "Make a region whose writer died consistent again.",
        description = "For a region whose writer died: open the slot table with Chronicle Map's recovery, redo "
                + "every journal record past each slot's lastIndex (one record is one whole call, so every call is "
                + "wholly redone or wholly absent), and mark the region clean. A clean region is left untouched.")
final class RecoverCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The region directory.")
    Path dir;

    @Option(names = "--reclaim", description = "Also release everything the dead process held (outstanding"
            + " obligations, raw references, list membership), journaled as recovery events.")
    boolean reclaim;

    @Override
    public Integer call() {
        RecoveryReport r = MetaRegion.recover(dir, reclaim);
        if (json) {
            out().println(JsonRenderer.recovery(r));
        } else {
            text().recovery(r);
        }
        if (r.journalProblem() != null) {
            root.err.println("framejournal: journal reading stopped early: " + r.journalProblem());
            return FrameJournalCli.BAD_INPUT;
        }
        return FrameJournalCli.OK;
    }
}
