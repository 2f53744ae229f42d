package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --json} as a program reads it, for the read-only commands on {@code data/sample}, in the normal, the empty-range
 * and the partial cases: stdout is exactly one JSON document (Jackson reads it to its end, nothing after it), its
 * top-level fields are exactly those docs/JSON.md lists for the command (every one of them, also when the range holds
 * nothing, and none that the page does not name), the common rules' types hold at every depth (journal indices
 * {@code "0x…"} or null, 64-bit values as strings, times ISO-8601 with nine digits, small ids as numbers), notes go to
 * stderr only, and the exit code is the text mode's. In this JVM ({@code FrameJournalCli.run}): a JVM per case would
 * take a minute.
 */
class JsonContractCliTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern INDEX = Pattern.compile("0x[0-9a-f]+");
    private static final Pattern ISO_NANOS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    private static final Set<String> INDEX_FIELDS = Set.of(
            "index",
            "first",
            "last",
            "at",
            "firstIndex",
            "lastIndex",
            "lastApplied",
            "keptFrom",
            "from",
            "to",
            "lastRead",
            "fromIndex",
            "checkpointIndex",
            "redoPoint",
            "checkpoint");
    private static final Set<String> STRING_64 = Set.of("handle", "before", "after", "refCount", "meta0", "meta1");
    private static final Set<String> TIMES = Set.of("time", "firstTime", "lastTime");
    private static final Set<String> SMALL_NUMBERS = Set.of("slot", "thread", "metaType", "inList", "schema", "frames");

    private static final String SAMPLE = JarRunner.root().resolve("data/sample").toString();
    private static Map<String, String> before;

    @TempDir
    Path tmp;

    @BeforeAll
    static void hashTheSample() {
        before = FileHashes.of(Path.of(SAMPLE));
    }

    @AfterAll
    static void theSampleIsUnchanged() {
        assertThat(FileHashes.of(Path.of(SAMPLE))).as("--json changed nothing").isEqualTo(before);
    }

    /** The top-level fields docs/JSON.md gives each document, in its order. */
    private static List<String> documented(String kind) {
        String fields =
                switch (kind) {
                    case "audit" ->
                        "command schema dir region journal findings filter leaks rawLeaks leakedHandleCount"
                                + " leakedHandles bySite sites tornCompounds tornSlots ledger invariants transitions"
                                + " divergence checkpoints warnings";
                    case "history" ->
                        "command schema dir slot paddr slotTo eventsRead matched filter stopReason state"
                                + " states events siteProblem sites";
                    case "state" ->
                        "command schema dir at lastApplied events frames stopReason warnings byStatus"
                                + " byUsage obligations raw onLists";
                    case "state-frame" ->
                        "command schema dir at lastApplied events frames stopReason warnings"
                                + " byStatus byUsage obligations raw onLists frame";
                    case "diff" ->
                        "command schema dir from to lastRead events changedCount stopReason warnings changed"
                                + " leaks rawLeaks bySite sites";
                    case "diff-regions" ->
                        "command schema dirA dirB compared parted fields stopReason formatA formatB eventA eventB";
                    case "stats" ->
                        "command schema dir frames maxPaddr clean archive writer events firstIndex"
                                + " lastIndex firstTime lastTime sessions cleanCloses recoveries journalFiles journalBytes"
                                + " records recordBytes bytesPerEvent slotTableBytes stopReason warnings byKind byOp"
                                + " byStatus byUsage obligations raw onLists";
                    case "report" ->
                        "command schema dir file bytes events findings columns eventsPerColumn frameRows"
                                + " stopReason";
                    case "dump" ->
                        "index time thread site kind op flags opEnd slot paddr metaType before after handle"
                                + " handleText change";
                    default -> throw new IllegalArgumentException(kind);
                };
        return List.of(fields.split(" "));
    }

    /** The one JSON value in {@code text}, as maps, lists, strings, numbers, booleans and nulls; nothing may follow it. */
    private static Object parseOne(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            Object value = read(p, p.nextToken());
            assertThat(p.nextToken()).as("nothing after the document").isNull();
            return value;
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new AssertionError("unexpected token " + t);
        }
    }

    /** The common rules of docs/JSON.md, at every depth: what each named field holds. */
    private static void assertCommonTypes(Object value, String path, String field) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> assertCommonTypes(v, path + "." + k, (String) k));
            return;
        }
        if (value instanceof List<?> l) {
            l.forEach(v -> assertCommonTypes(v, path + "[]", null));
            return;
        }
        if (field == null) {
            return;
        }
        if (INDEX_FIELDS.contains(field) && value != null) {
            assertThat(value).as(path).isInstanceOf(String.class);
            assertThat((String) value).as(path).matches(INDEX);
        }
        if (STRING_64.contains(field)) {
            assertThat(value).as(path + ": a 64-bit value is a string").isInstanceOf(String.class);
        }
        if (TIMES.contains(field) && value != null) {
            assertThat(value).as(path).isInstanceOf(String.class);
            assertThat((String) value).as(path).matches(ISO_NANOS);
        }
        if (SMALL_NUMBERS.contains(field)) {
            assertThat(value).as(path + ": a number").isInstanceOf(Long.class);
        }
        if (field.equals("paddr") || field.equals("maxPaddr")) {
            assertThat(value == null || (value instanceof String s && s.startsWith("0x")))
                    .as(path + ": a paddr is \"0x…\" or null, not " + value)
                    .isTrue();
        }
    }

    /** Each command line (the sample's path stands for {@code S}, a file in the test's directory for {@code OUT}). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "audit S | audit",
                "audit S --until 0x1 | audit",
                "audit S --since 2030-01-01T00:00:00Z | audit",
                "audit S --frame 51 --op FRAME_INTO_RAW | audit",
                "history S --frame 51 | history",
                "history S --frame 51 --until 0x1 | history",
                "history S --frame 50..60 --limit 1 | history",
                "state S | state",
                "state S --at 0x512f00000400 | state",
                "state S --frame 51 | state-frame",
                "stats S | stats",
                "diff S --from 0x512f00000400 --to 0x512f00000500 --limit 1 | diff",
                "diff S | diff",
                "diff S S | diff-regions",
                "report S -o OUT | report"
            })
    void everyDocumentIsOneJsonValueWithTheDocumentedFieldsAndTypes(String line, String kind) throws IOException {
        String out = tmp.resolve("r.html").toString();
        String[] args = java.util.Arrays.stream(line.strip().split(" "))
                .map(w -> w.equals("S") ? SAMPLE : w.equals("OUT") ? out : w)
                .toArray(String[]::new);
        Result json = JarRunner.inProcess(append(args, "--json"));
        Result text = JarRunner.inProcess(args);
        assertThat(json.exit())
                .as("the exit code of the text mode; stderr %s", json.err())
                .isEqualTo(text.exit());
        assertThat(json.err()).as("stderr says the same with --json").isEqualTo(text.err());
        assertThat(json.err().lines())
                .as("only notes on stderr here")
                .allMatch(l -> l.startsWith("framejournal: note: "));
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) parseOne(json.out());
        assertThat(List.copyOf(doc.keySet())).as("the fields of docs/JSON.md").isEqualTo(documented(kind));
        assertThat(doc.get("command")).isEqualTo(args[0]);
        assertThat(doc.get("schema")).isEqualTo(2L);
        assertCommonTypes(doc, "", null);
    }

    @Test
    void dumpWritesOneDocumentedObjectPerLineAndNothingElse() throws IOException {
        Result r = JarRunner.inProcess("dump", SAMPLE, "--json", "--limit", "300");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(300);
        for (String l : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) parseOne(l);
            assertThat(List.copyOf(e.keySet())).isEqualTo(documented("dump"));
            assertCommonTypes(e, "", null);
        }
        Result empty = JarRunner.inProcess("dump", SAMPLE, "--json", "--until", "0x1");
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).as("an empty range: no line, no document").isEmpty();
        assertThat(empty.err()).startsWith("framejournal: note: --until 0x1 is before the journal's first record");
    }

    @Test
    void anErrorLeavesStdoutEmptyWithJsonToo() {
        for (String[] args : List.of(
                new String[] {"audit", SAMPLE, "--at", "0x1"},
                new String[] {"state", SAMPLE, "--frame", "99999"},
                new String[] {"history", SAMPLE, "--frame", "5000"},
                new String[] {"audit", tmp.resolve("none").toString()})) {
            Result json = JarRunner.inProcess(append(args, "--json"));
            Result text = JarRunner.inProcess(args);
            assertThat(json.out()).as("stdout of %s", List.of(args)).isEmpty();
            assertThat(json.exit()).isEqualTo(text.exit()).isEqualTo(2);
            assertThat(json.errLines()).singleElement().asString().startsWith("framejournal: ");
            assertThat(json.err()).isEqualTo(text.err());
        }
        assertThat(Files.exists(tmp.resolve("none"))).as("nothing made").isFalse();
    }

    private static String[] append(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
