package io.framejournal.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.ReplayState;
import io.framejournal.replay.Support;
import io.framejournal.replay.Support.Result;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.RegionInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report, in-process: sections, anchors behind every frame link, self-containment, escaping. */
class HtmlReportTest {
    @TempDir
    Path tmp;

    static final Path SAMPLE = Support.root().resolve("data/sample");

    /**
     * After {@code retain}, the drawing starts at the oldest kept record with every frame's drawn state (refcount,
     * obligations, raw references) derived back from a checkpoint: it equals the state a replay of the whole journal
     * (taken before the retain) has there, and the page's end state equals {@code state}'s.
     */
    @Test
    void aRetiredJournalIsDrawnFromTheStateItsOldestKeptRecordStartedFrom() throws Exception {
        Path region = tmp.resolve("r");
        ok(Support.cli(
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x400000",
                "--roll-cycle",
                "test-1s",
                "--ops",
                "1500",
                "--seed",
                "3",
                "--leak-rate",
                "0.02"));
        long second = java.time.Instant.now().getEpochSecond();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(5))
                .until(() -> java.time.Instant.now().getEpochSecond() > second); // the next session: a file of its own
        ok(Support.cli("checkpoint", region.toString()));
        ok(Support.cli("simulate", "--dir", region.toString(), "--ops", "1500", "--seed", "4", "--leak-rate", "0.02"));
        ok(Support.cli("checkpoint", region.toString()));
        Path whole = tmp.resolve("whole");
        Support.copyTree(region, whole);
        assertThat(ok(Support.cli("retain", region.toString(), "--keep-checkpoints", "1"))
                        .out())
                .contains("retired");

        long kept;
        try (JournalReader r = JournalReader.open(region.resolve("journal"))) {
            JournalEvent e = new JournalEvent();
            assertThat(r.next(e)).isTrue();
            kept = e.index;
        }
        RegionInput input = RegionInput.open(region);
        ReplayState truth = new ReplayState(input.nrSlots());
        long before = 0;
        try (JournalReader r = JournalReader.open(whole.resolve("journal"))) {
            JournalEvent e = new JournalEvent();
            while (r.next(e) && e.index != kept) {
                truth.apply(e);
                before++;
            }
        }
        assertThat(before).as("events retired").isPositive();

        ReportScan scan = new ReportScan(input, JournalIndex.NONE, 8, 8, new int[0], new long[0]);
        ReplayState derived = scan.stateAtOldestKeptRecord();
        assertThat(derived).as("a checkpoint covers the retired files").isNotNull();
        assertThat(scan.seededFrom).isNotEqualTo(JournalIndex.NONE);
        int notFree = 0;
        for (int slot = 0; slot < input.nrSlots(); slot++) {
            assertThat(new long[] {
                        derived.refCount(slot),
                        derived.obligations(slot),
                        derived.raw(slot),
                        derived.usage(slot),
                        derived.inList(slot)
                    })
                    .as("frame %d at the oldest kept record", slot)
                    .containsExactly(
                            truth.refCount(slot),
                            truth.obligations(slot),
                            truth.raw(slot),
                            truth.usage(slot),
                            truth.inList(slot));
            notFree += derived.refCount(slot) == io.framejournal.journal.RefCount.UNUSED ? 0 : 1;
        }
        assertThat(notFree).as("frames in use where the kept journal starts").isPositive();

        Path file = tmp.resolve("retired.html");
        Result report = Support.cli("report", region.toString(), "-o", file.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.err()).isEmpty();
        String html = Files.readString(file);
        assertThat(html).contains("each frame&#39;s state at its oldest kept record derived from checkpoint");
        Result state = ok(Support.cli("state", region.toString()));
        Matcher m = Pattern.compile("(?m)^\\s+(free|unique|shared|busy)\\s+([\\d,]+)\\s*$")
                .matcher(state.out());
        int statuses = 0;
        while (m.find()) {
            assertThat(html).contains(m.group(1) + " " + m.group(2));
            statuses++;
        }
        assertThat(statuses).as("statuses in `state`'s summary").isEqualTo(4);

