package io.framejournal.replay.export;

import io.framejournal.replay.export.parquet.ParquetColumn;
import io.framejournal.replay.export.parquet.ParquetWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A small table (slots, leaks, sites, region: at most a few million rows) row by row into one Parquet file: values are
 * kept per column until {@link #close}, then written as row groups of {@link ParquetTables#ROW_GROUP} rows, pages of
 * {@link ParquetTables#BATCH}. Every column is OPTIONAL (as DuckDB wrote them); integers DELTA_BINARY_PACKED,
 * strings PLAIN, booleans PLAIN.
 */
final class ParquetRows implements TableSink {
    private final Path file;
    private final List<ParquetColumn> columns;
    private final String createdBy;
    private final long[][] numbers;
    private final String[][] strings;
    private final boolean[][] nulls;
    private int rows;
    private int col;

    ParquetRows(Path file, ExportSchema.Table table, String createdBy) {
        this.file = file;
        this.columns = ParquetTables.columns(table, null);
        this.createdBy = createdBy;
        int n = columns.size();
        numbers = new long[n][];
        strings = new String[n][];
        nulls = new boolean[n][16];
        for (int c = 0; c < n; c++) {
            if (columns.get(c).type() == ParquetColumn.Type.STRING) {
                strings[c] = new String[16];
            } else {
                numbers[c] = new long[16];
            }
        }
    }

    @Override
    public TableSink beginRow() {
        if (rows == nulls[0].length) {
            for (int c = 0; c < columns.size(); c++) {
                int cap = 2 * rows;
                nulls[c] = Arrays.copyOf(nulls[c], cap);
                if (strings[c] != null) {
                    strings[c] = Arrays.copyOf(strings[c], cap);
                } else {
                    numbers[c] = Arrays.copyOf(numbers[c], cap);
                }
            }
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
        if (v == null) {
            nulls[col][rows] = true;
        }
        strings[col++][rows] = v;
        return this;
    }

    @Override
    public TableSink appendNull() {
        if (col >= columns.size()) {
            throw new IllegalStateException(file + ": more values than the " + columns.size() + " columns");
        }
        nulls[col++][rows] = true;
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

    @Override
    public void close() throws IOException {
        int page = ParquetTables.BATCH;
        int[] defined = new int[page];
        long[] longs = new long[page];
        int[] ints = new int[page];
        String[] text = new String[page];
        try (ParquetWriter w = new ParquetWriter(file, columns, ParquetWriter.Compression.ZSTD, createdBy)) {
            for (int from = 0; from < rows; from += page) {
                int n = Math.min(page, rows - from);
                for (int c = 0; c < columns.size(); c++) {
                    ParquetColumn.Type t = columns.get(c).type();
                    if (t == ParquetColumn.Type.STRING) {
                        System.arraycopy(strings[c], from, text, 0, n);
                        w.strings(c, text, n);
                        continue;
                    }
                    int k = 0;
                    for (int i = 0; i < n; i++) {
                        boolean isNull = nulls[c][from + i];
                        defined[i] = isNull ? 0 : 1;
                        if (!isNull) {
                            longs[k] = numbers[c][from + i];
                            ints[k] = (int) longs[k];
                            k++;
                        }
                    }
                    if (t == ParquetColumn.Type.INT64) {
                        w.optionalLongs(c, defined, n, longs, k);
                    } else if (t == ParquetColumn.Type.BOOLEAN) {
                        w.optionalBooleans(c, defined, n, ints, k);
                    } else {
                        w.optionalInts(c, defined, n, ints, k);
                    }
                }
                if ((from + n) % ParquetTables.ROW_GROUP == 0) {
                    w.endRowGroup();
                }
            }
        }
    }
}
