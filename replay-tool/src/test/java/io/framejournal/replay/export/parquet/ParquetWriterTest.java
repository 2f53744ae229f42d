package io.framejournal.replay.export.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.replay.export.DuckDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files of {@link ParquetWriter} read back by the embedded DuckDB: values, types, statistics, structure. */
class ParquetWriterTest {
    @TempDir
    Path tmp;

    static final List<String> OPS = List.of("NONE", "FRAME_CLONE", "FRAME_DROP", "SEGMENT_SLICE", "LIST_PUSH");
    static final List<ParquetColumn> COLUMNS = List.of(
            ParquetColumn.required("id", ParquetColumn.Type.INT64),
            ParquetColumn.required("n", ParquetColumn.Type.INT32),
            ParquetColumn.required("small", ParquetColumn.Type.INT16),
            ParquetColumn.dictionary("op", OPS),
            ParquetColumn.optional("maybe", ParquetColumn.Type.INT64),
            ParquetColumn.optional("maybe_int", ParquetColumn.Type.INT32),
            ParquetColumn.optional("text", ParquetColumn.Type.STRING),
            ParquetColumn.optional("flag", ParquetColumn.Type.BOOLEAN));

    /** Rows of {@link #COLUMNS}; {@code null} fields are NULL. */
    record Row(long id, int n, short small, int op, Long maybe, Integer maybeInt, String text, Boolean flag) {
        String expected() {
            return id + "|" + n + "|" + small + "|" + OPS.get(op) + "|" + maybe + "|" + maybeInt + "|" + text + "|"
                    + flag;
        }
    }

    /** Writes rows as pages of {@code page} rows, ending a row group every {@code group} pages. */
    Path write(String name, List<Row> rows, int page, int group) throws Exception {
        Path f = tmp.resolve(name);
        try (ParquetWriter w =
                new ParquetWriter(f, COLUMNS, ParquetWriter.Compression.ZSTD, "framejournal version test")) {
            int pages = 0;
            for (int from = 0; from < rows.size(); from += page) {
                int n = Math.min(page, rows.size() - from);
                List<Row> p = rows.subList(from, from + n);
                w.longs(0, p.stream().mapToLong(Row::id).toArray(), n);
                w.ints(1, p.stream().mapToInt(Row::n).toArray(), n);
                w.ints(2, p.stream().mapToInt(Row::small).toArray(), n);
                w.codes(3, p.stream().mapToInt(Row::op).toArray(), n);
                int[] defined =
                        p.stream().mapToInt(r -> r.maybe() == null ? 0 : 1).toArray();
                long[] some = p.stream()
                        .filter(r -> r.maybe() != null)
                        .mapToLong(Row::maybe)
                        .toArray();
                w.optionalLongs(4, defined, n, some, some.length);
                int[] definedInt =
                        p.stream().mapToInt(r -> r.maybeInt() == null ? 0 : 1).toArray();
                int[] someInts = p.stream()
                        .filter(r -> r.maybeInt() != null)
                        .mapToInt(Row::maybeInt)
                        .toArray();
                w.optionalInts(5, definedInt, n, someInts, someInts.length);
                w.strings(6, p.stream().map(Row::text).toArray(String[]::new), n);
                int[] definedFlag =
                        p.stream().mapToInt(r -> r.flag() == null ? 0 : 1).toArray();
                int[] flags = p.stream()
                        .filter(r -> r.flag() != null)
                        .mapToInt(r -> r.flag() ? 1 : 0)
                        .toArray();
                w.optionalBooleans(7, definedFlag, n, flags, flags.length);
                if (++pages % group == 0) {
                    w.endRowGroup();
                }
            }
        }
        return f;
    }

