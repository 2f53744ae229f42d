package io.framejournal.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalIndex;
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
