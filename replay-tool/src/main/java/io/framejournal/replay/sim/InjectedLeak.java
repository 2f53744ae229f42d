package io.framejournal.replay.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.framejournal.replay.render.JsonWriter;
import java.io.IOException;

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

    /**
     * One JSON object on one line; the format of {@code --injected-out} and {@code data/sample.injected.jsonl}. The
     * handle is a decimal string (64-bit: it can pass 2^53).
     */
    public String toJson() {
        return new JsonWriter(false)
                .beginObject()
                .field("kind", kind)
                .field("type", type)
                .int64("handle", handle)
                .field("start", "0x" + Long.toHexString(start))
                .field("pages", pages)
                .endObject()
                .take();
    }

    /** Parses what {@link #toJson()} wrote (a handle as a string or, as older files have it, a number). */
    public static InjectedLeak parse(String json) {
        String kind = null;
        String type = null;
        String handle = null;
        String start = null;
        String pages = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                String v = p.getValueAsString();
                switch (name) {
                    case "kind" -> kind = v;
                    case "type" -> type = v;
                    case "handle" -> handle = v;
                    case "start" -> start = v;
                    case "pages" -> pages = v;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an injected-leak line ("
                    + e.getMessage().lines().findFirst().orElse("") + "): " + json);
        }
        if (kind == null || type == null || handle == null || start == null || pages == null) {
            throw new IllegalArgumentException("an injected-leak line needs kind, type, handle, start, pages: " + json);
        }
        return new InjectedLeak(
                kind,
                type,
                Long.parseLong(handle),
                Long.parseLong(start.startsWith("0x") ? start.substring(2) : start, 16),
                Integer.parseInt(pages));
    }

    private static final JsonFactory JSON = new JsonFactory();
}
