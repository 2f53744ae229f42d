package io.framejournal.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code audit --follow}'s status line (about 150 characters) on a terminal of 80 columns: redrawn in place, so cut to
 * 79 (a wrapped line's first row is never redrawn: one stale row a second); whole in a log, one line each time.
 */
class StatusLineTest {
    private static final String LINE = "following /tmp/docrun/live: 65,108 events (65,016/s), 0 obligation(s) and 1 raw"
            + " reference(s) outstanding, 0 other finding(s) so far, last 0x5b56b500001d12";

    @Test
    void onATerminalTheLineFitsItsWidth() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusLine status = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 80);
        status.show(LINE);
        status.show("following r: 1 event");
        String[] frames = bytes.toString(StandardCharsets.UTF_8).split("\r", -1);
        assertThat(frames).hasSize(3);
        assertThat(frames[1]).isEqualTo(LINE.substring(0, 79));
        assertThat(frames[2])
                .as("blanks over the longer frame before, within the width")
                .startsWith("following r: 1 event")
                .hasSize(79);
    }

    @Test
    void inALogTheLineIsWhole() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80).show(LINE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(LINE + System.lineSeparator());
    }
}
