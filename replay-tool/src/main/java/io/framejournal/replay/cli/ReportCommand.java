package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.report.HtmlReport;
import io.framejournal.replay.report.OutputFile;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal report DIR -o report.html}. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        header = "Write a self-contained HTML report: memory map, leak timelines, event rates, findings.",
        description = "Replay the journal and write one self-contained HTML file (no network, no external script or "
                + "font) to open in a browser: a memory map (frames over time, coloured by status), the refcount and "
                + "obligation timeline of each leak group's frames with the op, handle and call site that minted it, "
                + "event rates by kind and op, and the audit's findings linked to the frames they name. Drawn from "
                + "fixed-size grids: the file stays small and fast for any journal length. Read-only.")
final class ReportCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(
            names = {"-o", "--out"},
            required = true,
            paramLabel = "FILE",
            description = "The HTML file to write (replaced atomically; a symbolic link is followed, a FIFO or a"
                    + " character device is written into; - is standard output).")
    Path file;

    @Option(
            names = "--at",
            paramLabel = "INDEX|TIME",
            converter = Converters.At.class,
            description =
                    "Report the journal up to this index (0x… or decimal) or ISO-8601 time (the last event at or before it) instead of the end.")
    io.framejournal.replay.analysis.Position at;

    @Override
    public Integer call() {
        RegionInput region = RegionInput.open(dir);
        OutputFile o = OutputFile.of(file, region.dir(), "report", out());
        if (o.isStdout() && json) {
            throw new IllegalArgumentException(
                    "-o - and --json would both write to standard output: name a file with -o, or drop --json");
        }
        long atIndex = checkedAt(region, at);
        requireHeap(region, 2, HeapCheck.BASE); // the audit's state, then the drawing's
        HtmlReport.Result r;
        HtmlReport report = new HtmlReport(region, atIndex, dir.toString());
        try (Progress p = progress("reporting", region)) {
            r = report.write(o, p);
        }
        java.util.List<String> warnings = new java.util.ArrayList<>(report.auditWarnings());
        if (report.warning() != null) {
            warnings.add(report.warning());
        }
        if (o.isStdout()) {
            return exit(r.stopReason(), false, warnings); // standard output holds the HTML alone
        }
        if (json) {
            out().println(new JsonWriter(true)
                    .beginObject()
                    .field("command", "report")
                    .field("schema", JsonRenderer.SCHEMA)
                    .field("dir", dir.toString())
                    .field("file", r.file().toString())
                    .field("bytes", r.bytes())
                    .field("events", r.events())
                    .field("findings", r.findings())
                    .field("columns", r.columns())
                    .field("eventsPerColumn", r.bucket())
                    .field("frameRows", r.rows())
                    .field("stopReason", r.stopReason())
                    .endObject()
                    .take());
        } else {
            out().println("report " + dir + " -> " + r.file() + " (" + Fmt.bytes(r.bytes()) + ")");
            out().println("  " + Fmt.count(r.events()) + " events drawn in " + r.columns() + " column(s) of "
                    + Fmt.count(r.bucket()) + " event(s), " + r.rows() + " frame row(s); " + Fmt.count(r.findings())
                    + " finding(s)");
            if (r.stopReason() != null) {
                out().println("  journal reading STOPPED: " + r.stopReason() + " (the report covers what was read)");
            }
        }
        return exit(r.stopReason(), false, warnings);
    }
}
