package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal audit DIR [--at INDEX]}. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        header = "Replay the journal and report leaks, invariant breaks, torn operations, divergence.",
        description = "Replay the journal from its start (from its oldest checkpoint when its early files were"
                + " retired; with --since-checkpoint from its newest) and report leaks (outstanding obligations, raw "
                + "references, unbalanced shared frames, leaked handles), invariant breaks at quiet points, "
                + "illegal transitions, double frees, under/overflows, continuity breaks, torn operations and "
                + "divergence from the slot table. Read-only. Exit 1 when anything is found.")
final class AuditCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The region directory.")
    Path dir;

    @Option(
            names = "--at",
            paramLabel = "INDEX",
            converter = Converters.Number.class,
            description = "Audit the state as of this journal index (0x… or decimal) instead of the end.")
    Long at;

    @Option(
            names = "--since-checkpoint",
            description = "Audit only what follows the newest usable checkpoint (at or before --at): the cost of the"
                    + " suffix, not of the journal. Findings before it are counted, not listed.")
    boolean sinceCheckpoint;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "" + Auditor.DEFAULT_DETAIL_LIMIT,
            description = "Findings of one category listed in detail (all are counted). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Override
    public Integer call() {
        RegionInput region = RegionInput.open(dir);
        long atIndex = checkedAt(region, at);
        AuditReport r;
        Auditor auditor = new Auditor(
                region,
                atIndex,
                Math.max(1, limit),
                sinceCheckpoint ? Auditor.Start.NEWEST_CHECKPOINT : Auditor.Start.BEGINNING);
        try (Progress p = progress("auditing", region)) {
            r = auditor.run(p);
        }
        for (String note : auditor.notes()) {
            root.err.println("framejournal: note: " + note);
        }
        if (json) {
            out().println(JsonRenderer.audit(r));
        } else {
            text().audit(r);
        }
        for (String w : r.warnings()) {
            root.err.println("framejournal: warning: " + w);
        }
        if (r.stopReason() == null && !r.warnings().isEmpty()) {
            return FrameJournalCli.BAD_INPUT;
        }
        return exit(r.stopReason(), r.findings() > 0);
    }
}
