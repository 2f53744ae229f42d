package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code framejournal diff} through the real jar: a window of one journal, and two regions run from one seed. */
class DiffCliTest {
    private static Result run(Path cwd, String... args) {
        return JarRunner.jar(cwd, 120, args);
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": (\\d+)").matcher(json);
        assertThat(m.find()).as(field + " in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aWindowListsChangedFramesAndWhatItLeftBehind() {
        Path root = JarRunner.root();
        // the whole journal as the window: what it left behind is exactly the audit's leaks
        Result all = run(root, "diff", "data/sample");
        assertThat(all.exit()).as(all.err()).isEqualTo(1);
        assertThat(all.out())
                .contains("15 obligation(s) minted in the window still outstanding (9 handle group(s)); 1 raw"
                        + " reference(s) forgotten and not restored");
        Result allJson = run(root, "diff", "data/sample", "--json");
        assertThat(number(allJson.out(), "groupCount")).isEqualTo(9);
        assertThat(number(allJson.out(), "references")).isEqualTo(1);

        String from = "0x512f00000400";
        String to = "0x512f00000500";
        Result w = run(root, "diff", "data/sample", "--from", from, "--to", to);
        assertThat(w.out())
                .startsWith("diff data/sample from " + from + " to " + to + ": 1,770 event(s); 82 frame(s) changed;")
                .contains("Frames whose state changed:")
                .contains("Obligations minted in the window and outstanding at its end");
        // each changed frame listed really differs between `state --at from` and `state --at to`
        Matcher rows =
                Pattern.compile("\\n  (\\d+) +0x[0-9a-f]+ +\\w+ +\\w+ +(.+)").matcher(w.out());
        int checked = 0;
        while (rows.find() && checked < 3) {
            String frame = rows.group(1);
            String before = run(root, "state", "data/sample", "--at", from, "--frame", frame)
                    .out();
            String after = run(root, "state", "data/sample", "--at", to, "--frame", frame)
                    .out();
            assertThat(lineOf(before, "frame " + frame)).isNotEqualTo(lineOf(after, "frame " + frame));
            checked++;
        }
        assertThat(checked).isEqualTo(3);
        // every group left behind was minted inside the window
        Result json = run(root, "diff", "data/sample", "--from", from, "--to", to, "--json");
        String leaks =
                json.out().substring(json.out().indexOf("\"leaks\""), json.out().indexOf("\"rawLeaks\""));
        Matcher first = Pattern.compile("\"firstIndex\": \"(0x[0-9a-f]+)\"").matcher(leaks);
        int groups = 0;
        while (first.find()) {
            long idx = Long.parseUnsignedLong(first.group(1).substring(2), 16);
            assertThat(idx).isGreaterThan(0x512f00000400L).isLessThanOrEqualTo(0x512f00000500L);
            groups++;
        }
        assertThat(groups).isEqualTo(number(json.out(), "groupCount"));
    }

    /** The state line of one frame in `state --frame` output, without its last event index. */
    private static String lineOf(String text, String start) {
        String line = text.lines().filter(l -> l.contains(start)).findFirst().orElseThrow();
        int last = line.indexOf(", last event ");
        return last < 0 ? line : line.substring(0, last);
    }

    @Test
    void twoRegionsFromOneSeedAgreeAndPartWhereTheyDiffer(@TempDir Path tmp) {
        String[] sim = {"simulate", "--max-paddr", "0x400000", "--leak-rate", "0.01", "--dir"};
        assertThat(run(tmp, concat(sim, "a", "--seed", "7", "--ops", "2000")).exit())
                .isZero();
        assertThat(run(tmp, concat(sim, "b", "--seed", "7", "--ops", "2000")).exit())
                .isZero();
        assertThat(run(tmp, concat(sim, "c", "--seed", "8", "--ops", "2000")).exit())
                .isZero();
        assertThat(run(tmp, concat(sim, "d", "--seed", "7", "--ops", "1000")).exit())
                .isZero();

        Result same = run(tmp, "diff", "a", "b");
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).startsWith("diff a b: the same ").contains("event(s)");

