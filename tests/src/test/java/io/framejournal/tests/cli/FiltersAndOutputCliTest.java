package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 parts 2 and 5 through the real jar: JSON that parses (Jackson) with ISO-8601 nanosecond times and 64-bit
 * values as strings; the progress bar only on a terminal; the shared filters of dump, history and audit; and bad
 * values as one-line errors with exit 2.
 */
class FiltersAndOutputCliTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern ISO_NANOS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");

    private static Result run(String... args) {
        return JarRunner.jar(JarRunner.root(), 120, args);
    }

    /** The scalar fields of one flat JSON object (nested values skipped), as text, with their JSON token types. */
    private static Map<String, Object> flat(String json) throws IOException {
        Map<String, Object> m = new HashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (t == JsonToken.VALUE_STRING) {
                    m.put(name, p.getText());
                } else if (t == JsonToken.VALUE_NULL) {
                    m.put(name, null);
                } else if (t == JsonToken.VALUE_NUMBER_INT) {
                    m.put(name, p.getLongValue());
                } else {
                    m.put(name, p.getText());
                }
            }
        }
        return m;
    }

    @Test
    void dumpJsonLinesParseWithNanosecondTimesAndStringHandles() throws IOException {
        Path sample = JarRunner.root().resolve("data/sample");
        Map<String, String> before = FileHashes.of(sample);
        Result json = run("dump", "data/sample", "--json");
        Result text = run("dump", "data/sample");
        assertThat(json.exit()).as(json.err()).isZero();
        List<String> lines = json.out().lines().toList();
        List<String> textLines = text.out().lines().toList();
        assertThat(lines).hasSize(textLines.size()).hasSize(11_621);
        for (int i = 0; i < lines.size(); i += 97) {
            Map<String, Object> e = flat(lines.get(i));
            String time = (String) e.get("time");
            assertThat(time).matches(ISO_NANOS);
            assertThat(Instant.parse(time).getNano() % 1000)
                    .as("nanoseconds kept")
                    .isBetween(0, 999);
            assertThat(e.get("handle")).isInstanceOf(String.class);
            assertThat(e.get("before")).isInstanceOf(String.class);
            assertThat(textLines.get(i)).startsWith(e.get("index") + "  " + time + "  t" + e.get("thread") + "  ");
        }
        assertThat(FileHashes.of(sample)).as("dump changed nothing").isEqualTo(before);
    }

    @Test
    void sixtyFourBitValuesStayExactAndTheBarOnlyDrawsOnATerminal(@TempDir Path tmp) throws IOException {
        long seed = (1L << 53) + 1; // a double cannot hold it
        Result sim = run(
                "simulate",
                "--dir",
                tmp.resolve("r").toString(),
                "--max-paddr",
                "0x400000",
                "--ops",
                "3000",
                "--seed",
                Long.toString(seed),
                "--json");
        assertThat(sim.exit()).as(sim.err()).isZero();
        assertThat(flat(sim.out())).containsEntry("seed", Long.toString(seed)).containsEntry("schema", 2L);
        assertThat(sim.err()).as("stderr is a file here: no progress frames").doesNotContain("\r");

        // The same run with stderr declared a terminal (what bin/framejournal passes when `[ -t 2 ]`): frames, ETA.
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                "-Dframejournal.stderrIsTerminal=true",
                "-jar",
                JarRunner.jar().toString(),
                "simulate",
                "--dir",
                tmp.resolve("r2").toString(),
                "--max-paddr",
                "0x400000",
                "--duration",
                "2s"));
        Result drawn = JarRunner.exec(tmp, 120, cmd);
        assertThat(drawn.exit()).as(drawn.err()).isZero();
        assertThat(drawn.err()).contains("\rsimulating [").contains("% ").contains(" ops, ETA ");
        assertThat(drawn.out()).doesNotContain("\r");
    }

    @Test
    void dumpFiltersCombine() {
        Result one = run("dump", "data/sample", "--paddr", "0x15000", "--kind", "mint", "--handle", "1:57");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out().lines().toList())
                .singleElement()
                .asString()
                .contains("MINT  FRAME_FROM_UNUSED  slot=21 paddr=0x15000")
                .contains("handle=1:57");

        Result mints =
                run("dump", "data/sample", "--frame", "16..31", "--op", "FRAME_CLONE,FRAME_FROM_RAW", "--kind", "MINT");
        assertThat(mints.out().lines().toList()).isNotEmpty().allSatisfy(l -> assertThat(l)
                .containsPattern("  MINT  FRAME_(CLONE|FROM_RAW)  slot=(1[6-9]|2\\d|3[01]) "));

        Result limited = run("dump", "data/sample", "--kind", "REDEEM", "--limit", "3");
        assertThat(limited.out().lines()).hasSize(3);

        Result window = run("dump", "data/sample", "--since", "0x512f00000100", "--until", "0x512f00000101");
        assertThat(window.out().lines().toList()).isNotEmpty().allSatisfy(l -> assertThat(l)
                .matches("0x512f0000010[01]  .*"));

        // a time window: the same events as the index window of their times
        String firstTime = window.out().lines().findFirst().orElseThrow().split("  ")[1];
        Result byTime = run("dump", "data/sample", "--since", firstTime, "--until", firstTime);
        assertThat(byTime.out().lines().toList()).isNotEmpty().allSatisfy(l -> assertThat(l)
                .startsWith("0x512f00000100  " + firstTime));

        assertThat(run("dump", "data/sample", "--thread", "7").out()).isEmpty();
        assertThat(run("dump", "data/sample", "--site", "0", "--limit", "2")
                        .out()
                        .lines())
                .hasSize(2);
    }

    @Test
    void historyAndAuditTakeTheSameFilters() throws IOException {
        Result h = run("history", "data/sample", "--frame", "21..22", "--kind", "MINT", "--limit", "4");
        assertThat(h.exit()).as(h.err()).isZero();
        assertThat(h.out())
                .contains("history of frames 21..22")
                .contains("4 event(s) shown of 12 matching")
                .contains("filter: kind MINT");

        Result audit = run("audit", "data/sample", "--op", "FRAME_FROM_UNUSED", "--json");
        assertThat(audit.exit()).isEqualTo(1);
        Map<String, Object> doc = flat(audit.out());
        assertThat(doc).containsEntry("findings", 3L).containsEntry("filter", "op FRAME_FROM_UNUSED");
        assertThat(audit.out()).contains("\"op\": \"FRAME_FROM_UNUSED\"").doesNotContain("\"op\": \"SEGMENT_SLICE\"");

        Result none = run("audit", "data/sample", "--paddr", "0x300000..0x3fffff", "--kind", "RAW_FORGET");
        assertThat(none.exit()).as("no matching finding: exit 0").isZero();
        assertThat(none.out()).contains("audit data/sample: clean, no findings");

        Result at = run("state", "data/sample", "--at", "2026-11-26T19:16:25.4Z", "--json");
        assertThat(at.exit()).as(at.err()).isZero();
        assertThat(flat(at.out())).containsEntry("at", "0x512f00000010"); // the last record at or before that time
    }

    @Test
    void aRangesHistoryListsTheFramesInUseNowNotEveryFrameItTouched() throws IOException {
        Result h = run("history", "data/sample", "--frame", "0..1023", "--limit", "3");
        assertThat(h.exit()).as(h.err()).isZero();
        Result json = run("history", "data/sample", "--frame", "0..1023", "--limit", "3", "--json");
        String states = json.out().substring(json.out().indexOf("\"states\""));
        long touched = states.lines().filter(l -> l.contains("\"status\": ")).count();
        long inUse = touched
                - states.lines().filter(l -> l.contains("\"status\": \"free\"")).count();
        assertThat(touched).as("frames of the range in the JSON").isGreaterThan(100);
        assertThat(h.out())
                .contains(touched + " frame(s) of the range touched; now: " + (touched - inUse) + " free, " + inUse
                        + " in use")
                .doesNotContain("): free, refCount UNUSED");
        long nowLines = h.out()
                .lines()
                .filter(l -> l.matches("    \\d+ \\(0x[0-9a-f]+\\): .*"))
                .count();
        assertThat(nowLines).as("frames listed as now").isEqualTo(Math.min(inUse, 20));
    }

    @Test
    void badFilterValuesAreOneLineErrors() {
        String[][] bad = {
            {"dump", "data/sample", "--op", "FRAME_CLONEX"},
            {"dump", "data/sample", "--kind", "nope"},
            {"dump", "data/sample", "--paddr", "0x1001"},
            {"dump", "data/sample", "--paddr", "0x3000..0x1000"},
            {"dump", "data/sample", "--frame", "5..99999"},
            {"dump", "data/sample", "--frame", "1", "--paddr", "0x1000"},
            {"dump", "data/sample", "--handle", "1:x"},
            {"dump", "data/sample", "--thread", "-1"},
            {"dump", "data/sample", "--since", "yesterday"},
            {"dump", "data/sample", "--since", "0x512f00000200", "--until", "0x512f00000100"},
            {"dump", "data/sample", "--limit", "0"},
            {"history", "data/sample", "--op", "FRAME_CLONE"},
            {"audit", "data/sample", "--thread", "1"},
            {"audit", "data/sample", "--site", "x"},
            {"state", "data/sample", "--at", "2020-01-01T00:00:00Z"},
            {"state", "data/sample", "--at", "soon"},
        };
        for (String[] args : bad) {
            Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines())
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: ")
                    .doesNotContain("Exception");
            assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        }
    }

    /** The audit's lists and the window diff name and filter by call site (the sample was made with PARANOID). */
    @Test
    void auditAndDiffGoByCallSite() {
        Result bySite = run("audit", "data/sample", "--site", "13");
        assertThat(bySite.exit()).as(bySite.err()).isEqualTo(1);
        assertThat(bySite.out())
                .contains("filter:        site 13")
                .contains("6 obligation(s) outstanding in 1 handle group(s)")
                .contains("site #13: 6 obligation(s)")
                .doesNotContain("site #6:");
        Result none = run("audit", "data/sample", "--site", "999");
        assertThat(none.exit())
                .as("no entry of a site that made nothing: exit 0")
                .isZero();
        assertThat(none.out()).contains("clean, no findings");

        Result diff = run("diff", "data/sample", "--from", "0x512f00000100", "--to", "0x512f00000500");
        assertThat(diff.exit()).as(diff.err()).isIn(0, 1);
        assertThat(diff.out())
                .contains("Outstanding by call site")
                .contains("CALL SITE")
                .contains("site #12:");
        Result json = run("diff", "data/sample", "--from", "0x512f00000100", "--to", "0x512f00000500", "--json");
        assertThat(json.out()).contains("\"bySite\"").contains("\"sites\"");
    }
}
