package io.framejournal.replay.export;

import io.framejournal.replay.export.parquet.ParquetColumn;
import io.framejournal.replay.export.parquet.ParquetWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A table written row by row (slots, leaks, sites, region) into one Parquet file, streamed: values are kept per column
 * for one page of {@link ParquetTables#BATCH} rows, which is then handed to the writer (opened at the first page), and
 * a row group ends every {@link ParquetTables#ROW_GROUP} rows, so memory stays one page and one row group's compressed
 * pages however many rows there are (the {@code slots} table of a 2^28-frame region has 2^28: kept whole, as it was
 * until 2026-11-28, they took tens of GiB of heap). Every column is OPTIONAL (as DuckDB wrote them); integers
 * DELTA_BINARY_PACKED, strings PLAIN, booleans PLAIN.
 */
final class ParquetRows implements TableSink {
    private final Path file;
    private final List<ParquetColumn> columns;
    private final String createdBy;
    private final long[][] numbers;
    private final String[][] strings;
    private final boolean[][] nulls;
    /** Rows in the page being filled. */
    private int rows;
    /** Rows handed to the writer. */
    private long written;

    private int col;
    private ParquetWriter writer;
    private final int[] defined = new int[ParquetTables.BATCH];
    private final long[] longs = new long[ParquetTables.BATCH];
    private final int[] ints = new int[ParquetTables.BATCH];

    ParquetRows(Path file, ExportSchema.Table table, String createdBy) {
        this.file = file;
        this.columns = ParquetTables.columns(table, null);
        this.createdBy = createdBy;
        int n = columns.size();
        int page = ParquetTables.BATCH;
        numbers = new long[n][];
        strings = new String[n][];
        nulls = new boolean[n][page];
        for (int c = 0; c < n; c++) {
            if (columns.get(c).type() == ParquetColumn.Type.STRING) {
                strings[c] = new String[page];
            } else {
                numbers[c] = new long[page];
            }
        }
    }

    @Override
    public TableSink beginRow() throws IOException {
        if (rows == ParquetTables.BATCH) {
            flush();
        }
        col = 0;
        return this;
    }

    private ParquetColumn next(boolean string) {
        if (col >= columns.size()) {
            throw new IllegalStateException(file + ": more values than the " + columns.size() + " columns");
        }
        ParquetColumn c = columns.get(col);
        if ((c.type() == ParquetColumn.Type.STRING) != string) {
            throw new IllegalArgumentException(file + ": column " + c.name() + " is " + c.type());
        }
        return c;
    }

    @Override
    public TableSink append(long v) {
        next(false);
        nulls[col][rows] = false;
        numbers[col++][rows] = v;
        return this;
    }

    @Override
    public TableSink append(int v) {
        return append((long) v);
    }

    @Override
    public TableSink append(short v) {
        return append((long) v);
    }

    @Override
    public TableSink append(boolean v) {
        return append(v ? 1L : 0L);
    }

    @Override
    public TableSink append(String v) {
        next(true);
        nulls[col][rows] = v == null;
        strings[col++][rows] = v;
        return this;
    }

    @Override
    public TableSink appendNull() {
        if (col >= columns.size()) {
            throw new IllegalStateException(file + ": more values than the " + columns.size() + " columns");
        }
        nulls[col][rows] = true;
        if (strings[col] != null) {
            strings[col][rows] = null;
        }
        col++;
        return this;
    }

    @Override
    public TableSink endRow() {
        if (col != columns.size()) {
            throw new IllegalStateException(file + ": a row of " + col + " values, the table has " + columns.size());
        }
        rows++;
        return this;
    }

    /** Hands the page filled so far to the writer (one page per column), ending a row group every ROW_GROUP rows. */
    private void flush() throws IOException {
        if (writer == null) {
            writer = new ParquetWriter(file, columns, ParquetWriter.Compression.ZSTD, createdBy);
        }
        int n = rows;
        for (int c = 0; c < columns.size(); c++) {
            ParquetColumn.Type t = columns.get(c).type();
            if (t == ParquetColumn.Type.STRING) {
                writer.strings(c, strings[c], n);
                continue;
            }
            int k = 0;
            for (int i = 0; i < n; i++) {
                boolean isNull = nulls[c][i];
                defined[i] = isNull ? 0 : 1;
                if (!isNull) {
                    longs[k] = numbers[c][i];
                    ints[k] = (int) longs[k];
                    k++;
                }
            }
            if (t == ParquetColumn.Type.INT64) {
                writer.optionalLongs(c, defined, n, longs, k);
            } else if (t == ParquetColumn.Type.BOOLEAN) {
                writer.optionalBooleans(c, defined, n, ints, k);
            } else {
                writer.optionalInts(c, defined, n, ints, k);
            }
        }
        written += n;
        rows = 0;
        if (written % ParquetTables.ROW_GROUP == 0) {
            writer.endRowGroup();
        }
    }

    @Override
    public void close() throws IOException {
        if (rows > 0 || writer == null) {
            if (rows > 0) {
                flush();
            } else {
                writer = new ParquetWriter(file, columns, ParquetWriter.Compression.ZSTD, createdBy);
            }
        }
        writer.close();
    }
}
