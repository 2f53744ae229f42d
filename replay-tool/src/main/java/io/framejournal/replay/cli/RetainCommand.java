package io.framejournal.replay.cli;

import io.framejournal.journal.RecordFormat;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.Retention;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.RegionInput;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal retain DIR --keep-checkpoints K [--max-journal SIZE] [--archive DIR]}. */
@Command(
        name = "retain",
        mixinStandardHelpOptions = true,
        header = "Retire journal files older than the oldest checkpoint kept (delete or archive them).",
        description = "Keeps the newest K checkpoints and removes every journal queue file that lies entirely"
                + " before the oldest of them; with --archive moves them there gzip-compressed instead (the"
                + " read-only commands read an archive directory like a region). With --max-journal it retires"
                + " further files, oldest first, up to the newest checkpoint, until the journal fits. Never removes"
                + " a file the newest valid checkpoint needs. Writers may keep running.")
final class RetainCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--keep-checkpoints",
            paramLabel = "K",
            converter = Converters.IntCount.class,
            defaultValue = "3",
            description = "Checkpoints kept. Default: ${DEFAULT-VALUE}.")
    int keep;

    @Option(
            names = "--max-journal",
            paramLabel = "SIZE",
            description = "Also retire files until the journal is at most this size (e.g. 10G, 512M).")
    String maxJournal;

    @Option(
            names = "--archive",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "Move retired files here, gzip-compressed, instead of deleting them (a directory outside"
                    + " the region).")
    Path archive;

    @Override
    public Integer call() {
        long max = maxJournal == null ? 0 : Converters.size("--max-journal", maxJournal);
        if (archive != null && java.nio.file.Files.exists(archive) && !java.nio.file.Files.isDirectory(archive)) {
            throw new IllegalArgumentException(
                    "--archive " + archive + " is a file; give a directory (one that does not exist yet is made)");
        }
        RegionInput region = RegionInput.open(dir);
        if (region.config().formatVersion() != RecordFormat.VERSION) {
            // retention keeps what the newest checkpoints need, and checkpoints are of format-2 journals only
            throw new RegionException(dir + " is a format-" + region.config().formatVersion()
                    + " region: it has no checkpoints (they are taken of format-" + RecordFormat.VERSION
                    + " journals only), so every journal file is needed and retain retires none; the read-only"
                    + " commands still read all of it");
        }
        Retention.Result r = Retention.retire(region.layout(), region.nrSlots(), keep, max, archive);
        if (json) {
            out().println(io.framejournal.replay.render.JsonRenderer.retention(dir, r));
        } else {
            out().println("retain " + dir + ": " + r.filesRetired().size() + " journal file(s) "
                    + (r.archivedTo() == null ? "deleted" : "archived to " + r.archivedTo()) + " ("
                    + Fmt.bytes(r.bytesRetired()) + "); " + r.checkpointsKept() + " checkpoint(s) kept, "
                    + r.checkpointsDeleted() + " deleted; journal now " + Fmt.bytes(r.journalBytes()));
            out().println("  kept: " + r.kept()); // on every path, as the JSON's kept
            for (Path p : r.filesRetired()) {
                out().println("  retired " + p.getFileName());
            }
        }
        if (r.note() != null) {
            root.err.println("framejournal: note: " + r.note());
        }
        return FrameJournalCli.OK;
    }
}
