package io.framejournal.replay.render;

import java.io.PrintStream;

/**
 * A small streaming JSON writer (objects, arrays, strings, numbers, booleans, null), pretty or on one line.
 * Journal indices and paddrs are written as {@code "0x…"} strings, counts and ids as numbers.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    private final boolean pretty;
    private int depth;
    private boolean first = true;
    private boolean afterName;

    public JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    public JsonWriter beginObject() {
        value();
        out.append('{');
        depth++;
        first = true;
        return this;
    }

    public JsonWriter endObject() {
        depth--;
        if (!first) {
            newline();
        }
        out.append('}');
        first = false;
        return this;
    }

    public JsonWriter beginArray() {
        value();
        out.append('[');
        depth++;
        first = true;
        return this;
    }

    public JsonWriter endArray() {
        depth--;
        if (!first) {
            newline();
        }
        out.append(']');
        first = false;
        return this;
    }

    public JsonWriter name(String name) {
        if (!first) {
            out.append(',');
        }
        newline();
        string(name);
        out.append(pretty ? ": " : ":");
        afterName = true;
        return this;
    }

    public JsonWriter value(String s) {
        value();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    /** Embeds an already rendered JSON value (e.g. another report) as the next value. */
    public JsonWriter rawValue(String json) {
        value();
        out.append(json);
        return this;
    }

    public JsonWriter value(long v) {
        value();
        out.append(v);
        return this;
    }

    public JsonWriter value(double v) {
        value();
        out.append(Double.isFinite(v) ? Double.toString(v) : "null");
        return this;
    }

    public JsonWriter value(boolean v) {
        value();
        out.append(v);
        return this;
    }

    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    private void value() {
        if (afterName) {
            afterName = false;
            first = false;
            return;
        }
        if (depth > 0) {
            if (!first) {
                out.append(',');
            }
            newline();
        }
        first = false;
    }

    private void newline() {
        if (pretty) {
            out.append('\n');
            for (int i = 0; i < depth; i++) {
                out.append("  ");
            }
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    // control characters, C1 controls and bidi overrides from a region's files never reach a
                    // terminal raw, even through `cat`
                    if (c < 0x20
                            || (c >= 0x7f && c <= 0x9f)
                            || (c >= 0x202a && c <= 0x202e)
                            || (c >= 0x2066 && c <= 0x2069)
                            || c == 0x2028
                            || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /** The JSON written so far; resets the writer for the next document. */
    public String take() {
        String s = out.toString();
        out.setLength(0);
        depth = 0;
        first = true;
        afterName = false;
        return s;
    }

    public void printTo(PrintStream ps) {
        ps.println(take());
    }
}
