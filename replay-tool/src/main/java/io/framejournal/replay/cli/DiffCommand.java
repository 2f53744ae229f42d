package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Diff;
import io.framejournal.replay.analysis.Position;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal diff DIR --from I --to J} and {@code framejournal diff DIR_A DIR_B}. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "What changed between two journal points, or where two regions part.",
        description = {
            "diff DIR --from I --to J: the frames whose state changed between the two points (each applied"
                    + " inclusively; I and J are journal indices or ISO-8601 times), the obligations minted in the"
                    + " window and still outstanding at its end (by handle and op), and the raw references forgotten"
                    + " in it and not restored. Exit 1 when the window left obligations or raw references behind.",
            "diff DIR_A DIR_B: reads both journals in step and reports the first event where they part (exit 1),"
                    + " comparing kind, op, flags, frame, metadata type, before, after, handle and call-site id; not"
                    + " timestamps, thread ids or journal indices, which differ between any two runs. For two"
                    + " single-threaded runs of one seed. Read-only."
        })
final class DiffCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory (A).")
    Path dir;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "DIR_B",
            converter = Converters.Dir.class,
            description = "A second region to compare with.")
    Path other;

    @Option(
            names = "--from",
            paramLabel = "INDEX|TIME",
            converter = Converters.At.class,
            description = "The earlier point (its events applied). Default: before the first event.")
    Position from;

    @Option(
            names = "--to",
            paramLabel = "INDEX|TIME",
            converter = Converters.At.class,
            description = "The later point (its events applied). Default: the end.")
    Position to;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.IntCount.class,
            defaultValue = "" + Auditor.DEFAULT_DETAIL_LIMIT,
            description = "Entries of one list shown (all are counted). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Override
    public Integer call() {
        RegionInput a = RegionInput.open(dir);
        if (other != null) {
            if (from != null || to != null) {
                throw new IllegalArgumentException(
                        "--from/--to apply to one region; give DIR --from I --to J, or" + " DIR_A DIR_B");
            }
            RegionInput b = RegionInput.open(other);
            Diff.PartReport r;
            try (Progress p = progress("comparing", a)) {
                r = Diff.regions(a, b, p);
            }
            if (json) {
                out().println(JsonRenderer.diffRegions(r));
            } else {
                text().diffRegions(r);
            }
            return exit(r.stopReason(), r.parted());
        }
        long fromIndex = checkedAt(a, from, "--from");
        if (to == null) {
            lastIndex(a); // an empty journal is refused here
        }
        long toIndex = to == null ? JournalIndex.NONE : checkedAt(a, to, "--to"); // NONE: the end, as far as it reads
        requireHeap(a, 3, HeapCheck.BASE); // the states at both points and the audit of the window
        if (fromIndex != JournalIndex.NONE
                && toIndex != JournalIndex.NONE
                && Long.compareUnsigned(fromIndex, toIndex) > 0) {
            throw new IllegalArgumentException("--from " + JournalIndex.format(fromIndex) + " is after --to "
                    + JournalIndex.format(toIndex) + ": give the earlier point as --from");
        }
        Diff.WindowReport r;
        try (Progress p = progress("replaying", a)) {
            r = Diff.window(a, fromIndex, toIndex, limit, p);
        }
        if (json) {
            out().println(JsonRenderer.diffWindow(r));
        } else {
            text().diffWindow(r);
        }
        return exit(r.stopReason(), r.leaks().obligations() + r.leaks().rawReferences() > 0, r.warnings());
    }

    private static long lastIndex(RegionInput region) {
        try (var reader = region.journal()) {
            long last = reader.lastIndex();
            if (last == JournalIndex.NONE) {
                throw new IllegalArgumentException(region.dir() + ": the journal is empty");
            }
            return last;
        }
    }
}