        Result parted = run(tmp, "diff", "a", "c");
        assertThat(parted.exit()).isEqualTo(1);
        assertThat(parted.out()).containsPattern("diff a c: they part after [\\d,]+ equal event\\(s\\): ");
        assertThat(parted.out().lines().filter(l -> l.startsWith("  A: 0x") || l.startsWith("  B: 0x")))
                .hasSize(2);
        Result partedJson = run(tmp, "diff", "a", "c", "--json");
        assertThat(partedJson.out())
                .contains("\"parted\": true")
                .contains("\"eventA\": {")
                .contains("\"eventB\": {");

        Result shorter = run(tmp, "diff", "a", "d");
        assertThat(shorter.exit()).isEqualTo(1);
        assertThat(shorter.out()).contains("they part after");
    }

    @Test
    void aFormatOneRunAgainstAFormatTwoRunPartsAtTheFormatNotAMetadataType() {
        Path root = JarRunner.root();
        Result r = run(root, "diff", "data/v1-sample", "data/sample");
        assertThat(r.exit()).isEqualTo(1);
        // the samples differ in size; a REGION_OPEN's fields are named as what they hold, and its format, which two
        // journals of different formats always differ in, is not compared
        assertThat(r.out()).contains("they part after 0 equal event(s): maxPaddr\n");
        assertThat(r.out()).contains("format=1").contains("format=2");
        assertThat(r.out())
                .contains("  formats: A is format 1, B is format 2: format 1's BEGIN/END markers, the REGION_OPEN's"
                        + " format and call-site ids not compared\n");
        assertThat(run(root, "diff", "data/v1-sample", "data/sample", "--json").out())
                .contains("\"fields\": \"maxPaddr\"")
                .contains("\"formatA\": 1")
                .contains("\"formatB\": 2");
    }

    /**
     * An old build's journal against the same workload run by this build: they parted at the first event, the
     * REGION_OPEN, which names the format, and would have parted again at the first segment call (format 1 put BEGIN
     * and END markers around its events) and at the first call site recorded (format 1 recorded none). The format-1
     * sample's workload (data/README.md) run by this build gives the same events in the same order; a seed of its own
     * parts at an allocator event past the REGION_OPEN.
     */
    @Test
    void aFormatOneRunAndTheSameWorkloadRunByThisBuildAreTheSameEvents(@TempDir Path tmp) {
        String[] sim = {"simulate", "--max-paddr", "0x40000", "--ops", "300", "--leak-rate", "0.02", "--dir"};
        assertThat(run(tmp, concat(sim, "same", "--seed", "11")).exit()).isZero();
        assertThat(run(tmp, concat(sim, "other", "--seed", "12")).exit()).isZero();
        String v1 = JarRunner.root().resolve("data/v1-sample").toString();

        Result same = run(tmp, "diff", v1, "same");
        assertThat(same.exit()).as("%s%s", same.out(), same.err()).isZero();
        assertThat(same.err()).isEmpty();
        assertThat(same.out())
                .startsWith("diff " + v1 + " same: the same 1,829 event(s)")
                .contains("  formats: A is format 1, B is format 2: ");
        Result sameJson = run(tmp, "diff", "same", v1, "--json");
        assertThat(sameJson.exit()).isZero();
        assertThat(number(sameJson.out(), "compared")).isEqualTo(1829);
        assertThat(sameJson.out()).contains("\"formatA\": 2").contains("\"formatB\": 1");

        Result other = run(tmp, "diff", v1, "other");
        assertThat(other.exit()).isEqualTo(1);
        Matcher parted = Pattern.compile("they part after ([\\d,]+) equal event\\(s\\): (.+)\n")
                .matcher(other.out());
        assertThat(parted.find()).as(other.out()).isTrue();
        assertThat(Long.parseLong(parted.group(1).replace(",", ""))).isPositive();
        assertThat(parted.group(2)).doesNotContain("format").doesNotContain("site");
        assertThat(other.out()).doesNotContain(" BEGIN ").doesNotContain(" END ");
    }

    @Test
    void badDiffUsageIsOneLine() {
        Path root = JarRunner.root();
        String[][] bad = {
            {"diff", "data/sample", "--from", "0x512f00000500", "--to", "0x512f00000400"},
            {"diff", "data/sample", "data/v1-sample", "--from", "0x512f00000400"},
            {"diff", "data/sample", "--to", "tomorrow"},
        };
        for (String[] args : bad) {
            Result r = run(root, args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines())
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: ");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
