package io.framejournal.tests.cli;

import static io.framejournal.tests.cli.JarRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} and {@code sql} through the real jar: two regions exported side by side and read back through one
 * glob query (as Spark or DuckDB would read a fleet's runs), counts checked against the journals; bad input.
 */
class ExportSqlCliTest {
    @TempDir
    Path tmp;

    private Result run(String... args) {
        return JarRunner.jar(tmp, 120, args);
    }

    private static long journalEvents(Path region) {
        long n = 0;
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(region.resolve("journal"))) {
            while (r.next(e)) {
                n++;
            }
            assertThat(r.stopReason()).isNull();
        }
        return n;
    }

    @Test
    void twoRegionsExportedAndReadBackThroughOneGlob() throws Exception {
        Map<String, Long> expected = new HashMap<>();
        for (String run : new String[] {"a", "b"}) {
            Path region = tmp.resolve("runs").resolve(run).resolve("region");
            Result sim = run(
                    "simulate",
                    "--dir",
                    region.toString(),
                    "--max-paddr",
                    "0x400000",
                    "--ops",
                    "800",
                    "--seed",
                    run.equals("a") ? "1" : "2",
                    "--leak-rate",
                    "0.01");
            assertThat(sim.exit()).as(sim.err()).isZero();
            Map<String, String> before = FileHashes.of(region);
            Result ex = run(
                    "export",
                    region.toString(),
                    "--to",
                    tmp.resolve("runs").resolve(run).resolve("export").toString());
            assertThat(ex.exit()).as(ex.err()).isZero();
            assertThat(ex.err()).isEmpty();
            assertThat(ex.out()).contains("events  ").contains("part file(s)");
            assertThat(FileHashes.of(region)).as("export is read-only").isEqualTo(before);
            expected.put(run, journalEvents(region));
        }
        String glob = tmp.resolve("runs") + "/*/export/events/*.parquet";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + glob + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(expected.get("a") + expected.get("b"));
            }
            try (ResultSet rs = s.executeQuery("SELECT regexp_extract(filename, '/runs/([ab])/', 1) AS run, count(*) "
                    + "FROM read_parquet('" + glob + "', filename = true) GROUP BY run ORDER BY run")) {
                Map<String, Long> got = new HashMap<>();
                while (rs.next()) {
                    got.put(rs.getString(1), rs.getLong(2));
                }
                assertThat(got).isEqualTo(expected);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(events) FROM read_parquet('" + tmp.resolve("runs")
                    + "/*/export/region/*.parquet')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
                assertThat(rs.getLong(2)).isEqualTo(expected.get("a") + expected.get("b"));
            }
        }
        Result sql = run("sql", tmp.resolve("runs/a/export").toString(), "SELECT count(*) AS events FROM events");
        assertThat(sql.exit()).as(sql.err()).isZero();
        assertThat(sql.out()).isEqualTo("events\n" + expected.get("a") + "\n(1 row)\n");
        Result json = run("sql", tmp.resolve("runs/b/region").toString(), "SELECT count(*) AS n FROM events", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"rowCount\": 1").contains(Long.toString(expected.get("b")));
    }

    @Test
    void aTruncatedJournalIsExportedReportedAndQueriedUpToWhereReadingStopped() throws Exception {
        Path sample = tmp.resolve("sample");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), sample);
        Path cq4;
        try (var files = Files.list(sample.resolve("journal"))) {
            cq4 = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(cq4);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(cq4.toFile(), "rw")) {
            f.setLength(end / 2);
        }
        Result ex = run("export", "sample", "--to", "out");
        assertOneLineError(ex, "journal reading stopped early");
        assertThat(ex.out()).contains("journal reading STOPPED").contains("the tables cover what was read");
        Result sql = run("sql", "out", "SELECT count(*) AS n, max(stop_reason IS NOT NULL) AS stopped FROM region");
        assertThat(sql.exit()).as(sql.err()).isZero();
        assertThat(sql.out()).contains("true");
        Result report = run("report", "sample", "-o", "r.html");
        assertOneLineError(report, "journal reading stopped early");
        assertThat(Files.readString(tmp.resolve("r.html"))).contains("reading stopped");
        assertOneLineError(run("sql", "sample", "SELECT count(*) FROM events"), "journal reading stopped early");
    }

    @Test
    void badInput() throws Exception {
        Path sample = tmp.resolve("sample");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), sample);
        Map<String, String> before = FileHashes.of(sample);
        assertOneLineError(run("export", "sample", "--to", "sample/export"), "inside the region");
        assertOneLineError(run("report", "sample", "-o", "sample/report.html"), "inside the region");
        assertOneLineError(run("export", "sample"), "Missing required option: '--to=OUT'");
        assertOneLineError(
                run("export", "sample", "--to", "x", "--format", "xml"), "Invalid value for option '--format'");
        assertOneLineError(run("export", "nowhere", "--to", "x"), "does not exist");
        assertOneLineError(run("report", "sample"), "Missing required option");
        assertOneLineError(run("sql", "sample"), "Missing required parameter");
        assertOneLineError(run("sql", "sample", "SELECT * FROM nosuchtable"), "nosuchtable");
        assertOneLineError(run("sql", "sample", "SELECT * FROM read_csv('/etc/passwd')"), "disabled by configuration");
        Files.createDirectories(tmp.resolve("full"));
        Files.writeString(tmp.resolve("full/keep.txt"), "mine");
        assertOneLineError(run("export", "sample", "--to", "full"), "not empty");
        assertThat(Files.readString(tmp.resolve("full/keep.txt"))).isEqualTo("mine");
        assertThat(FileHashes.of(sample)).isEqualTo(before);
        assertThat(sample.resolve("export")).doesNotExist();
    }
}
