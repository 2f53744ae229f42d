package io.framejournal.replay.cli;

import io.framejournal.journal.JournalEvent;
import io.framejournal.replay.analysis.IsoTime;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.render.TextRenderer;
import java.io.PrintStream;

/**
 * Where {@code dump} writes events: text lines or JSON lines, through a 64 KiB buffer (one {@code write()} per
 * buffer, not per line). {@link #flush()} pushes what is buffered: at the end, and when {@code --follow} has caught
 * up with the writer.
 */
abstract class EventSink {
    static final int BUFFER = 1 << 16;
    /**
     * Stands for {@link io.framejournal.replay.analysis.Fmt#ARROW} in the text sink's builder, which then stays
     * Latin-1; never part of an event line otherwise (lines are built from numbers, names and ASCII punctuation).
     */
    private static final char ARROW_MARK = '\u0001';

    private static final String ARROW_MARK_TEXT = String.valueOf(ARROW_MARK);

    /** Latin-1 chars to bytes, a loop the JIT vectorizes; returns the new end of {@code to}. */
    private static int narrow(char[] from, int start, int end, byte[] to, int at) {
        for (int i = start; i < end; i++) {
            to[at + i - start] = (byte) from[i];
        }
        return at + end - start;
    }

    /** Lines of JSON between two looks at whether standard output still takes them (Jackson buffers ~8 KiB). */
    private static final int JSON_CHECK_EVERY = 256;

    /** Whether a write to the output failed (a closed pipe, a full disk): nothing more is worth writing. */
    boolean failed;

    abstract void write(JournalEvent e);

    abstract void flush();

    /**
     * Whether the output stopped taking what is written: {@code dump} then stops reading at once (a reader of
     * {@code dump DIR | head -1} has what it wanted; a 100 M-event journal need not be read to its end for it).
     */
    final boolean failed() {
        return failed;
    }

    /**
     * Text lines ({@link TextRenderer#appendEventLine}), UTF-8, into a byte buffer written out when full. Event lines
     * are ASCII but for the one arrow of a slot event's change, which the builder holds as {@link #ARROW_MARK}.
     */
    static EventSink text(PrintStream out) {
        StringBuilder line = new StringBuilder(160);
        IsoTime time = new IsoTime();
        byte[] buf = new byte[BUFFER];
        return new EventSink() {
            private int n;
            private char[] chars = new char[256];

            @Override
            void write(JournalEvent e) {
                TextRenderer.appendEventLine(e, line, time, ARROW_MARK).append('\n');
                int len = line.length();
                if (n + len + 2 > buf.length) {
                    drain();
                }
                if (chars.length < len) {
                    chars = new char[len * 2];
                }
                line.getChars(0, len, chars, 0);
                int arrow = line.indexOf(ARROW_MARK_TEXT); // a vectorized search: the builder is Latin-1
                if (arrow < 0) {
                    n = narrow(chars, 0, len, buf, n);
                } else {
                    n = narrow(chars, 0, arrow, buf, n);
                    buf[n++] = (byte) 0xe2; // U+2192 in UTF-8
                    buf[n++] = (byte) 0x86;
                    buf[n++] = (byte) 0x92;
                    n = narrow(chars, arrow + 1, len, buf, n);
                }
            }

            private void drain() {
                out.write(buf, 0, n);
                n = 0;
                failed |= out.checkError(); // once per 64 KiB
            }

            @Override
            void flush() {
                drain();
                out.flush();
                failed |= out.checkError();
            }
        };
    }

    /** JSON lines ({@link JsonRenderer#event}), one compact object per line, written by Jackson's buffer. */
    static EventSink json(PrintStream out) {
        JsonWriter w = JsonWriter.lines(out);
        return new EventSink() {
            private int lines;

            @Override
            void write(JournalEvent e) {
                JsonRenderer.event(w, e);
                w.endLine();
                if (++lines == JSON_CHECK_EVERY) {
                    lines = 0;
                    failed |= out.checkError();
                }
            }

            @Override
            void flush() {
                w.flush();
                out.flush();
                failed |= out.checkError();
            }
        };
    }
}
