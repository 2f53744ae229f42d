package io.framejournal.replay.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.framejournal.journal.JournalIndex;
import io.framejournal.replay.analysis.IsoTime;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The CLI's JSON output: a thin, chainable face over Jackson's streaming {@link JsonGenerator}, which does all the
 * writing, escaping and (for documents) pretty printing. It adds the project's value conventions on top:
 *
 * <ul>
 *   <li>{@link #index}: journal indices as {@code "0x…"} strings, {@code null} for none;
 *   <li>{@link #int64}: 64-bit values that can pass 2^53 (handles, refcounts, raw before/after values, seeds) as
 *       decimal strings, so that JavaScript-based readers such as jq never round them;
 *   <li>{@link #time}: epoch nanoseconds as ISO-8601 UTC strings with all nine fraction digits.
 * </ul>
 *
 * A writer either builds one document in memory ({@link #JsonWriter(boolean)}, then {@link #take()}), or streams
 * compact JSON lines to an output stream ({@link #lines(OutputStream)}, then {@link #endLine()} after each value).
 */
public final class JsonWriter implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .build()
            .setCharacterEscapes(new TerminalSafeEscapes());

    /**
     * Beyond JSON's own escapes: DEL, C1 controls, bidi overrides and the line/paragraph separators from a region's
     * files (call sites are written by another machine) are written as {@code \\uXXXX}, so they never reach a terminal
     * raw, even through {@code cat}.
     */
    private static final class TerminalSafeEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int c) {
            boolean unsafe = (c >= 0x80 && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x2028
                    || c == 0x2029;
            return unsafe ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", c)) : null;
        }
    }

    private final StringWriter buffer;
    private final boolean pretty;
    private JsonGenerator g;

    /** One document in memory: pretty (two-space indent, one member per line) or compact. */
    public JsonWriter(boolean pretty) {
        this.buffer = new StringWriter(256);
        this.pretty = pretty;
        this.g = documentGenerator();
    }

    private JsonWriter(OutputStream out) {
        this.buffer = null;
        this.pretty = false;
        try {
            this.g = FACTORY.createGenerator(out);
            g.setRootValueSeparator(null); // lines are ended by endLine(), not separated by Jackson's space
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON values, one per line ({@link #endLine()}), streamed to {@code out} through Jackson's buffer. */
    public static JsonWriter lines(OutputStream out) {
        return new JsonWriter(out);
    }

    private JsonGenerator documentGenerator() {
        try {
            JsonGenerator gen = FACTORY.createGenerator(buffer);
            if (pretty) {
                DefaultIndenter indent = new DefaultIndenter("  ", "\n");
                gen.setPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                                .withObjectEmptySeparator("")
                                .withArrayEmptySeparator(""))
                        .withArrayIndenter(indent)
                        .withObjectIndenter(indent));
            }
            return gen;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes via the generator; I/O problems (a closed pipe, a full disk) become unchecked. */
    @FunctionalInterface
    private interface Write {
        void run() throws IOException;
    }

    private JsonWriter write(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public JsonWriter beginObject() {
        return write(g::writeStartObject);
    }

    public JsonWriter endObject() {
        return write(g::writeEndObject);
    }

    public JsonWriter beginArray() {
        return write(g::writeStartArray);
    }

    public JsonWriter endArray() {
        return write(g::writeEndArray);
    }

    public JsonWriter name(String name) {
        return write(() -> g.writeFieldName(name));
    }

    public JsonWriter value(String s) {
        return write(() -> g.writeString(s));
    }

    public JsonWriter value(long v) {
        return write(() -> g.writeNumber(v));
    }

    /** A double; NaN and infinities (not JSON) are written as {@code null}. */
    public JsonWriter value(double v) {
        return write(() -> {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        });
    }

    public JsonWriter value(boolean v) {
        return write(() -> g.writeBoolean(v));
    }

    public JsonWriter nullValue() {
        return write(g::writeNull);
    }

    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    /** A count or small id: a JSON number (callers use {@link #int64} for values that can pass 2^53). */
    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    /** A 64-bit value that can pass 2^53, as a decimal string (exact in every JSON reader). */
    public JsonWriter int64(String name, long v) {
        return name(name).value(Long.toString(v));
    }

    /** A journal index as {@code "0x…"}, or {@code null} for {@link JournalIndex#NONE}. */
    public JsonWriter index(String name, long index) {
        return name(name).value(index == JournalIndex.NONE ? null : JournalIndex.format(index));
    }

    /** Epoch nanoseconds as an ISO-8601 UTC instant with nine fraction digits ({@link IsoTime}). */
    public JsonWriter time(String name, long epochNanos) {
        return name(name).value(IsoTime.format(epochNanos));
    }

    /** Ends one JSON line of a {@link #lines} writer (the value written since the last one). */
    public JsonWriter endLine() {
        return write(() -> g.writeRaw('\n'));
    }

    /** Pushes what Jackson buffered to the stream of a {@link #lines} writer. */
    public void flush() {
        write(g::flush);
    }

    /** The document written so far; resets the writer for the next document. */
    public String take() {
        write(g::flush);
        String s = buffer.toString();
        buffer.getBuffer().setLength(0);
        write(g::close);
        g = documentGenerator();
        return s;
    }

    @Override
    public void close() {
        write(g::close);
    }
}