    static List<Row> rows(int n, long seed, double nulls) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        long id = Long.MIN_VALUE / 2;
        for (int i = 0; i < n; i++) {
            id += r.nextInt(3);
            rows.add(new Row(
                    id,
                    r.nextInt(),
                    (short) r.nextInt(),
                    r.nextInt(OPS.size()),
                    r.nextDouble() < nulls ? null : (i % 7 == 0 ? Long.MIN_VALUE : r.nextLong()),
                    r.nextDouble() < nulls ? null : r.nextInt(5000) - 1,
                    r.nextDouble() < nulls ? null : "t" + r.nextInt(50) + (i % 11 == 0 ? "ü" : ""),
                    r.nextDouble() < nulls ? null : r.nextBoolean()));
        }
        return rows;
    }

    List<String> read(Path f) throws Exception {
        List<String> got = new ArrayList<>();
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, n, small, op, maybe, maybe_int, text, flag FROM read_parquet('" + f
                                + "', file_row_number = true) ORDER BY file_row_number")) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= 8; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                got.add(sb.toString());
            }
        }
        return got;
    }

    static List<String> expected(List<Row> rows) {
        return rows.stream().map(Row::expected).toList();
    }

    List<List<String>> query(String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= cols; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void emptyFileHasTheSchemaAndNoRows() throws Exception {
        Path f = write("empty.parquet", List.of(), 10, 1);
        assertThat(read(f)).isEmpty();
        assertThat(query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('" + f + "'))"))
                .containsExactly(
                        List.of("id", "BIGINT"),
                        List.of("n", "INTEGER"),
                        List.of("small", "SMALLINT"),
                        List.of("op", "VARCHAR"),
                        List.of("maybe", "BIGINT"),
                        List.of("maybe_int", "INTEGER"),
                        List.of("text", "VARCHAR"),
                        List.of("flag", "BOOLEAN"));
        byte[] b = Files.readAllBytes(f);
        assertThat(new String(b, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
        assertThat(new String(b, b.length - 4, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
    }

    @Test
    void oneRow() throws Exception {
        List<Row> rows = List.of(new Row(-5, Integer.MIN_VALUE, Short.MIN_VALUE, 4, Long.MAX_VALUE, -1, "", true));
        assertThat(read(write("one.parquet", rows, 10, 1))).isEqualTo(expected(rows));
    }

    @Test
    void allNullAndNoNullOptionalColumns() throws Exception {
        List<Row> none = rows(3000, 1, 0.0);
        List<Row> all = rows(3000, 2, 1.0);
        Path noNulls = write("nonull.parquet", none, 1000, 10);
        Path allNull = write("allnull.parquet", all, 1000, 10);
        assertThat(read(noNulls)).isEqualTo(expected(none));
        assertThat(read(allNull)).isEqualTo(expected(all));
        assertThat(query("SELECT path_in_schema, stats_null_count, stats_min_value, stats_max_value FROM "
                        + "parquet_metadata('" + allNull + "') WHERE path_in_schema IN ('maybe', 'text', 'flag')"))
                .containsExactlyInAnyOrder(
                        Arrays.asList("maybe", "3000", null, null),
                        Arrays.asList("text", "3000", null, null),
                        Arrays.asList("flag", "3000", null, null));
    }

    @Test
    void manyPagesAndRowGroupsWithStatistics() throws Exception {
        List<Row> rows = rows(10_007, 3, 0.2);
        Path f = write("many.parquet", rows, 999, 4);
        assertThat(read(f)).isEqualTo(expected(rows));
        List<List<String>> groups = query("SELECT row_group_id, row_group_num_rows FROM parquet_metadata('" + f
                + "') WHERE path_in_schema = 'id' ORDER BY row_group_id");
        assertThat(groups).hasSize(3); // 11 pages: 4 + 4 + 3
        assertThat(groups.get(0)).containsExactly("0", "3996");
        assertThat(groups.get(2)).containsExactly("2", String.valueOf(10_007 - 2 * 3996));
        // each row group's min and max are its own rows'
        for (int g = 0; g < 3; g++) {
            List<Row> part = rows.subList(g * 3996, Math.min(rows.size(), (g + 1) * 3996));
            List<List<String>> stats = query("SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count"
                    + " FROM parquet_metadata('" + f + "') WHERE row_group_id = " + g
                    + " AND path_in_schema IN ('n', 'op', 'maybe', 'text') ORDER BY path_in_schema");
            assertThat(stats)
                    .containsExactly(
                            List.of(
                                    "maybe",
                                    String.valueOf(part.stream()
                                            .filter(r -> r.maybe() != null)
                                            .mapToLong(Row::maybe)
                                            .min()
                                            .getAsLong()),
                                    String.valueOf(part.stream()
                                            .filter(r -> r.maybe() != null)
                                            .mapToLong(Row::maybe)
                                            .max()
                                            .getAsLong()),
                                    String.valueOf(part.stream()
                                            .filter(r -> r.maybe() == null)
                                            .count())),
                            List.of(
                                    "n",
                                    String.valueOf(
                                            part.stream().mapToInt(Row::n).min().getAsInt()),
                                    String.valueOf(
                                            part.stream().mapToInt(Row::n).max().getAsInt()),
                                    "0"),
                            List.of(
                                    "op",
                                    part.stream()
                                            .map(r -> OPS.get(r.op()))
                                            .sorted()
                                            .findFirst()
                                            .orElseThrow(),
                                    part.stream()
                                            .map(r -> OPS.get(r.op()))
                                            .max(String::compareTo)
                                            .orElseThrow(),
                                    "0"),
                            List.of(
                                    "text",
                                    part.stream()
                                            .map(Row::text)
                                            .filter(t -> t != null)
                                            .sorted()
                                            .findFirst()
                                            .orElseThrow(),
                                    part.stream()
                                            .map(Row::text)
                                            .filter(t -> t != null)
                                            .max(String::compareTo)
                                            .orElseThrow(),
                                    String.valueOf(part.stream()
                                            .filter(r -> r.text() == null)
                                            .count())));
        }
        assertThat(query("SELECT DISTINCT path_in_schema, encodings FROM parquet_metadata('" + f
                        + "') WHERE path_in_schema IN ('id', 'op', 'text') ORDER BY 1"))
                .containsExactly(
                        List.of("id", "DELTA_BINARY_PACKED, RLE"),
                        List.of("op", "PLAIN, RLE_DICTIONARY, RLE"),
                        List.of("text", "PLAIN, RLE"));
        // a filter on a row group's range skips the others (statistics are trusted)
        long first = rows.get(4000).id();
        assertThat(query("SELECT count(*) FROM read_parquet('" + f + "') WHERE id >= " + first + " AND id <= "
                        + rows.get(5000).id()))
                .containsExactly(List.of(String.valueOf(rows.stream()
                        .filter(r -> r.id() >= first && r.id() <= rows.get(5000).id())
                        .count())));
    }

    @Test
    void aChunkIsCompressedOnlyWhenItsFirstPageShrinks() throws Exception {
        Path f = tmp.resolve("codecs.parquet");
        Random r = new Random(8);
        int n = 5000;
        long[] repeating = new long[n];
        long[] random = new long[n];
        for (int i = 0; i < n; i++) {
            repeating[i] = (i % 10) * 1_000_003L; // the same delta pattern again and again
            random[i] = r.nextLong();
        }
        try (ParquetWriter w = new ParquetWriter(
                f,
                List.of(
                        ParquetColumn.required("repeating", ParquetColumn.Type.INT64),
                        ParquetColumn.required("random", ParquetColumn.Type.INT64)),
                ParquetWriter.Compression.ZSTD,
                "framejournal version test")) {
            for (int from = 0; from < n; from += 1000) {
                w.longs(0, Arrays.copyOfRange(repeating, from, from + 1000), 1000);
                w.longs(1, Arrays.copyOfRange(random, from, from + 1000), 1000);
            }
        }
        assertThat(query("SELECT path_in_schema, compression FROM parquet_metadata('" + f + "') ORDER BY 1"))
                .containsExactly(List.of("random", "UNCOMPRESSED"), List.of("repeating", "ZSTD"));
        assertThat(query("SELECT sum(repeating), min(random), max(random) FROM read_parquet('" + f + "')"))
                .containsExactly(List.of(
                        String.valueOf(Arrays.stream(repeating).sum()),
                        String.valueOf(Arrays.stream(random).min().getAsLong()),
                        String.valueOf(Arrays.stream(random).max().getAsLong())));
    }

    @Test
    void uncompressedFilesReadTheSame() throws Exception {
        List<Row> rows = rows(2000, 4, 0.1);
        Path f = tmp.resolve("plain.parquet");
        try (ParquetWriter w = new ParquetWriter(
                f,
                List.of(ParquetColumn.required("id", ParquetColumn.Type.INT64)),
                ParquetWriter.Compression.UNCOMPRESSED,
                "framejournal version test")) {
            w.longs(0, rows.stream().mapToLong(Row::id).toArray(), rows.size());
        }
        assertThat(query("SELECT min(id), max(id), count(*) FROM read_parquet('" + f + "')"))
                .containsExactly(List.of(
                        String.valueOf(rows.get(0).id()),
                        String.valueOf(rows.get(rows.size() - 1).id()),
                        String.valueOf(rows.size())));
    }

    @Test
    void misuseFailsWithOneLine() throws Exception {
        try (ParquetWriter w = new ParquetWriter(
                tmp.resolve("bad.parquet"), COLUMNS, ParquetWriter.Compression.ZSTD, "framejournal version test")) {
            assertThatThrownBy(() -> w.ints(0, new int[1], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("column id is INT64");
            assertThatThrownBy(() -> w.longs(4, new long[1], 1)).hasMessage("column maybe is OPTIONAL: give its nulls");
            assertThatThrownBy(() -> w.codes(3, new int[] {5}, 1))
                    .hasMessage("column op: code 5 is outside its dictionary of 5");
            w.longs(0, new long[2], 2);
            assertThatThrownBy(w::endRowGroup)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("column n has 0 rows, id has 2");
        } catch (IllegalStateException expected) {
            // close() ends the same unequal row group
        }
    }
}
