package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.support.Cycles;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} of a region whose journal's early files were retired: the Parquet export (which otherwise feeds the
 * audit the events it reads) audits from the oldest checkpoint, as the CSV export through DuckDB does, so both hold
 * the same leaks.
 */
class ExportRetiredJournalCliTest {
    @TempDir
    Path tmp;

    private JarRunner.Result run(String... args) {
        JarRunner.Result r = JarRunner.jar(tmp, 120, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    private static Properties manifest(Path export) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(export.resolve("framejournal-export.properties"))) {
            p.load(r);
        }
        return p;
    }

    @Test
    void parquetAndCsvHoldTheSameLeaksOfARetiredJournal() throws Exception {
        Path region = tmp.resolve("r");
        String[] simulate = {
            "simulate", "--dir", region.toString(), "--max-paddr", "0x400000", "--roll-cycle", "test-1s"
        };
        run(concat(simulate, "--ops", "1500", "--seed", "3", "--leak-rate", "0.02"));
        Cycles.awaitNextSecond(); // the next session lands in a queue file of its own
        run("checkpoint", region.toString());
        run("simulate", "--dir", region.toString(), "--ops", "1500", "--seed", "4", "--leak-rate", "0.02");
        run("checkpoint", region.toString());
        JarRunner.Result retain = run(
                "retain",
                region.toString(),
                "--keep-checkpoints",
                "1",
                "--archive",
                tmp.resolve("archive").toString());
        assertThat(retain.out()).contains("\n  retired ");

        Path parquet = tmp.resolve("parquet");
        Path csv = tmp.resolve("csv");
        run("export", region.toString(), "--to", parquet.toString());
        run("export", region.toString(), "--to", csv.toString(), "--format", "csv");
        Properties p = manifest(parquet);
        Properties c = manifest(csv);
        assertThat(p.getProperty("rows.leaks")).isEqualTo(c.getProperty("rows.leaks"));
        assertThat(Long.parseLong(p.getProperty("rows.leaks")))
                .as("leaks were injected before the checkpoint")
                .isPositive();
        assertThat(p.getProperty("rows.events")).isEqualTo(c.getProperty("rows.events"));
        assertThat(p.getProperty("rows.sites")).isEqualTo(c.getProperty("rows.sites"));

        JarRunner.Result leaks = run(
                "sql",
                parquet.toString(),
                "SELECT kind, count(*) AS n FROM leaks GROUP BY kind ORDER BY kind",
                "--json");
        JarRunner.Result leaksCsv = run(
                "sql", csv.toString(), "SELECT kind, count(*) AS n FROM leaks GROUP BY kind ORDER BY kind", "--json");
        assertThat(leaks.out()).contains("\"obligation\"");
        assertThat(fromColumns(leaks.out())).isEqualTo(fromColumns(leaksCsv.out())); // all but the directory

        // the slots table is the state replayed from the checkpoint, as audit's: not the kept journal's alone
        JarRunner.Result audit = JarRunner.jar(tmp, 120, "audit", region.toString(), "--json");
        long obligations = number(audit.out(), "\"obligations\": ");
        JarRunner.Result slots = run("sql", parquet.toString(), "SELECT sum(obligations) AS o FROM slots", "--json");
        assertThat(slots.out()).containsPattern("\\[\\s*\"?" + obligations + "\"?\\s*\\]");
        JarRunner.Result export =
                run("export", region.toString(), "--to", tmp.resolve("again").toString());
        assertThat(export.err()).contains("framejournal: warning: the journal's early files were retired");

        // a frame whose first records were retired: history says its verdicts before the checkpoint may be off; the
        // report draws the kept journal from states derived back from the checkpoint
        long slot = number(audit.out(), "\"slot\": "); // the first leak's first frame
        JarRunner.Result history = JarRunner.jar(tmp, 120, "history", region.toString(), "--frame", "" + slot);
        assertThat(history.exit()).as(history.err()).isEqualTo(2);
        assertThat(history.err()).startsWith("framejournal: warning: the journal's early files were retired");
        assertThat(history.out())
                .as("the frame holds a leak now: its state is replayed from the checkpoint, not from nothing")
                .containsPattern("now: +(shared|unique)")
                .doesNotContain("now: free");
        JarRunner.Result report = JarRunner.jar(
                tmp,
                120,
                "report",
                region.toString(),
                "-o",
                tmp.resolve("r.html").toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.err())
                .as("the drawing's states are derived from the checkpoint: nothing to warn of")
                .isEmpty();
        assertThat(Files.readString(tmp.resolve("r.html")))
                .contains("each frame&#39;s state at its oldest kept record derived from checkpoint");
    }

    /** The first whole number after {@code key} in {@code json}. */
    private static long number(String json, String key) {
        int at = json.indexOf(key);
        assertThat(at).as(key).isNotNegative();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(json.substring(at + key.length()));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group());
    }

    private static String fromColumns(String json) {
        return json.substring(json.indexOf("\"columns\""));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
