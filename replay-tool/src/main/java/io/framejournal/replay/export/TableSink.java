package io.framejournal.replay.export;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Rows of one small table (slots, leaks, sites, region), value by value in column order: written as Parquet by
 * {@link ParquetRows}, or through DuckDB's appender for CSV. {@link #close} writes the part file.
 */
interface TableSink extends AutoCloseable {
    TableSink beginRow() throws SQLException, IOException;

    TableSink append(long v) throws SQLException;

    TableSink append(int v) throws SQLException;

    TableSink append(short v) throws SQLException;

    TableSink append(boolean v) throws SQLException;

    /** A string; {@code null} is a NULL. */
    TableSink append(String v) throws SQLException;

    TableSink appendNull() throws SQLException;

    TableSink endRow() throws SQLException;

    @Override
    void close() throws SQLException, IOException;
}
