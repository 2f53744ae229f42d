package io.framejournal.replay.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.Simulator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet our encoder writes against the journal and against DuckDB's own writer (the reference path the export
 * used before): every table, row by row and part by part, on a simulated region of two threads.
 */
class DirectParquetExportTest {
    @TempDir
    static Path tmp;

    static Path regionDir;

    @BeforeAll
    static void simulate() {
        regionDir = tmp.resolve("region");
        new Simulator(regionDir)
                .maxPaddr(0x400000)
                .seed(21)
                .ops(12_000)
                .threads(2)
                .leakRate(0.01)
                .run();
    }

    static Exporter.Result export(Path out, boolean viaDuckDb, long at, int chunk, int rowGroup) {
        return export(regionDir, out, viaDuckDb, at, chunk, rowGroup);
    }

    static Exporter.Result export(Path region, Path out, boolean viaDuckDb, long at, int chunk, int rowGroup) {
        Exporter x = new Exporter(RegionInput.open(region), out, Exporter.Format.PARQUET, at, chunk);
        x.viaDuckDb = viaDuckDb;
        x.rowGroup = rowGroup;
        return x.run(Progress.none());
    }

    static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** A table's rows in file and row order, each with its part file's name. */
    static String ordered(Path out, String table) {
        return "SELECT regexp_extract(filename, 'part-[0-9]+') AS part, * EXCLUDE (filename, file_row_number) FROM "
                + "read_parquet('" + out.resolve(table).resolve("*.parquet")
                + "', filename = true, file_row_number = true) ORDER BY filename, file_row_number";
    }

