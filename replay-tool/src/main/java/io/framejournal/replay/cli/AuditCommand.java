package io.framejournal.replay.cli;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.WriterIdentity;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.EventFilter;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Follow;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.Terminal;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal audit DIR [--at INDEX]}. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Replay the journal and report leaks, invariant breaks, torn operations, divergence.",
        description = "Replay the journal from its start (from its oldest checkpoint when its early files were"
                + " retired; with --since-checkpoint from its newest) and report leaks (outstanding obligations, raw "
                + "references, unbalanced shared frames, leaked handles), invariant breaks at quiet points, "
                + "illegal transitions, double frees, under/overflows, continuity breaks, torn operations and "
                + "divergence from the slot table. Read-only. Exit 1 when anything is found. The filters narrow the lists (and "
                + "their counts, and the exit code) to the entries whose frame, index, op, handle and event kind "
                + "match: leaks by their minting event (MINT), raw references by their RAW_FORGET, leaked handles, "
                + "findings by their event; --site keeps the leaks, raw references and leaked handles those call"
                + " sites left (findings keep no site); --thread does not apply here.")
final class AuditCommand extends BaseCommand {
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
                    "Audit the state as of this journal index (0x… or decimal) or ISO-8601 time (the last event at or before it) instead of the end.")
    io.framejournal.replay.analysis.Position at;

    @Mixin
    FilterOptions filters;

    @Option(
            names = "--since-checkpoint",
            description = "Audit only what follows the newest usable checkpoint (at or before --at): the cost of the"
                    + " suffix, not of the journal. Findings before it are counted, not listed.")
    boolean sinceCheckpoint;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.IntCount.class,
            defaultValue = "" + Auditor.DEFAULT_DETAIL_LIMIT,
            description = "Findings of one category listed in detail (all are counted). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(
            names = "--follow",
            description = "Follow a region a writer is using: replay events as they arrive, with a summary line on"
                    + " stderr every second (leaks outstanding, events/s, findings so far); at the writer's close,"
                    + " at --until, or on Ctrl-C, print the audit of what was read. Never locks or writes anything.")
    boolean follow;

    @Override
    public Integer call() {
        RegionInput region = RegionInput.open(dir);
        EventFilter filter = filters.build(region);
        requireHeap(region, 1, HeapCheck.BASE);
        if (follow) {
            if (at != null) {
                throw new IllegalArgumentException("give --follow or --at, not both (--until ends a follow)");
            }
            if (sinceCheckpoint) {
                throw new IllegalArgumentException("give --follow or --since-checkpoint, not both");
            }
            return follow(region, filter);
        }
        long atIndex = checkedAt(region, at);
        Auditor auditor = new Auditor(
                region, atIndex, limit, sinceCheckpoint ? Auditor.Start.NEWEST_CHECKPOINT : Auditor.Start.BEGINNING);
        auditor.filter(filter.withTimesAsIndices(region));
        AuditReport r;
        try (Progress p = progress("auditing", region)) {
            r = auditor.run(p);
        }
        for (String note : auditor.notes()) {
            root.err.println("framejournal: note: " + note);
        }
        int exit = report(r);
        noteEmptyRange(r.findings() == 0 && r.stopReason() == null, JournalRange.of(filter), region);
        return exit;
    }

    /** Prints the audit and its warnings; the exit code. */
    private int report(AuditReport r) {
        if (json) {
            out().println(JsonRenderer.audit(r));
        } else {
            text().audit(r);
        }
        return exit(r.stopReason(), r.findings() > 0, r.warnings());
    }

    private long writerCheckedAt;
    private String writerDied;

    /**
     * While nothing arrives: whether the region's writer is on record as dead (looked up at most every 5 s), as the
     * status line's note that nothing more will come until a recovery or a new session; {@code null} otherwise.
     */
    private String deadWriter(Path dir, long now) {
        if (writerCheckedAt == 0 || now - writerCheckedAt >= 5_000_000_000L) {
            writerCheckedAt = now;
            String w = RegionStatus.readsClean(new RegionLayout(dir).status()) ? null : WriterIdentity.describe(dir);
            writerDied = w != null && w.startsWith("died")
                    ? "caught up: the writer " + w + ", so nothing more comes until `framejournal recover " + dir
                            + "` or a new session (Ctrl-C ends the follow)"
                    : null;
        }
        return writerDied;
    }

    /**
     * {@code --follow}: the audit of everything read until the writer's close, {@code --until} or Ctrl-C, printed before
     * the interrupt hook lets the JVM go.
     */
    private int follow(RegionInput region, EventFilter filter) {
        Auditor auditor = new Auditor(region, JournalIndex.NONE, limit);
        auditor.filter(filter.withoutTimes());
        Follow f = new Follow(region, filter.until(), 250);
        StatusLine status = new StatusLine(root.err, Terminal.stderrIsTerminal());
        Follow.End end;
        try (InterruptHook hook = InterruptHook.install(f::stop)) {
            long[] lastEvents = {0};
            long[] lastTick = {System.nanoTime()};
            end = f.run(JournalIndex.NONE, new Follow.Listener() {
                @Override
                public void event(JournalEvent e) {
                    auditor.accept(e);
                }

                @Override
                public void tick(long now) {
                    if (now - lastTick[0] < 1_000_000_000L) {
                        return;
                    }
                    long n = auditor.eventsAccepted();
                    long rate = (n - lastEvents[0]) * 1_000_000_000L / Math.max(1, now - lastTick[0]);
                    String waiting = n == lastEvents[0] ? deadWriter(region.dir(), now) : null;
                    lastEvents[0] = n;
                    lastTick[0] = now;
                    status.show("following " + region.dir() + ": " + Fmt.count(n) + " events (" + Fmt.count(rate)
                            + "/s), " + Fmt.count(auditor.outstandingObligations()) + " obligation(s) and "
                            + Fmt.count(auditor.outstandingRaw()) + " raw reference(s) outstanding, "
                            + Fmt.count(auditor.findingsSoFar()) + " other finding(s) so far, last "
                            + JournalIndex.format(f.lastIndex())
                            + (waiting == null ? "" : "; " + waiting));
                }
            });
            status.clear();
            if (end != Follow.End.UNREADABLE) { // else the report's own "journal reading stopped early" line says it
                root.err.println("framejournal: " + Follow.describe(end, f));
            }
            AuditReport r = auditor.finishFollowing(
                    end == Follow.End.UNREADABLE ? f.stopReason() : null, end == Follow.End.CLOSED);
            int exit = report(r);
            out().flush();
            hook.done(); // the report is written: an interrupt's hook may let the JVM exit now
            return exit;
        }
    }
}
