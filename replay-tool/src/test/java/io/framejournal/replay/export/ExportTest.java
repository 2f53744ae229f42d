package io.framejournal.replay.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.Support;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Exporter} on the shipped sample: every table's rows against the journal and the audit. */
class ExportTest {
    @TempDir
    Path tmp;

    static final Path SAMPLE = Support.root().resolve("data/sample");

    /** The sample's journal: its events, and the distinct indices (records) among them. */
    static long[] journalCounts(Path region, long at) {
        long events = 0;
        long records = 0;
        long last = JournalIndex.NONE;
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(region.resolve("journal"))) {
            while (r.next(e)) {
                if (at != JournalIndex.NONE && e.index > at) {
                    break;
                }
                events++;
                if (e.index != last) {
                    records++;
                    last = e.index;
                }
            }
        }
        return new long[] {events, records};
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void parquetTablesMatchTheJournalAndTheAudit() throws Exception {
        Map<String, String> before = Support.checksums(SAMPLE);
        RegionInput region = RegionInput.open(SAMPLE);
        Path out = tmp.resolve("out");
        Exporter.Result r = new Exporter(region, out, Exporter.Format.PARQUET, JournalIndex.NONE).run(Progress.none());
        long[] journal = journalCounts(SAMPLE, JournalIndex.NONE);
        AuditReport audit = Auditor.audit(region, JournalIndex.NONE);

        assertThat(r.events()).isEqualTo(journal[0]);
        assertThat(r.rows())
                .containsEntry("calls", journal[1])
                .containsEntry("slots", 1024L)
                .containsEntry("region", 1L);
        assertThat(r.stopReason()).isNull();
        assertThat(r.warnings()).isEmpty();
        assertThat(out.resolve(Exporter.MANIFEST)).exists();
        try (Connection c = DuckDb.open(tmp)) {
            String events = "read_parquet('" + out.resolve("events/*.parquet") + "')";
            assertThat(scalar(c, "SELECT count(*) FROM " + events)).isEqualTo(journal[0]);
            assertThat(scalar(c, "SELECT count(*) FROM " + events + " WHERE paddr <> slot * 4096"))
                    .isZero();
            assertThat(scalar(c, "SELECT count(*) FROM " + events + " WHERE kind = 'MINT'"))
                    .isEqualTo(countKind("MINT"));
            assertThat(scalar(c, "SELECT sum(entries) FROM read_parquet('" + out.resolve("calls/*.parquet") + "')"))
                    .isEqualTo(journal[0]);
            String slots = "read_parquet('" + out.resolve("slots/*.parquet") + "')";
            assertThat(scalar(c, "SELECT sum(obligations) FROM " + slots)).isEqualTo(audit.obligations());
            assertThat(scalar(c, "SELECT sum(raw) FROM " + slots)).isEqualTo(audit.rawReferences());
            String leaks = "read_parquet('" + out.resolve("leaks/*.parquet") + "')";
            long groupEntries =
                    audit.leaks().stream().mapToLong(g -> g.slots().size()).sum();
            assertThat(scalar(c, "SELECT count(*) FROM " + leaks + " WHERE kind = 'obligation'"))
                    .isEqualTo(groupEntries);
            assertThat(scalar(c, "SELECT count(DISTINCT handle) FROM " + leaks + " WHERE kind = 'obligation'"))
                    .isEqualTo(audit.leakGroupCount());
            assertThat(scalar(c, "SELECT sum(count) FROM " + leaks + " WHERE kind = 'raw'"))
                    .isEqualTo(audit.rawReferences());
            String sites = "read_parquet('" + out.resolve("sites/*.parquet") + "')";
            assertThat(scalar(c, "SELECT events FROM " + sites + " WHERE site = 0"))
                    .as("events of records without a site")
                    .isEqualTo(Support.eventsWhere(SAMPLE, x -> x.site == 0));
            assertThat(scalar(c, "SELECT sum(events) FROM " + sites)).isEqualTo(journal[0]);
            assertThat(scalar(c, "SELECT count(*) FROM " + sites + " WHERE site <> 0"))
                    .as("the sample was made with PARANOID leak detection: its calls name their sites")
                    .isPositive();
            assertThat(scalar(c, "SELECT last_index FROM read_parquet('" + out.resolve("region/*.parquet") + "')"))
                    .isEqualTo(audit.lastIndex());
        }
        assertThat(Support.checksums(SAMPLE)).as("the region is read-only").isEqualTo(before);
    }

    private static long countKind(String kind) {
        return Support.events(SAMPLE).stream()
                .filter(l -> l.startsWith(kind + " "))
                .count();
    }

