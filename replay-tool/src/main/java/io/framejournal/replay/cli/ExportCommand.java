package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.export.ExportSchema;
import io.framejournal.replay.export.Exporter;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.render.Table;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal export DIR --to OUT [--format parquet|csv] [--at INDEX]}. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        header = "Write the journal as tables (events, calls, slots, leaks, sites) in Parquet or CSV.",
        description = "Write the region as tables for DuckDB, Spark, Trino or pandas: events (one row per slot event), "
                + "calls (one row per journal record), slots (every frame's state at the end or at --at), leaks (what "
                + "the audit finds outstanding), sites (call sites) and region. One directory per table under OUT, "
                + "part files inside; schema in docs/EXPORT.md. Reads the region only; OUT must be a new or empty "
                + "directory outside it.")
final class ExportCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "OUT",
            converter = Converters.Dir.class,
            description = "The output directory (new or empty).")
    Path to;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "parquet",
            description = "parquet or csv. Default: ${DEFAULT-VALUE}.")
    Exporter.Format format;

    @Option(
            names = "--at",
            paramLabel = "INDEX|TIME",
            converter = Converters.At.class,
            description =
                    "Export as of this journal index (0x… or decimal) or ISO-8601 time (the last event at or before it) instead of the end.")
    io.framejournal.replay.analysis.Position at;

    @Override
    public Integer call() {
        if (to.toString().equals("-")) {
            throw new IllegalArgumentException(
                    "--to - : export writes a directory of tables, not one stream; name a new or empty directory");
        }
        // Parquet pages are zstd-compressed by our encoder; CSV is written through DuckDB
        NativeTemp.require(
                "export", format == Exporter.Format.PARQUET ? "zstd's native library" : "DuckDB's native library");
        RegionInput region = RegionInput.open(dir);
        Exporter.checkOutput(region, to);
        long atIndex = checkedAt(region, at);
        // the scan's state and the audit's (for the leaks table); our Parquet encoder's batches besides
        requireHeap(region, 2, format == Exporter.Format.PARQUET ? HeapCheck.PARQUET_BASE : HeapCheck.BASE);
        Exporter exporter = new Exporter(region, to, format, atIndex);
        // Ctrl-C or SIGTERM: the scan stops, what was written is removed, and that is said before the JVM exits
        try (InterruptHook hook = InterruptHook.install(exporter::cancel)) {
            int exit;
            try {
                exit = export(exporter, region, atIndex);
            } catch (Exporter.Cancelled interrupted) {
                root.err.println("framejournal: " + interrupted.getMessage());
                exit = FrameJournalCli.BAD_INPUT;
            }
            out().flush();
            hook.done();
            return exit;
        }
    }

    private int export(Exporter exporter, RegionInput region, long atIndex) {
        Exporter.Result r;
        try (Progress p = progress("exporting", region)) {
            r = exporter.run(p);
        }
        if (json) {
            JsonWriter w = new JsonWriter(true)
                    .beginObject()
                    .field("command", "export")
                    .field("schema", JsonRenderer.SCHEMA)
                    .field("dir", dir.toString())
                    .field("out", r.out().toString())
                    .field("format", format.extension())
                    .field("exportSchema", ExportSchema.VERSION);
            w.name("rows").beginObject();
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                w.field(t.name(), r.rows().getOrDefault(t.name(), 0L));
            }
            w.endObject()
                    .field("files", r.files())
                    .field("bytes", r.bytes())
                    .field("firstIndex", index(r.firstIndex()))
                    .field("lastIndex", index(r.lastIndex()))
                    .field("seconds", r.nanos() / 1e9)
                    .field("eventsPerSecond", Math.round(r.eventsPerSecond()))
                    .field("stopReason", r.stopReason());
            w.name("warnings").beginArray();
            r.warnings().forEach(w::value);
            w.endArray();
            out().println(w.endObject().take());
        } else {
            out().println("export " + dir + " -> " + r.out() + " (" + format.extension() + "): "
                    + Fmt.count(r.events()) + " events in " + String.format(Locale.ROOT, "%.2f s", r.nanos() / 1e9)
                    + " (" + Fmt.count(Math.round(r.eventsPerSecond())) + " events/s)");
            out().println("  journal " + JournalIndex.format(r.firstIndex()) + " .. "
                    + JournalIndex.format(r.lastIndex())
                    + (at == null ? "" : " (--at " + JournalIndex.format(atIndex) + ")") + "; " + r.files()
                    + " part file(s), "
                    + Fmt.bytes(r.bytes()));
            if (r.stopReason() != null) {
                out().println("  journal reading STOPPED: " + r.stopReason() + " (the tables cover what was read)");
            }
            out().println();
            Table t = new Table("TABLE", "ROWS", "FILES");
            for (ExportSchema.Table table : ExportSchema.TABLES) {
                t.row(
                        table.name(),
                        Fmt.count(r.rows().getOrDefault(table.name(), 0L)),
                        r.out().resolve(table.name()) + "/*." + format.extension());
            }
            t.print(out(), "  ");
        }
        for (String w : r.warnings()) {
            if (r.stopReason() == null || !w.contains(r.stopReason())) {
                root.err.println("framejournal: warning: " + w);
            }
        }
        if (r.stopReason() == null && !r.unreadable().isEmpty()) {
            return FrameJournalCli
                    .BAD_INPUT; // part of the input could not be read, as audit says with the same warning
        }
        return exit(r.stopReason(), false);
    }

    private static String index(long i) {
        return i == JournalIndex.NONE ? null : JournalIndex.format(i);
    }
}
