package io.framejournal.replay.cli;

import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.export.SqlSession;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.render.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal sql DIR "SELECT …"}. */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        header = "Query the journal's tables with SQL (embedded DuckDB).",
        description = "Run SQL over the tables of docs/EXPORT.md (events, calls, slots, leaks, sites, "
                + "region), as views in an embedded DuckDB; several statements (separated by ';') are run in order and "
                + "each one's result printed. DIR is a region (exported to a private temporary "
                + "directory first) or a directory written by `framejournal export` (queried where it is). Queries "
                + "cannot read or write any other file: DuckDB's external access is off and its configuration locked "
                + "before the query runs. DuckDB's allowed directory is writable too: a `COPY ... TO` into an export "
                + "directory queried where it is can write there (a region is never reachable: it is queried through "
                + "a private export). Example queries: docs/EXPORT.md.")
final class SqlCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "A region directory or an export directory.")
    Path dir;

    @Parameters(
            index = "1",
            paramLabel = "QUERY",
            description = "The SQL query, e.g. \"SELECT op, count(*) FROM events GROUP BY op\", or several statements"
                    + " separated by ';'.")
    String query;

    @Option(
            names = "--max-rows",
            paramLabel = "N",
            converter = Converters.IntCountOrZero.class,
            defaultValue = "1000",
            description = "Rows printed at most (all are counted; 0 prints the count only). Default: ${DEFAULT-VALUE}.")
    int maxRows;

    @Override
    public Integer call() {
        // DuckDB's JDBC driver, and zstd's for the private export of a region; both spill there too
        NativeTemp.require("sql", "DuckDB's and zstd's native libraries");
        List<SqlSession.Result> results = new ArrayList<>(); // for JSON; text is printed as each statement ends
        int[] printed = {0};
        String stop;
        try (Progress p = progress("exporting", dir);
                SqlSession s = SqlSession.open(
                        dir, p, region -> requireHeap(region, 2, HeapCheck.PARQUET_BASE))) { // export's need
            stop = s.stopReason();
            s.queryEach(query, maxRows, r -> {
                if (json) {
                    results.add(r);
                } else {
                    printText(r, printed[0]++ == 0);
                }
            });
        }
        if (json) {
            out().println(json(results, stop));
        }
        return exit(stop, false);
    }

    /**
     * One JSON document: a query of one statement is described at the top level ({@code columns}, {@code rows}, ...);
     * one of several statements has a {@code results} array of those, one per statement in order.
     */
    private String json(List<SqlSession.Result> results, String stop) {
        JsonWriter w = new JsonWriter(true)
                .beginObject()
                .field("command", "sql")
                .field("schema", JsonRenderer.SCHEMA)
                .field("dir", dir.toString())
                .field("query", query);
        if (results.size() == 1) {
            resultFields(w, results.get(0));
        } else {
            w.name("results").beginArray();
            for (SqlSession.Result r : results) {
                w.beginObject().field("statement", r.statement());
                resultFields(w, r);
                w.endObject();
            }
            w.endArray();
        }
        return w.field("stopReason", stop).endObject().take();
    }

    private static void resultFields(JsonWriter w, SqlSession.Result r) {
        w.name("columns").beginArray();
        for (int i = 0; i < r.columns().size(); i++) {
            w.beginObject()
                    .field("name", r.columns().get(i))
                    .field("type", r.types().get(i))
                    .endObject();
        }
        w.endArray().name("rows").beginArray();
        for (List<Object> row : r.rows()) {
            w.beginArray();
            for (Object v : row) {
                value(w, v);
            }
            w.endArray();
        }
        w.endArray()
                .field("rowCount", r.totalRows())
                .field("truncated", r.totalRows() > r.rows().size());
    }

    /**
     * One statement's result as a table and its row count, or {@code OK} for a statement that returns nothing (CREATE,
     * SET, ...); a blank line before each but the first.
     */
    private void printText(SqlSession.Result r, boolean first) {
        if (!first) {
            out().println();
        }
        if (r.columns().isEmpty()) {
            out().println("OK");
            out().flush();
            return;
        }
        Table t = new Table(r.columns().stream().map(SqlCommand::safe).toArray(String[]::new));
        for (List<Object> row : r.rows()) {
            t.row(row.stream().map(v -> v == null ? "NULL" : safe(v.toString())).toArray());
        }
        t.print(out(), "");
        long more = r.totalRows() - r.rows().size();
        out().println("(" + Fmt.count(r.totalRows()) + " row" + (r.totalRows() == 1 ? "" : "s")
                + (more > 0 ? ", " + Fmt.count(more) + " not shown: raise --max-rows" : "") + ")");
        out().flush();
    }

    private static Progress progress(String label, Path dir) {
        return SqlSession.isExport(dir) || !io.framejournal.replay.analysis.Terminal.stderrIsTerminal()
                ? Progress.none()
                : Progress.onStderr(label, 0);
    }

    /** 2^53: the largest magnitude every JSON reader (doubles) keeps exact. */
    private static final long MAX_EXACT = 1L << 53;

    private static void value(JsonWriter w, Object v) {
        if (v == null) {
            w.nullValue();
        } else if (v instanceof Double || v instanceof Float) {
            w.value(((Number) v).doubleValue());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            long n = ((Number) v).longValue();
            if (Math.abs(n) <= MAX_EXACT) {
                w.value(n);
            } else {
                w.value(Long.toString(n)); // past 2^53 a JSON number is rounded by jq and JavaScript
            }
        } else if (v instanceof Boolean) {
            w.value((Boolean) v);
        } else {
            w.value(v.toString());
        }
    }

    /** A cell for a terminal: control characters (escape sequences from a hostile region) written as \\uXXXX. */
    static String safe(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
