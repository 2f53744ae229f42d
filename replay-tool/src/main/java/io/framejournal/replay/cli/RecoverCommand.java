package io.framejournal.replay.cli;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal recover DIR [--reclaim]}. */
@Command(
        name = "recover",
        mixinStandardHelpOptions = true,
        header = "Make a region whose writer died consistent again.",
        description = "For a region whose writer died: replay the journal from its newest checkpoint (one record is "
                + "one whole call, so every call is wholly redone or wholly absent), check every slot of the table "
                + "against the replay, "
                + "bring slots that are behind forward and repair (and report) slots that are ahead of the journal or "
                + "disagree with it, then mark the region clean. A journal that does not read to its end is refused "
                + "with nothing changed, unless --salvage. A clean region is left untouched, but for what --reclaim "
                + "finds still held and releases. Exit 1 when damage was "
                + "repaired or the journal salvaged (the region is recovered all the same). A region whose writer "
                + "recorded a redo point newer than its newest checkpoint (simulate --redo-point-every) replays only "
                + "the journal after it and checks the slots that touches (--verify-all: every slot). Only the "
                + "records from where the replay starts are read and checked: one damaged before the checkpoint or "
                + "redo point is not seen (audit reads the whole journal, and so does --verify-all).")
final class RecoverCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--reclaim",
            description = "Also release everything the dead process held (outstanding"
                    + " obligations, raw references, list membership), journaled as recovery events.")
    boolean reclaim;

    @Option(
            names = "--salvage",
            description = "For a damaged journal: keep every record before the first one that"
                    + " fails its check (same indices), move the damaged journal aside whole, rebuild the slot table from the"
                    + " kept records and write a report of what was dropped. Never the default.")
    boolean salvage;

    @Option(
            names = "--verify-all",
            description = "Ignore the region's redo point: replay from the newest checkpoint (or the journal's start)"
                    + " and compare every slot of the table with the replay, not only the slots the journal after the"
                    + " redo point touches; and read and check every record of the journal, those before the"
                    + " checkpoint too (damage there is reported, exit 1, and left as it is: recovery does not need"
                    + " those records). For a table or journal you do not trust (copied, restored, edited).")
    boolean verifyAll;

    @Override
    public Integer call() {
        // Ctrl-C or SIGTERM mid-recovery: the JVM exits at once, saying what that leaves (a recovery stopped part way
        // is
        // safe to run again: it starts over from the same journal and table, its own records included)
        try (InterruptHook hook = InterruptHook.install(() -> root.err.println(interrupted()), 0)) {
            int exit = recover();
            hook.done();
            return exit;
        }
    }

    /** What Ctrl-C says: the recovery may have marked the region clean just before it came. */
    private String interrupted() {
        return RegionStatus.readsClean(new RegionLayout(dir).status())
                ? "framejournal: recover interrupted after " + dir + " was marked clean: nothing is left to do"
                : "framejournal: recover interrupted: " + dir + " is not marked clean yet; run `framejournal recover "
                        + dir + "` again (a recovery stopped part way starts over safely)";
    }

    private int recover() {
        RecoveryReport r = MetaRegion.recover(dir, reclaim, salvage, verifyAll);
        if (json) {
            out().println(JsonRenderer.recovery(r));
        } else {
            text().recovery(r);
        }
        return r.foundDamage() ? FrameJournalCli.FINDINGS : FrameJournalCli.OK;
    }
}
