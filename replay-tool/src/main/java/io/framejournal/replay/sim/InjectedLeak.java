package io.framejournal.replay.sim;

/**
 * A leak the simulator injected on purpose.
 *
 * @param kind   {@code handle} (a handle never closed) or {@code raw} (a raw reference never restored)
 * @param type   the handle's type: {@code Frame}, {@code UniqueFrame} or {@code Segment}
 * @param handle the handle id (for {@code raw}: the handle whose into_raw forgot the reference)
 * @param start  first paddr covered
 * @param pages  frames covered
 */
public record InjectedLeak(String kind, String type, long handle, long start, int pages) {
    public static final String HANDLE = "handle";
    public static final String RAW = "raw";

    /** One JSON object on one line; the format of {@code --injected-out} and {@code data/sample.injected.json}. */
    public String toJson() {
        return "{\"kind\":\"" + kind + "\",\"type\":\"" + type + "\",\"handle\":" + handle + ",\"start\":\"0x"
                + Long.toHexString(start) + "\",\"pages\":" + pages + "}";
    }

    /** Parses what {@link #toJson()} wrote. */
    public static InjectedLeak parse(String json) {
        return new InjectedLeak(
                field(json, "kind"),
                field(json, "type"),
                Long.parseLong(field(json, "handle")),
                Long.parseLong(field(json, "start").substring(2), 16),
                Integer.parseInt(field(json, "pages")));
    }

    private static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int i = json.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no " + name + " in " + json);
        }
        int from = i + key.length();
        if (json.charAt(from) == '"') {
            return json.substring(from + 1, json.indexOf('"', from + 1));
        }
        int to = from;
        while (to < json.length() && (Character.isDigit(json.charAt(to)) || json.charAt(to) == '-')) {
            to++;
        }
        return json.substring(from, to);
    }
}