        Result retiredTime = Support.cli("state", region.toString(), "--at", "2020-01-01T00:00:00Z");
        assertThat(retiredTime.exit()).isEqualTo(2);
        assertThat(retiredTime.err())
                .as("a time in the retired part says so")
                .contains("is before the journal's first event: that part of the journal was retired (`retain`)");
    }

    private static Result ok(Result r) {
        assertThat(r.exit()).as(r.err()).isIn(0, 1);
        return r;
    }

    @Test
    void sampleReportHasEverySectionAndEveryFrameLinkResolves() throws Exception {
        Map<String, String> before = Support.checksums(SAMPLE);
        Path file = tmp.resolve("report.html");
        Result r = Support.cli("report", SAMPLE.toString(), "-o", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("report " + SAMPLE + " -> " + file).contains("10 finding(s)");
        String html = Files.readString(file);
        assertThat(Files.size(file)).isLessThan(10L << 20);
        assertThat(html)
                .contains(
                        "id=\"memory-map\"",
                        "id=\"fj-map\"",
                        "id=\"rates\"",
                        "id=\"fj-rate-kind\"",
                        "id=\"fj-rate-op\"",
                        "id=\"leaks\"",
                        "id=\"findings\"",
                        "id=\"frames\"",
                        "id=\"fj-status\"",
                        "Content-Security-Policy",
                        "src=\"data:image/png;base64,");
        AuditReport audit = Auditor.audit(RegionInput.open(SAMPLE), JournalIndex.NONE);
        for (AuditReport.LeakGroup g : audit.leaks()) {
            assertThat(html).contains("handle " + Fmt.handle(g.handle()) + " · minted by ");
            for (int slot : g.slots()) {
                assertThat(html).contains("id=\"frame-" + slot + "\"");
            }
        }
        Matcher links = Pattern.compile("href=\"#(frame-\\d+)\"").matcher(html);
        int n = 0;
        while (links.find()) {
            assertThat(html).contains("id=\"" + links.group(1) + "\"");
            n++;
        }
        assertThat(n)
                .isGreaterThanOrEqualTo(
                        audit.leaks().stream().mapToInt(g -> g.slots().size()).sum());
        assertThat(html)
                .doesNotContainPattern("(src|href)=\"(https?:)?//")
                .doesNotContain("@import")
                .doesNotContain("url(");
        assertThat(Support.checksums(SAMPLE)).isEqualTo(before);
    }

    @Test
    void aHostileRegionPathCannotInjectMarkup() throws Exception {
        Path hostile = tmp.resolve("x\"><img src=x onerror=alert(1)><script>alert(2)<b>'&");
        Support.copyTree(SAMPLE, hostile);
        Path file = tmp.resolve("hostile.html");
        Result r = Support.cli("report", hostile.toString(), "-o", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String html = Files.readString(file);
        assertThat(html)
                .doesNotContain("<img src=x")
                .doesNotContain("<script>alert")
                .doesNotContain("<b>'")
                .contains("x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;b&gt;&#39;&amp;");
        assertThat(Html.esc("a\u001b[31m\u0000<")).isEqualTo("a\uFFFD[31m\uFFFD&lt;");
    }

    @Test
    void mapCellsAndColoursAreBoundedAndGridsStayFixedForLongJournals() {
        assertThat(HtmlReport.colour(0)).isEqualTo(0xe9ecf1);
        assertThat(HtmlReport.colour(2 << 5 | 31)).isEqualTo(0x2b6cb0);
        RegionInput region = RegionInput.open(SAMPLE);
        ReportScan small = new ReportScan(region, JournalIndex.NONE, 16, 8, new int[] {0x15}, new long[0]);
        small.run(io.framejournal.replay.analysis.Progress.none());
        assertThat(small.cols).isBetween(8, 16);
        assertThat(small.colEvents[small.cols - 1]).isEqualTo(small.events);
        long sum = 0;
        for (int c = 0; c < small.cols; c++) {
            for (long k : small.kinds[c]) {
                sum += k;
            }
        }
        assertThat(sum).as("every event counted once in the rates").isEqualTo(small.events);
        assertThat(small.wOb[0][small.cols - 1])
                .as("frame 0x15000 still owes its leaked obligation")
                .isEqualTo(1);
    }
}