    @Test
    void everyTableEqualsDuckDbsRowByRowAndPartByPart() throws Exception {
        Path direct = tmp.resolve("direct");
        Path reference = tmp.resolve("reference");
        // small parts and row groups: many of each, and records cut across pages
        Exporter.Result d = export(direct, false, JournalIndex.NONE, 9_000, 2_000);
        Exporter.Result r = export(reference, true, JournalIndex.NONE, 9_000, 2_000);
        assertThat(d.rows()).isEqualTo(r.rows());
        assertThat(d.files()).isEqualTo(r.files());
        assertThat(d.events()).isGreaterThan(50_000);
        try (Connection c = DuckDb.open(tmp)) {
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                List<String> got = rows(c, ordered(direct, t.name()));
                List<String> want = rows(c, ordered(reference, t.name()));
                assertThat(got).as(t.name()).hasSize(want.size()).isEqualTo(want);
                assertThat(rows(c, "DESCRIBE SELECT * FROM read_parquet('" + direct.resolve(t.name()) + "/*.parquet')"))
                        .as(t.name() + " types")
                        .isEqualTo(rows(
                                c,
                                "DESCRIBE SELECT * FROM read_parquet('" + reference.resolve(t.name())
                                        + "/*.parquet')"));
            }
            String meta = "parquet_metadata('" + direct.resolve("events/*.parquet") + "')";
            assertThat(rows(c, "SELECT max(row_group_num_rows) FROM " + meta)).containsExactly("2000");
            assertThat(rows(
                            c,
                            "SELECT count(DISTINCT file_name) > 5, count(DISTINCT (file_name, row_group_id)) > 25"
                                    + " FROM " + meta))
                    .containsExactly("true|true");
        }
    }

    @Test
    void theShippedSamplesOfBothJournalFormatsEqualTheReference() throws Exception {
        for (String sample : new String[] {"sample", "v1-sample"}) {
            Path region = io.framejournal.replay.Support.root().resolve("data").resolve(sample);
            Path direct = tmp.resolve(sample + "-direct");
            Path reference = tmp.resolve(sample + "-reference");
            Exporter.Result d = export(region, direct, false, JournalIndex.NONE, 5_000, 1_000);
            Exporter.Result r = export(region, reference, true, JournalIndex.NONE, 5_000, 1_000);
            assertThat(d.rows()).as(sample).isEqualTo(r.rows());
            assertThat(d.stopReason()).as(sample).isEqualTo(r.stopReason());
            try (Connection c = DuckDb.open(tmp)) {
                for (ExportSchema.Table t : ExportSchema.TABLES) {
                    assertThat(rows(c, ordered(direct, t.name())))
                            .as(sample + " " + t.name())
                            .isNotEmpty()
                            .isEqualTo(rows(c, ordered(reference, t.name())));
                }
            }
        }
    }

    @Test
    void countsPerOpAndKindAndSumsEqualTheJournal() throws Exception {
        Path out = tmp.resolve("full");
        Exporter.Result res = export(out, false, JournalIndex.NONE, Exporter.CHUNK, ParquetTables.ROW_GROUP);
        Map<String, Long> byOp = new TreeMap<>();
        Map<String, Long> byKind = new TreeMap<>();
        long events = 0;
        long records = 0;
        long sumTime = 0;
        long sumHandle = 0;
        long sumBefore = 0;
        long slotEntries = 0;
        long last = JournalIndex.NONE;
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = JournalReader.open(regionDir.resolve("journal"))) {
            while (reader.next(e)) {
                events++;
                if (e.index != last) {
                    records++;
                    last = e.index;
                }
                byOp.merge(e.opCode().name(), 1L, Long::sum);
                byKind.merge(e.kind.name(), 1L, Long::sum);
                sumTime += e.timestamp;
                sumHandle += e.handle;
                sumBefore += e.before;
                if (e.kind.changesSlot() && e.slot >= 0) {
                    slotEntries++;
                }
            }
        }
        assertThat(res.events()).isEqualTo(events);
        assertThat(res.rows()).containsEntry("calls", records);
        try (Connection c = DuckDb.open(tmp)) {
            String ev = "read_parquet('" + out.resolve("events/*.parquet") + "')";
            String calls = "read_parquet('" + out.resolve("calls/*.parquet") + "')";
            List<String> ops = new ArrayList<>();
            byOp.forEach((k, v) -> ops.add(k + "|" + v));
            List<String> kinds = new ArrayList<>();
            byKind.forEach((k, v) -> kinds.add(k + "|" + v));
            assertThat(rows(c, "SELECT op, count(*) FROM " + ev + " GROUP BY op ORDER BY op"))
                    .isEqualTo(ops);
            assertThat(rows(c, "SELECT kind, count(*) FROM " + ev + " GROUP BY kind ORDER BY kind"))
                    .isEqualTo(kinds);
            // sums wrap in Java; DuckDB sums exactly: compare modulo 2^64
            assertThat(rows(
                            c,
                            "SELECT sum(\"time\")::HUGEINT % 18446744073709551616, sum(handle), sum(before) FROM "
                                    + ev))
                    .containsExactly(Long.toUnsignedString(sumTime) + "|" + sumHandle + "|" + sumBefore);
            assertThat(rows(c, "SELECT count(*), sum(entries), sum(slot_entries) FROM " + calls))
                    .containsExactly(records + "|" + events + "|" + slotEntries);
            assertThat(rows(
                            c,
                            "SELECT count(*) FROM " + calls + " WHERE (first_slot IS NULL) <> (slot_entries = 0)"
                                    + " OR first_slot > last_slot"))
                    .containsExactly("0");
            assertThat(rows(c, "SELECT count(*) FROM " + ev + " WHERE (paddr IS NULL) <> (slot < 0)"))
                    .containsExactly("0");
            assertThat(rows(c, "SELECT count(*) FROM " + ev + " WHERE kind = '" + EventKind.MINT + "'"))
                    .containsExactly(String.valueOf(byKind.getOrDefault("MINT", 0L)));
        }
    }

    @Test
    void nothingExportedIsStillEveryTableEmpty() throws Exception {
        long first;
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = JournalReader.open(regionDir.resolve("journal"))) {
            assertThat(reader.next(e)).isTrue();
            first = e.index;
        }
        Path direct = tmp.resolve("none");
        Path reference = tmp.resolve("none-ref");
        Exporter.Result d = export(direct, false, first - 1, Exporter.CHUNK, ParquetTables.ROW_GROUP);
        Exporter.Result r = export(reference, true, first - 1, Exporter.CHUNK, ParquetTables.ROW_GROUP);
        assertThat(d.events()).isZero();
        assertThat(d.rows()).isEqualTo(r.rows());
        try (Connection c = DuckDb.open(tmp)) {
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                assertThat(rows(c, ordered(direct, t.name())))
                        .as(t.name())
                        .isEqualTo(rows(c, ordered(reference, t.name())));
            }
        }
    }

    @Test
    void anExportAsOfAnIndexEqualsTheReference() throws Exception {
        Path direct = tmp.resolve("at");
        Path reference = tmp.resolve("at-ref");
        long at;
        JournalEvent e = new JournalEvent();
        try (JournalReader reader = JournalReader.open(regionDir.resolve("journal"))) {
            for (int i = 0; i < 20_000 && reader.next(e); i++) {
                // the 20,000th event's record
            }
            at = e.index;
        }
        export(direct, false, at, Exporter.CHUNK, ParquetTables.ROW_GROUP);
        export(reference, true, at, Exporter.CHUNK, ParquetTables.ROW_GROUP);
        try (Connection c = DuckDb.open(tmp)) {
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                assertThat(rows(c, ordered(direct, t.name())))
                        .as(t.name())
                        .isEqualTo(rows(c, ordered(reference, t.name())));
            }
        }
    }
}