    @Test
    void everyEventRoundTripsFieldByField() throws Exception {
        RegionInput region = RegionInput.open(SAMPLE);
        Path out = tmp.resolve("rt");
        new Exporter(region, out, Exporter.Format.PARQUET, JournalIndex.NONE, 3000).run(Progress.none());
        List<String> expected = new ArrayList<>();
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(SAMPLE.resolve("journal"))) {
            while (r.next(e)) {
                expected.add(e.index + " " + e.timestamp + " " + e.thread + " " + e.opCode() + " " + e.kind + " "
                        + e.slot
                        + " " + (e.slot >= 0 ? Long.toString(e.slot * 4096L) : "null") + " " + e.before + " " + e.after
                        + " " + e.handle + " " + e.site + " " + e.flags + " " + e.metaType);
            }
        }
        List<String> got = new ArrayList<>();
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + out.resolve("events/*.parquet")
                        + "', filename = true, file_row_number = true) ORDER BY filename, file_row_number")) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= 13; i++) {
                    sb.append(i == 1 ? "" : " ").append(rs.getString(i));
                }
                got.add(sb.toString());
            }
        }
        assertThat(got).hasSize(expected.size()).isEqualTo(expected);
        // a region-wide event (slot -1) and a negative meta type survive the packing too
        JournalEvent x = new JournalEvent();
        x.slot = -1;
        x.metaType = (short) -3;
        x.flags = 3;
        x.op = 31;
        x.thread = -7;
        x.kind = io.framejournal.journal.EventKind.RECOVERY;
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + Exporter.UNPACK + " FROM (SELECT " + Exporter.head(x)
                        + "::BIGINT AS head, " + Exporter.ids(x) + "::BIGINT AS ids)")) {
            rs.next();
            assertThat(rs.getInt("slot")).isEqualTo(-1);
            assertThat(rs.getShort("meta_type")).isEqualTo((short) -3);
            assertThat(rs.getInt("flags")).isEqualTo(3);
            assertThat(rs.getInt("op")).isEqualTo(31);
            assertThat(rs.getInt("thread")).isEqualTo(-7);
            assertThat(rs.getInt("kind")).isEqualTo(x.kind.ordinal());
        }
    }

    @Test
    void callsAreTheSameWhetherGroupedByIndexOrOneRowPerEvent() throws Exception {
        RegionInput region = RegionInput.open(SAMPLE);
        Path plain = tmp.resolve("plain");
        Path grouped = tmp.resolve("grouped");
        new Exporter(region, plain, Exporter.Format.PARQUET, JournalIndex.NONE, 2000).run(Progress.none());
        Exporter g = new Exporter(region, grouped, Exporter.Format.PARQUET, JournalIndex.NONE, 2000);
        g.alwaysGroup = true;
        g.run(Progress.none());
        try (Connection c = DuckDb.open(tmp)) {
            String a = "read_parquet('" + plain.resolve("calls/*.parquet") + "')";
            String b = "read_parquet('" + grouped.resolve("calls/*.parquet") + "')";
            assertThat(scalar(c, "SELECT count(*) FROM " + a)).isEqualTo(journalCounts(SAMPLE, JournalIndex.NONE)[1]);
            assertThat(scalar(c, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")"))
                    .isZero();
            assertThat(scalar(c, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")"))
                    .isZero();
            assertThat(scalar(c, "SELECT count(*) FROM " + a + " WHERE first_slot IS NULL"))
                    .isPositive();
            assertThat(scalar(c, "SELECT sum(slot_entries) FROM " + a))
                    .isEqualTo(
                            scalar(
                                    c,
                                    "SELECT count(*) FROM read_parquet('" + plain.resolve("events/*.parquet")
                                            + "') WHERE kind IN "
                                            + "('REFCOUNT','USAGE','META_WRITE','META_DROP','MINT','REDEEM','RAW_FORGET','RAW_RESTORE','LIST')"));
        }
    }

    @Test
    void smallChunksKeepJournalOrderAcrossPartFiles() throws Exception {
        RegionInput region = RegionInput.open(SAMPLE);
        Path out = tmp.resolve("chunks");
        Exporter.Result r =
                new Exporter(region, out, Exporter.Format.PARQUET, JournalIndex.NONE, 1000).run(Progress.none());
        List<Path> parts;
        try (Stream<Path> s = Files.list(out.resolve("events"))) {
            parts = s.sorted().toList();
        }
        assertThat(parts).hasSize((int) ((r.events() + 999) / 1000));
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"index\" FROM read_parquet('" + out.resolve("events/*.parquet")
                        + "', filename = true, file_row_number = true) ORDER BY filename, file_row_number")) {
            List<Long> indices = new ArrayList<>();
            while (rs.next()) {
                indices.add(rs.getLong(1));
            }
            assertThat(indices).hasSize((int) r.events()).isSorted();
        }
        assertThat(r.rows()).containsEntry("calls", journalCounts(SAMPLE, JournalIndex.NONE)[1]);
    }

    @Test
    void csvAndAtIndex() throws Exception {
        RegionInput region = RegionInput.open(SAMPLE);
        long[] all = journalCounts(SAMPLE, JournalIndex.NONE);
        AuditReport full = Auditor.audit(region, JournalIndex.NONE);
        long at = full.firstIndex() + full.records() / 2; // halfway through the records (several events each)
        Path out = tmp.resolve("csv");
        Exporter.Result r = new Exporter(region, out, Exporter.Format.CSV, at).run(Progress.none());
        long[] half = journalCounts(SAMPLE, at);
        assertThat(r.events()).isEqualTo(half[0]).isLessThan(all[0]);
        assertThat(Files.readAllLines(out.resolve("events/part-00000.csv")).get(0))
                .isEqualTo("index,time,thread,op,kind,slot,paddr,before,after,handle,site,flags,meta_type");
        try (Connection c = DuckDb.open(tmp)) {
            assertThat(scalar(c, "SELECT count(*) FROM read_csv('" + out.resolve("events/*.csv") + "', header = true)"))
                    .isEqualTo(half[0]);
            assertThat(scalar(
                            c,
                            "SELECT max(\"index\") FROM read_csv('" + out.resolve("events/*.csv")
                                    + "', header = true)"))
                    .isLessThanOrEqualTo(at);
            AuditReport atHalf = Auditor.audit(region, at);
            assertThat(scalar(
                            c,
                            "SELECT sum(obligations) FROM read_csv('" + out.resolve("slots/*.csv")
                                    + "', header = true)"))
                    .isEqualTo(atHalf.obligations());
        }
    }

    @Test
    void docsExportMdDocumentsEveryColumnOfTheSchema() throws Exception {
        String doc = Files.readString(Support.root().resolve("docs/EXPORT.md"));
        assertThat(doc).contains("## Schema (version " + ExportSchema.VERSION + ")");
        for (ExportSchema.Table t : ExportSchema.TABLES) {
            String section = doc.substring(doc.indexOf("### `" + t.name() + "`"));
            int pos = 0;
            for (ExportSchema.Column c : t.columns()) {
                String row = "| `" + c.name() + "` | " + c.type() + " | ";
                int at = section.indexOf(row);
                assertThat(at)
                        .as(t.name() + "." + c.name() + " documented in order")
                        .isGreaterThanOrEqualTo(pos);
                pos = at;
            }
        }
    }

    @Test
    void refusesAnOutputInsideTheRegionOrNotEmpty() throws Exception {
        Path copy = tmp.resolve("region");
        Support.copyTree(SAMPLE, copy);
        RegionInput region = RegionInput.open(copy);
        assertThatThrownBy(() -> Exporter.checkOutput(region, copy.resolve("export")))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("inside the region");
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("x"), "x");
        assertThatThrownBy(() -> Exporter.checkOutput(region, used))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("not empty");
        assertThat(copy.resolve("export")).doesNotExist();
    }

    @Test
    void aCancelledOrFailedExportLeavesNothingBehind() throws Exception {
        Path dir = tmp.resolve("big");
        Support.Result sim = Support.cli("simulate", "--dir", dir.toString(), "--ops", "20000", "--seed", "5");
        assertThat(sim.exit()).as(sim.err()).isZero();
        RegionInput region = RegionInput.open(dir);
        Map<String, String> before = Support.checksums(dir);

        Path fresh = tmp.resolve("fresh");
        Exporter cancelled = new Exporter(region, fresh, Exporter.Format.PARQUET, JournalIndex.NONE);
        cancelled.cancel(); // as Ctrl-C does: the scan stops at its next progress tick
        assertThatThrownBy(() -> cancelled.run(Progress.none()))
                .isInstanceOf(Exporter.Cancelled.class)
                .hasMessage("export interrupted: " + fresh + " was left as it was before (nothing written)");
        assertThat(fresh).as("a directory the export created is removed").doesNotExist();

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Exporter again = new Exporter(region, empty, Exporter.Format.CSV, JournalIndex.NONE);
        again.cancel();
        assertThatThrownBy(() -> again.run(Progress.none())).isInstanceOf(Exporter.Cancelled.class);
        assertThat(empty).as("an empty directory given is empty again").isEmptyDirectory();

        Path whole = tmp.resolve("whole");
        new Exporter(region, whole, Exporter.Format.PARQUET, JournalIndex.NONE).run(Progress.none());
        assertThat(whole.resolve(Exporter.MANIFEST)).exists();
        assertThat(whole.resolve("." + Exporter.MANIFEST + ".tmp"))
                .as("the manifest is renamed into place whole")
                .doesNotExist();
        assertThat(Support.checksums(dir)).as("the region is only read").isEqualTo(before);
    }

    @Test
    void sqlNamesAnUnfinishedExport() throws Exception {
        Path unfinished = Files.createDirectories(tmp.resolve("unfinished").resolve("events"));
        Support.Result r = Support.cli("sql", unfinished.getParent().toString(), "SELECT 1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("framejournal: " + unfinished.getParent() + " is an unfinished export (it has no "
                        + Exporter.MANIFEST + ": the export was killed before it finished); run `framejournal export`"
                        + " again into a new directory\n");
    }

    @Test
    void sqlOnADirectoryThatIsNeitherSaysItIsNeitherARegionNorAnExport() throws Exception {
        Path neither = Files.createDirectories(tmp.resolve("neither"));
        Support.Result r = Support.cli("sql", neither.toString(), "SELECT 1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("framejournal: " + neither + " is not a FrameJournal region (no region.conf), nor an export"
                        + " of one (no " + Exporter.MANIFEST + ")\n");
        assertThat(neither).isEmptyDirectory();
    }
}
