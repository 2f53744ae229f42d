package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code framejournal report} through the real jar, loaded in a real headless browser (Debian's {@code chromium}):
 * the page's script runs without an error or a Content-Security-Policy violation, the expected elements are there,
 * and a screenshot is kept under {@code tests/target/report-screenshots/}. Skipped, with how to install it, where
 * {@code /usr/bin/chromium} is missing ({@code .ci/run} installs it, so CI always runs it).
 */
class ReportBrowserCliTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM),
                "the browser test needs Debian's chromium: "
                        + "install it with `sudo apt-get update && sudo apt-get install -y chromium` (CI's .ci/run does)");
    }

    /** Chromium, headless, on a fresh profile, with nothing reaching out to the network. */
    private List<String> chromium(String... args) throws IOException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String dumpDom(Path html) throws IOException {
        Result r = JarRunner.exec(tmp, 120, chromium("--dump-dom", html.toUri().toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private static Map<String, String> status(String dom) {
        Matcher m = Pattern.compile("<div id=\"fj-status\"([^>]*)>").matcher(dom);
        assertThat(m.find()).as("the status element is in the page").isTrue();
        Matcher a = Pattern.compile("(data-[a-z]+)=\"([^\"]*)\"").matcher(m.group(1));
        Map<String, String> attrs = new java.util.HashMap<>();
        while (a.find()) {
            attrs.put(a.group(1), a.group(2));
        }
        return attrs;
    }

    @Test
    void theSampleReportRendersWithoutErrorsAndIsScreenshot() throws IOException {
        Path root = JarRunner.root();
        Path sample = tmp.resolve("sample");
        FileHashes.copyTree(root.resolve("data/sample"), sample);
        Map<String, String> before = FileHashes.of(sample);
        Path html = tmp.resolve("report.html");
        Result r = JarRunner.jar(tmp, 120, "report", "sample", "-o", html.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(FileHashes.of(sample)).as("report is read-only").isEqualTo(before);

        String dom = dumpDom(html);
        Map<String, String> st = status(dom);
        assertThat(st)
                .containsEntry("data-errors", "0")
                .containsEntry("data-csp", "0")
                .containsEntry("data-ready", "true");
        assertThat(Integer.parseInt(st.get("data-columns"))).isPositive();
        assertThat(dom)
                .contains(
                        "id=\"fj-map\"",
                        "id=\"fj-rate-kind\"",
                        "id=\"fj-rate-op\"",
                        "id=\"frame-21\"",
                        "handle 1:76 · minted by SEGMENT_FROM_RAW",
                        "Findings of the audit (10)");

        Path shots = root.resolve("tests/target/report-screenshots");
        Files.createDirectories(shots);
        Path png = shots.resolve("sample-report.png");
        Files.deleteIfExists(png);
        Result shot = JarRunner.exec(
                tmp,
                120,
                chromium(
                        "--window-size=1280,2400",
                        "--screenshot=" + png,
                        html.toUri().toString()));
        assertThat(shot.exit()).as(shot.err()).isZero();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(20_000);
        assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("PNG");
    }

    @Test
    void aHostileRegionPathInjectsNothingIntoThePage() throws IOException {
        Path hostile = tmp.resolve("h\"><img src=x onerror=alert(1)><script>alert(2)<b>");
        FileHashes.copyTree(JarRunner.root().resolve("data/sample"), hostile);
        Path html = tmp.resolve("hostile.html");
        Result r = JarRunner.jar(tmp, 120, "report", hostile.toString(), "-o", html.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String dom = dumpDom(html);
        assertThat(status(dom))
                .containsEntry("data-errors", "0")
                .containsEntry("data-csp", "0")
                .containsEntry("data-ready", "true");
        assertThat(dom)
                .doesNotContain("<img src=\"x\"")
                .doesNotContain("<script>alert")
                .doesNotContain("<b>")
                .contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;b&gt;");
    }
}
