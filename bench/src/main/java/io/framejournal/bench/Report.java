package io.framejournal.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run: printed as a table and written as JSON. */
final class Report {
    /** One figure; {@code reference}/{@code ratio} and {@code target} are optional (NaN / null). */
    record Row(String id, String figure, double value, String unit, double reference, String target, Boolean met,
            String note) {
        double ratio() {
            return Double.isNaN(reference) || reference == 0 ? Double.NaN : value / reference;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();

    void machine(String key, String value) {
        machine.put(key, value);
    }

    void setting(String key, String value) {
        settings.put(key, value);
    }

    Row add(String id, String figure, double value, String unit, double reference, String target, Boolean met, String note) {
        Row r = new Row(id, figure, value, unit, reference, target, met, note);
        rows.add(r);
        return r;
    }

    Row add(String id, String figure, double value, String unit, String note) {
        return add(id, figure, value, unit, Double.NaN, null, null, note);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-52s %16s %-10s %16s %8s  %-22s%n";
        sb.append(String.format(Locale.ROOT, fmt, "figure", "value", "unit", "reference", "ratio", "target"));
        sb.append("-".repeat(132)).append('\n');
        for (Row r : rows) {
            String target = r.target() == null ? "" : r.target() + (r.met() == null ? "" : r.met() ? "  MET" : "  NOT MET");
            sb.append(String.format(Locale.ROOT, fmt, r.figure(), num(r.value()), r.unit(), num(r.reference()),
                    Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "%.3f", r.ratio()), target));
        }
        sb.append('\n');
        machine.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    void writeJson(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"machine\": ").append(object(machine)).append(",\n");
        sb.append("  \"settings\": ").append(object(settings)).append(",\n");
        sb.append("  \"figures\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append("    {\"id\": ").append(str(r.id()))
                    .append(", \"figure\": ").append(str(r.figure()))
                    .append(", \"value\": ").append(jsonNum(r.value()))
                    .append(", \"unit\": ").append(str(r.unit()))
                    .append(", \"reference\": ").append(jsonNum(r.reference()))
                    .append(", \"ratio\": ").append(jsonNum(r.ratio()))
                    .append(", \"target\": ").append(r.target() == null ? "null" : str(r.target()))
                    .append(", \"met\": ").append(r.met() == null ? "null" : r.met().toString())
                    .append(", \"note\": ").append(r.note() == null ? "null" : str(r.note()))
                    .append('}').append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private static String object(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(str(k)).append(": ").append(str(v)));
        return sb.append('}').toString();
    }

    private static String jsonNum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
