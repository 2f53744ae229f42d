package io.framejournal.replay.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A progress frame is drawn in place with {@code \r}, which returns to the start of the cursor's row only: a frame
 * wider than the terminal wraps, and each redraw then leaves its first row behind. Frames are cut to the width.
 */
class TerminalWidthTest {
    private static Progress bar(int columns) {
        return new Progress(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        "replaying",
                        "events",
                        117_000_000L,
                        0)
                .withColumns(columns);
    }

    @Test
    void aFrameFitsANarrowTerminal() {
        String frame = bar(40).line(58_000_000L, 58_000_000L, 3_000_000_000L);
        assertThat(frame).startsWith("\rreplaying [" + "#".repeat(14) + ".");
        assertThat(frame.length() - 1)
                .as("visible characters, one short of the width")
                .isEqualTo(39);
    }

    @Test
    void aFrameIsWholeOnAWideOrUnknownTerminal() {
        String wide = bar(200).line(58_000_000L, 58_000_000L, 3_000_000_000L);
        assertThat(wide).endsWith(" events, ETA 0:04").hasSizeLessThan(200);
        assertThat(bar(0).line(58_000_000L, 58_000_000L, 3_000_000_000L)).isEqualTo(wide);
    }

    @Test
    void theWidthComesFromThePropertyElseColumnsAndIsAWholeNumber() {
        assertThat(Terminal.columns("120", "80")).isEqualTo(120);
        assertThat(Terminal.columns(null, "80")).isEqualTo(80);
        assertThat(Terminal.columns("wide", " 72 ")).isEqualTo(72);
        assertThat(Terminal.columns("0", "-3")).isZero();
        assertThat(Terminal.columns(null, null)).isZero();
        assertThat(Terminal.fit("abcdef", 4)).isEqualTo("abc");
        assertThat(Terminal.fit("abc", 4)).isEqualTo("abc");
        assertThat(Terminal.fit("abcdef", 0)).isEqualTo("abcdef");
    }
}
