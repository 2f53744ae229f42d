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
    /**
     * One figure: {@code value} is the JMH score (mean of the measurement iterations), {@code best} the best single
     * iteration (interference on a shared machine only ever slows a run down, so bests are the steadier ratio);
     * reference, best and target are optional (NaN / null).
     */
    record Row(
            String id,
            String figure,
            double value,
            double best,
            String unit,
            double reference,
            double bestReference,
            String target,
            Boolean met,
            String note) {
        double ratio() {
            return Double.isNaN(reference) || reference == 0 ? Double.NaN : value / reference;
        }

        double bestRatio() {
            return Double.isNaN(bestReference) || bestReference == 0 ? Double.NaN : best / bestReference;
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

    Row add(
            String id,
            String figure,
            Measured value,
            String unit,
            Measured reference,
            String target,
            Boolean met,
            String note) {
        Row r = new Row(
                id, figure, value.mean(), value.best(), unit, reference.mean(), reference.best(), target, met, note);
        rows.add(r);
        return r;
    }

    Row add(String id, String figure, Measured value, String unit, String note) {
        return add(id, figure, value, unit, Measured.NONE, null, null, note);
    }

    Row add(String id, String figure, double value, String unit, String note) {
        return add(id, figure, Measured.once(value), unit, note);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-56s %12s %12s %-9s %12s %6s %6s  %s%n";
        sb.append(String.format(
                Locale.ROOT, fmt, "figure", "value", "best iter", "unit", "reference", "ratio", "best", "target"));
        sb.append("-".repeat(150)).append('\n');
        for (Row r : rows) {
            String target =
                    r.target() == null ? "" : r.target() + (r.met() == null ? "" : r.met() ? "  MET" : "  NOT MET");
            sb.append(String.format(
                    Locale.ROOT,
                    fmt,
                    r.figure(),
                    num(r.value()),
                    r.best() == r.value() ? "" : num(r.best()),
                    r.unit(),
                    num(r.reference()),
                    ratio(r.ratio()),
                    ratio(r.bestRatio()),
                    target));
        }
        sb.append('\n');
        machine.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
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
            sb.append("    {\"id\": ")
                    .append(str(r.id()))
                    .append(", \"figure\": ")
                    .append(str(r.figure()))
                    .append(", \"value\": ")
                    .append(jsonNum(r.value()))
                    .append(", \"best\": ")
                    .append(jsonNum(r.best()))
                    .append(", \"unit\": ")
                    .append(str(r.unit()))
                    .append(", \"reference\": ")
                    .append(jsonNum(r.reference()))
                    .append(", \"ratio\": ")
                    .append(jsonNum(r.ratio()))
                    .append(", \"bestReference\": ")
                    .append(jsonNum(r.bestReference()))
                    .append(", \"bestRatio\": ")
                    .append(jsonNum(r.bestRatio()))
                    .append(", \"target\": ")
                    .append(r.target() == null ? "null" : str(r.target()))
                    .append(", \"met\": ")
                    .append(r.met() == null ? "null" : r.met().toString())
                    .append(", \"note\": ")
                    .append(r.note() == null ? "null" : str(r.note()))
                    .append('}')
                    .append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private static String object(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "")
                .append(str(k))
                .append(": ")
                .append(str(v)));
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
