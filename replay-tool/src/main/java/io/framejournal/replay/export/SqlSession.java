package io.framejournal.replay.export;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * The export's tables as views in an embedded, locked-down DuckDB. Given a region, it is exported to a private
 * temporary directory first (deleted on close); given an export directory ({@link Exporter#MANIFEST}), its part
 * files are queried where they are. Before any user query runs, DuckDB's external access is switched off with
 * only that directory readable, and the configuration is locked: a query cannot read or write any other file,
 * attach a database or load an extension. DuckDB's allowed directory is writable as well: an export directory queried
 * where it is can be written by a {@code COPY … TO} naming a file in it (a region never: it is queried through a
 * private export).
 */
public final class SqlSession implements AutoCloseable {
    private final DuckDBConnection db;
    private final Path tables;
    private final Path temp;
    private final Path spill;

    private SqlSession(DuckDBConnection db, Path tables, Path temp, Path spill) {
        this.db = db;
        this.tables = tables;
        this.temp = temp;
        this.spill = spill;
    }

    /**
     * The region to export for the query. A directory that is not one is not an export either (that was checked
     * first), and the refusal names both, as {@code sql} takes both.
     */
    private static RegionInput openRegion(Path dir) {
        try {
            return RegionInput.open(dir);
        } catch (RegionException e) {
            if (Files.isDirectory(dir) && !Files.exists(dir.resolve(io.framejournal.journal.RegionLayout.CONFIG))) {
                throw new RegionException(e.getMessage() + ", nor an export of one (no " + Exporter.MANIFEST + ")", e);
            }
            throw e;
        }
    }

    /** Whether {@code dir} is an export directory (it has the manifest). */
    public static boolean isExport(Path dir) {
        return Files.isRegularFile(dir.resolve(Exporter.MANIFEST));
    }

    /**
     * Opens a region (exported to a temporary directory first) or an export directory.
     *
     * @param dir      a region or an export
     * @param progress for the export of a region
     * @return the session, and why the journal's reading stopped early (or null) through {@link #stopReason}
     */
    public static SqlSession open(Path dir, Progress progress) {
        return open(dir, progress, region -> {});
    }

    /**
     * {@link #open(Path, Progress)}, with a check of the region made before it is exported ({@code sql}'s heap check);
     * an export directory is not checked.
     */
    public static SqlSession open(Path dir, Progress progress, java.util.function.Consumer<RegionInput> beforeExport) {
        Path temp = null;
        Path spill = null;
        String stop = null;
        Path tables;
        try {
            spill = io.framejournal.journal.StaleTemps.createTempDirectory("framejournal-sql-spill");
            if (isExport(dir)) {
                tables = dir.toAbsolutePath().normalize();
            } else if (Files.isDirectory(dir.resolve(ExportSchema.EVENTS.name()))
                    && !Files.exists(dir.resolve(io.framejournal.journal.RegionLayout.CONFIG))) {
                throw new RegionException(dir + " is an unfinished export (it has no " + Exporter.MANIFEST
                        + ": the export was killed before it finished); run `framejournal export` again into a new"
                        + " directory");
            } else {
                RegionInput region = openRegion(dir);
                beforeExport.accept(region);
                temp = io.framejournal.journal.StaleTemps.createTempDirectory("framejournal-sql");
                tables = temp.resolve("export");
                Exporter.Result r =
                        new Exporter(region, tables, Exporter.Format.PARQUET, JournalIndex.NONE).run(progress);
                stop = r.stopReason();
            }
        } catch (IOException e) {
            io.framejournal.journal.Trees.deleteQuietly(temp);
            io.framejournal.journal.Trees.deleteQuietly(spill);
            throw new RegionException("cannot create a temporary directory: " + RegionException.oneLine(e));
        } catch (RuntimeException e) {
            io.framejournal.journal.Trees.deleteQuietly(temp);
            io.framejournal.journal.Trees.deleteQuietly(spill);
            throw e;
        }
        DuckDBConnection db = null;
        try {
            db = DuckDb.open(spill);
            String ext = format(tables);
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                String files = DuckDb.literal(
                        tables.resolve(t.name()).resolve("*." + ext).toString());
                DuckDb.execute(
                        db,
                        "CREATE VIEW " + DuckDb.ident(t.name()) + " AS SELECT * FROM "
                                + (ext.equals("csv")
                                        ? "read_csv(" + files + ", header = true, columns = " + columns(t) + ")"
                                        : "read_parquet(" + files + ")"));
            }
            DuckDb.lockDown(db, List.of(tables, spill));
            SqlSession s = new SqlSession(db, tables, temp, spill);
            s.stopReason = stop;
            return s;
        } catch (SQLException e) {
            closeQuietly(db);
            io.framejournal.journal.Trees.deleteQuietly(temp);
            io.framejournal.journal.Trees.deleteQuietly(spill);
            throw new RegionException("cannot open the tables in " + dir + ": " + DuckDb.message(e));
        }
    }

    private String stopReason;

    /** Why reading the region's journal stopped early (the tables cover what was read), or {@code null}. */
    public String stopReason() {
        return stopReason;
    }

    /** Where the tables' part files are. */
    public Path tables() {
        return tables;
    }

    private static String format(Path export) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(export.resolve(Exporter.MANIFEST))) {
            p.load(in);
        } catch (IOException e) {
            throw new RegionException("cannot read " + export.resolve(Exporter.MANIFEST) + ": "
                    + RegionException.reason(e, export.resolve(Exporter.MANIFEST)));
        }
        String f = p.getProperty("format", "parquet");
        if (!f.equals("parquet") && !f.equals("csv")) {
            throw new RegionException(export.resolve(Exporter.MANIFEST) + " names an unknown format '" + f + "'");
        }
        String schema = p.getProperty("schema", "");
        if (!schema.equals(Integer.toString(ExportSchema.VERSION))) {
            throw new RegionException(export + " is an export of schema version '" + schema + "', this build reads "
                    + ExportSchema.VERSION);
        }
        return f;
    }

    private static String columns(ExportSchema.Table t) {
        StringBuilder sb = new StringBuilder("{");
        for (ExportSchema.Column c : t.columns()) {
            sb.append(sb.length() > 1 ? ", " : "")
                    .append(DuckDb.literal(c.name()))
                    .append(": ")
                    .append(DuckDb.literal(c.type()));
        }
        return sb.append('}').toString();
    }

    /**
     * A statement's result.
     *
     * @param statement the statement, as {@link SqlStatements#split} cut it from the query
     * @param columns   column names
     * @param types     DuckDB type names
     * @param rows      the rows kept (values as JDBC returns them: Long, Integer, String, Boolean, Double, ... or null)
     * @param totalRows rows the statement returned in all
     */
    public record Result(
            String statement, List<String> columns, List<String> types, List<List<Object>> rows, long totalRows) {}

    /**
     * Runs each statement of {@code sql} in order ({@link SqlStatements#split}), as DuckDB would run them, and hands
     * each one's result to {@code each} before the next runs, keeping at most {@code maxRows} rows of each (all are
     * counted). A statement that fails stops the run; the message names which statement it was when there are
     * several.
     */
    public void queryEach(String sql, int maxRows, Consumer<Result> each) {
        List<String> statements = SqlStatements.split(sql);
        for (int i = 0; i < statements.size(); i++) {
            Result r;
            try {
                r = run(statements.get(i), maxRows);
            } catch (SQLException e) {
                String which = statements.size() == 1 ? "" : "statement " + (i + 1) + " of " + statements.size() + ": ";
                throw new RegionException("sql: " + which + DuckDb.message(e));
            }
            each.accept(r);
        }
    }

    private Result run(String sql, int maxRows) throws SQLException {
        try (Statement s = db.createStatement()) {
            if (!s.execute(sql)) {
                long changed = s.getUpdateCount();
                if (changed < 0) { // a statement that returns nothing (CREATE, SET, ...): no columns, no rows
                    return new Result(sql, List.of(), List.of(), List.of(), 0);
                }
                return new Result(sql, List.of("Count"), List.of("BIGINT"), List.of(List.of((Object) changed)), 1);
            }
            try (ResultSet rs = s.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                List<String> names = new ArrayList<>();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    names.add(md.getColumnLabel(i));
                    types.add(md.getColumnTypeName(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                long total = 0;
                while (rs.next()) {
                    if (total++ < maxRows) {
                        List<Object> row = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            row.add(value(rs.getObject(i)));
                        }
                        rows.add(row);
                    }
                }
                return new Result(sql, List.copyOf(names), List.copyOf(types), rows, total);
            }
        }
    }

    /**
     * Values a renderer can print: numbers, booleans and strings as they are; times in ISO-8601 (a TIMESTAMP as
     * {@code 2026-01-01T00:00:00}, with its offset when it has one, a DATE as {@code 2026-01-01}); a LIST, STRUCT or MAP
     * as DuckDB's own text for it ({@code [1, 2]}, {@code {'a': 1}}); anything else as its text.
     */
    static Object value(Object v) throws SQLException {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        return text(v);
    }

    private static String text(Object v) throws SQLException {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof java.sql.Timestamp t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.toLocalDateTime());
        }
        if (v instanceof java.time.temporal.TemporalAccessor t && t.isSupported(ChronoField.OFFSET_SECONDS)) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t); // TIMESTAMP WITH TIME ZONE
        }
        if (v instanceof java.time.LocalDateTime t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        if (v instanceof java.sql.Array a) {
            Object items = a.getArray();
            StringBuilder sb = new StringBuilder("[");
            int n = items == null ? 0 : java.lang.reflect.Array.getLength(items);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append(text(java.lang.reflect.Array.get(items, i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof org.duckdb.DuckDBStruct s) {
            return entries(s.getMap());
        }
        if (v instanceof java.util.Map<?, ?> m) {
            return entries(m);
        }
        return v.toString();
    }

    private static String entries(java.util.Map<?, ?> m) throws SQLException {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (var e : m.entrySet()) {
            sb.append(first ? "" : ", ")
                    .append('\'')
                    .append(e.getKey())
                    .append("': ")
                    .append(text(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }

    @Override
    public void close() {
        closeQuietly(db);
        io.framejournal.journal.Trees.deleteQuietly(temp);
        io.framejournal.journal.Trees.deleteQuietly(spill);
    }

    private static void closeQuietly(DuckDBConnection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                // closing an in-memory database cannot lose anything
            }
        }
    }
}
