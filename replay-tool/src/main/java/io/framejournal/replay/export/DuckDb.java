package io.framejournal.replay.export;

import io.framejournal.journal.RegionException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * Embedded DuckDB, opened in memory with nothing fetched from the network: extension auto-install and auto-load are
 * off, its spill directory is one the caller names (never the working directory, which may be a region).
 */
public final class DuckDb {
    private DuckDb() {}

    /** An in-memory database; {@code spill} is where DuckDB may write temporary files. */
    public static DuckDBConnection open(Path spill) {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        p.setProperty("temp_directory", spill.toAbsolutePath().toString());
        try {
            Connection c = new DuckDBDriver().connect("jdbc:duckdb:", p);
            return c.unwrap(DuckDBConnection.class);
        } catch (SQLException | LinkageError e) {
            // LinkageError: its native library could not be loaded (e.g. a temporary directory mounted noexec)
            throw new RegionException("cannot start the embedded DuckDB: " + message(e));
        }
    }

    /**
     * Closes the database to everything outside {@code readable}: after this no query reads or writes any other
     * file, installs or loads an extension, or changes these settings.
     */
    public static void lockDown(Connection c, List<Path> readableDirs) throws SQLException {
        StringBuilder dirs = new StringBuilder("[");
        for (Path d : readableDirs) {
            if (dirs.length() > 1) {
                dirs.append(", ");
            }
            String s = d.toAbsolutePath().normalize().toString();
            dirs.append(literal(s.endsWith("/") ? s : s + "/"));
        }
        dirs.append(']');
        execute(c, "SET allowed_directories = " + dirs);
        execute(c, "SET enable_external_access = false");
        execute(c, "SET lock_configuration = true");
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A SQL string literal. */
    public static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A SQL identifier, quoted. */
    public static String ident(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * DuckDB's message in one line: the JDBC driver wraps a failed query as "Attempting to execute an unsuccessful
     * ... result" followed by the real error on the next line; that is the line worth showing.
     */
    public static String message(Throwable e) {
        String m = String.valueOf(e.getMessage());
        String best = null;
        for (String line : m.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("Invalid Input Error: Attempting to execute an unsuccessful")) {
                continue;
            }
            if (l.startsWith("Error: ")) {
                l = l.substring("Error: ".length());
            }
            best = l;
            break;
        }
        return best == null ? m.strip() : best;
    }
}
