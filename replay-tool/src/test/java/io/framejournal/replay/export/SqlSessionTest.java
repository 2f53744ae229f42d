package io.framejournal.replay.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.replay.Support;
import io.framejournal.replay.Support.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code framejournal sql}, in-process: the tables as views, results as a table or JSON, nothing outside reachable. */
class SqlSessionTest {
    @TempDir
    Path tmp;

    static final Path SAMPLE = Support.root().resolve("data/sample");

    @Test
    void leaksByOpOverTheSampleRegion() {
        Map<String, String> before = Support.checksums(SAMPLE);
        Result r = Support.cli(
                "sql",
                SAMPLE.toString(),
                "SELECT op, count(*) AS frames, count(DISTINCT handle) AS handles FROM leaks WHERE kind = 'obligation' "
                        + "GROUP BY op ORDER BY frames DESC, op");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("op")
                .contains("SEGMENT_FROM_RAW        6       1")
                .contains("FRAME_FROM_UNUSED       3       3")
                .endsWith("(6 rows)\n");
        assertThat(Support.checksums(SAMPLE)).isEqualTo(before);
    }

    @Test
    void severalStatementsPrintEachResultInOrderAndLeaveTheRegionAsItWas() {
        Map<String, String> before = Support.checksums(SAMPLE);
        Result r = Support.cli(
                "sql",
                SAMPLE.toString(),
                "SELECT count(*) AS events FROM events; CREATE TEMP TABLE t (s VARCHAR);"
                        + " INSERT INTO t VALUES ('a;b'), ('c'); SELECT s FROM t ORDER BY s -- what the others made");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .startsWith("events\n11621\n(1 row)\n\n")
                .contains("\n\nOK\n\n", "\n\nCount\n2\n(1 row)\n\n")
                .doesNotContain("-1")
                .endsWith("\n\ns\na;b\nc\n(2 rows)\n");
        assertThat(Support.checksums(SAMPLE)).isEqualTo(before);
    }

    @Test
    void severalStatementsInJsonAreOneDocumentWithAResultEach() {
        Result r = Support.cli("sql", SAMPLE.toString(), "SELECT 1 AS one; SELECT 'x;y' AS two", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .containsOnlyOnce("\"command\": \"sql\"")
                .contains("\"query\": \"SELECT 1 AS one; SELECT 'x;y' AS two\"")
                .containsSubsequence(
                        "\"results\": [",
                        "\"statement\": \"SELECT 1 AS one\"",
                        "\"name\": \"one\"",
                        "\"rowCount\": 1",
                        "\"statement\": \"SELECT 'x;y' AS two\"",
                        "\"name\": \"two\"",
                        "\"x;y\"",
                        "\"stopReason\": null");
        Result ddl =
                Support.cli("sql", SAMPLE.toString(), "CREATE TEMP TABLE t (s VARCHAR); SELECT 1 AS one", "--json");
        assertThat(ddl.out())
                .as("a statement that returns nothing: no columns, no rows")
                .containsSubsequence(
                        "\"statement\": \"CREATE TEMP TABLE t (s VARCHAR)\"",
                        "\"columns\": []",
                        "\"rows\": []",
                        "\"rowCount\": 0",
                        "\"statement\": \"SELECT 1 AS one\"");
        Result one = Support.cli("sql", SAMPLE.toString(), "SELECT 1 AS one;", "--json");
        assertThat(one.out()).contains("\"columns\": [").doesNotContain("\"results\"");
    }

    @Test
    void aFailingStatementStopsTheRunAfterTheResultsBeforeItAndIsNamed() {
        Result r = Support.cli("sql", SAMPLE.toString(), "SELECT 1 AS one; SELECT * FROM nosuchtable; SELECT 3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("one\n1\n(1 row)\n");
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("framejournal: sql: statement 2 of 3: ")
                .contains("nosuchtable");
    }

    @Test
    void timesAreIsoAndNestedValuesReadAsDuckDbWritesThem() {
        Result r = Support.cli(
                "sql",
                SAMPLE.toString(),
                "SELECT TIMESTAMP '2026-01-01 00:00:00' AS t, DATE '2026-01-02' AS d, [1, 2] AS l,"
                        + " {'a': 1, 'b': 'x'} AS s, make_timestamp(min(\"time\") // 1000) AS first FROM events",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("\"2026-01-01T00:00:00\"")
                .contains("\"2026-01-02\"")
                .contains("\"[1, 2]\"")
                .contains("\"{'a': 1, 'b': x}\"")
                .containsPattern("\"20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+\"")
                .doesNotContain(" 00:00:00.0");
    }

    @Test
    void jsonAndAnExportDirectory() {
        Path out = tmp.resolve("export");
        assertThat(Support.cli("export", SAMPLE.toString(), "--to", out.toString())
                        .exit())
                .isZero();
        Result r = Support.cli(
                "sql",
                out.toString(),
                "SELECT status, count(*) AS n FROM slots GROUP BY status ORDER BY status",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("\"command\": \"sql\"")
                .contains("\"name\": \"status\"")
                .contains("\"free\"")
                .contains("\"rowCount\": 3");
        Result capped = Support.cli("sql", out.toString(), "SELECT * FROM events", "--max-rows", "2");
        assertThat(capped.out()).containsPattern("\\(11,621 rows, 11,619 not shown: raise --max-rows\\)");
    }

    @Test
    void queriesCannotReachOtherFiles() throws Exception {
        Path out = tmp.resolve("export");
        assertThat(Support.cli("export", SAMPLE.toString(), "--to", out.toString())
                        .exit())
                .isZero();
        Path secret = Files.writeString(tmp.resolve("secret.csv"), "a\n1\n");
        Path written = tmp.resolve("written.csv");
        String[] refused = {
            "SELECT * FROM read_csv('" + secret + "')",
            "SELECT * FROM read_text('/etc/hostname')",
            "COPY (SELECT 1) TO '" + written + "'",
            "ATTACH '" + tmp.resolve("x.db") + "' AS x",
            "SET enable_external_access = true",
            "SET lock_configuration = false",
            "INSTALL httpfs",
            "LOAD httpfs",
        };
        for (String q : refused) {
            Result r = Support.cli("sql", out.toString(), q);
            assertThat(r.exit()).as(q + ": " + r.out()).isEqualTo(2);
            assertThat(r.errLines()).as(q).singleElement().asString().startsWith("framejournal: sql: ");
            assertThat(r.err()).doesNotContain("\tat ");
        }
        assertThat(written).doesNotExist();
        assertThat(tmp.resolve("x.db")).doesNotExist();
        Result syntax = Support.cli("sql", out.toString(), "SELEC nonsense");
        assertThat(syntax.exit()).isEqualTo(2);
        assertThat(syntax.errLines()).singleElement().asString().contains("syntax error");
    }

    @Test
    void controlCharactersFromARegionNeverReachTheTerminal() {
        Path hostile = tmp.resolve("r\u001b[31mred\u0007");
        Support.copyTree(SAMPLE, hostile);
        Result r = Support.cli("sql", hostile.toString(), "SELECT dir FROM region");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").contains("r\\u001b[31mred\\u0007");
    }
}
