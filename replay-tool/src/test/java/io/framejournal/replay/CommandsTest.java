package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.Support.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every subcommand, in-process, on a small region with known leaks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsTest {
    Path tmp;
    Path region;
    Result simulated;

    @BeforeAll
    void simulate(@TempDir Path dir) {
        tmp = dir;
        region = tmp.resolve("region");
        simulated = Support.cli(
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x400000",
                "--ops",
                "2500",
                "--seed",
                "9",
                "--leak-rate",
                "0.02");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "simulate",
                "recover",
                "audit",
                "history",
                "state",
                "dump",
                "stats",
                "report",
                "export",
                "sql",
                "demo"
            })
    void everySubcommandHasHelp(String sub) {
        Result r = Support.cli(sub, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: framejournal " + sub).contains("--json");
    }

    @Test
    void versionAndTopLevelHelp() {
        assertThat(Support.cli("--version").out()).startsWith("framejournal ").contains("journal format 2");
        Result help = Support.cli("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains(
                        "simulate",
                        "recover",
                        "audit",
                        "history",
                        "state",
                        "dump",
                        "stats",
                        "report",
                        "export",
                        "sql",
                        "demo");
    }

    @Test
    void simulateSaysWhatItInjected() {
        assertThat(simulated.exit()).isZero();
        Matcher m = Pattern.compile("injected (\\d+) leaked handles, (\\d+) unrestored raw refs")
                .matcher(simulated.out());
        assertThat(m.find()).as(simulated.out()).isTrue();
        assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).isPositive();
        Result json = Support.cli(
                "simulate", "--dir", tmp.resolve("j").toString(), "--max-paddr", "0x400000", "--ops", "200", "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"command\": \"simulate\"", "\"injected\": [");
    }

    @Test
    void auditReportsTheLeaksAndExitsOne() {
        Result r = Support.cli("audit", region.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("Outstanding obligations (leaks)")
                .contains("divergence:    0 slot(s) (full check");
        assertThat(r.err()).isEmpty();
        Result json = Support.cli("audit", region.toString(), "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).contains("\"command\": \"audit\"", "\"groups\": [", "\"mode\": \"full\"");
    }

    @Test
    void auditOfACleanRegionExitsZero() {
        Path clean = tmp.resolve("clean");
        Support.cli("simulate", "--dir", clean.toString(), "--max-paddr", "0x400000", "--ops", "800");
        Result r = Support.cli("audit", clean.toString());
        assertThat(r.out()).contains("clean, no findings");
        assertThat(r.exit()).isZero();
    }

    @Test
    void auditAtAnIndexSkipsDivergenceAndSaysWhy() {
        long mid = indexAt(region, 2000);
        Result r = Support.cli("audit", region.toString(), "--at", JournalIndex.format(mid));
        assertThat(r.out())
                .contains("as of:         journal index " + JournalIndex.format(mid))
                .contains("divergence:    not checked: --at was given");
        assertThat(r.exit()).isIn(0, 1);
    }

    @Test
    void historyListsEveryEventOfALeakedFrame() {
        String paddr = firstLeakedPaddr();
        Result r = Support.cli("history", region.toString(), "--paddr", paddr);
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("history of frame")
                .contains("MINT")
                .contains("REFCOUNT")
                .contains("UNUSED\u21920");
        long frame = Long.decode(paddr) / 4096;
        Result byFrame = Support.cli("history", region.toString(), "--frame", Long.toString(frame), "--json");
        assertThat(byFrame.exit()).isZero();
        assertThat(byFrame.out()).contains("\"paddr\": \"" + paddr + "\"", "\"verdict\": \"OK\"");
        assertThat(Support.cli("history", region.toString()).exit()).isEqualTo(2);
    }

    @Test
    void stateTravelsInTime() {
        Result first = Support.cli("state", region.toString(), "--at", JournalIndex.format(indexAt(region, 0)));
        assertThat(first.exit()).isZero();
        assertThat(first.out()).containsPattern("free\\s+1,024");
        Result end = Support.cli("state", region.toString(), "--json");
        assertThat(end.out()).contains("\"command\": \"state\"", "\"byStatus\"");
        String paddr = firstLeakedPaddr();
        Result one = Support.cli("state", region.toString(), "--paddr", paddr);
        assertThat(one.out()).contains("paddr " + paddr + "):").containsPattern("obligations [1-9]");
    }

    @Test
    void dumpPrintsARangeOfEventsAsTextOrJsonLines() {
        long from = indexAt(region, 10);
        long to = indexAt(region, 19);
        Result r = Support.cli(
                "dump", region.toString(), "--from", JournalIndex.format(from), "--to", JournalIndex.format(to));
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        long inRange = eventsBetween(region, from, to);
        assertThat(lines).hasSize((int) inRange);
        assertThat(lines.get(0)).startsWith(JournalIndex.format(from));
        assertThat(lines.get(lines.size() - 1)).startsWith(JournalIndex.format(to));
        Result json = Support.cli("dump", region.toString(), "--to", JournalIndex.format(to), "--json");
        assertThat(json.out().lines())
                .hasSize((int) eventsBetween(region, 0, to))
                .allMatch(l -> l.startsWith("{\"index\":\"0x") && l.endsWith("}"));
        assertThat(Support.cli("dump", region.toString(), "--from", "0x10", "--to", "0x1")
                        .exit())
                .isEqualTo(2);
    }

    @Test
    void statsCountsEveryEvent() {
        Result r = Support.cli("stats", region.toString());
        assertThat(r.exit()).isZero();
        long events = Support.events(region).size();
        assertThat(r.out())
                .contains(String.format(java.util.Locale.ROOT, "%,d events in 1 session(s)", events))
                .containsPattern("records of .* = [0-9.]+ bytes/event");
        assertThat(Support.cli("stats", region.toString(), "--json").out()).contains("\"events\": " + events);
    }

    @Test
    void readCommandsChangeNoByte() {
        Map<String, String> before = Support.checksums(region);
        String r = region.toString();
        for (String[] args : new String[][] {
            {"audit", r},
            {"audit", r, "--json"},
            {"stats", r},
            {"dump", r},
            {"history", r, "--frame", "3"},
            {"state", r},
            {"state", r, "--at", "0x1", "--frame", "3"}
        }) {
            Support.cli(args);
            assertThat(Support.checksums(region))
                    .as("after %s", String.join(" ", args))
                    .isEqualTo(before);
        }
    }

    @Test
    void recoverOfACleanRegionChangesNothingAndReclaimTwiceChangesNothingTheSecondTime() {
        Path dir = tmp.resolve("reclaim");
        Support.cli(
                "simulate",
                "--dir",
                dir.toString(),
                "--max-paddr",
                "0x400000",
                "--ops",
                "1500",
                "--seed",
                "4",
                "--leak-rate",
                "0.05");
        Map<String, String> clean = Support.checksums(dir);
        Result plain = Support.cli("recover", dir.toString());
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).contains("already clean");
        assertThat(Support.checksums(dir)).isEqualTo(clean);

        Result reclaim = Support.cli("recover", dir.toString(), "--reclaim");
        assertThat(reclaim.exit()).isZero();
        assertThat(reclaim.out()).containsPattern("reclaimed: [1-9][0-9]* frame\\(s\\)");
        Map<String, String> reclaimed = Support.checksums(dir);
        Result again = Support.cli("recover", dir.toString(), "--reclaim", "--json");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("\"alreadyClean\": true");
        assertThat(Support.checksums(dir)).isEqualTo(reclaimed);

        Result audit = Support.cli("audit", dir.toString());
        assertThat(audit.out()).contains("clean, no findings");
        assertThat(audit.exit()).isZero();
    }

    /**
     * A recovery that starts at a checkpoint no record follows (a writer that checkpointed its close, its status then
     * marked open) says so: it printed "scanned: 0 records (0 events) from none".
     */
    @Test
    void aRecoveryWithNoRecordAfterItsCheckpointSaysSo() throws java.io.IOException {
        Path dir = tmp.resolve("checkpointed-end");
        Result sim = Support.cli(
                "simulate",
                "--dir",
                dir.toString(),
                "--max-paddr",
                "0x100000",
                "--ops",
                "500",
                "--seed",
                "4",
                "--checkpoint-every",
                "1s");
        assertThat(sim.exit()).as(sim.err()).isZero();
        io.framejournal.journal.testsupport.DeadWriter.markOpen(dir); // it was closed cleanly; now as a writer died
        Result recover = Support.cli("recover", dir.toString());
        assertThat(recover.exit()).as(recover.err()).isZero();
        assertThat(recover.out())
                .containsPattern("scanned:   no record: none follows the checkpoint at 0x[0-9a-f]+\\n")
                .doesNotContain("from none");
    }

    /**
     * {@code retain} says what it kept on every path (it left the {@code kept:} line out when the region had no valid
     * checkpoint, 2026-11-28), and its JSON has the same fields every time.
     */
    @Test
    void retainAlwaysSaysWhatItKeptWithTheSameJsonFields() {
        Path dir = tmp.resolve("retained");
        Result sim = Support.cli("simulate", "--dir", dir.toString(), "--max-paddr", "0x100000", "--ops", "300");
        assertThat(sim.exit()).as(sim.err()).isZero();
        String d = dir.toString();

        Result none = Support.cli("retain", d);
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out())
                .contains("\n  kept: the whole journal (no valid checkpoint: every file is still needed)\n");
        assertThat(none.errLines()).singleElement().asString().contains("has no valid checkpoint");
        Result noneJson = Support.cli("retain", d, "--json");
        assertThat(noneJson.out())
                .contains("\"kept\": \"the whole journal (no valid checkpoint: every file is still needed)\"")
                .contains("\"keptFrom\": null");

        Result checkpoint = Support.cli("checkpoint", d);
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        Result some = Support.cli("retain", d);
        assertThat(some.exit()).as(some.err()).isZero();
        assertThat(some.out()).containsPattern("\\n  kept: everything from the oldest checkpoint kept, 0x[0-9a-f]+\\n");
        Result someJson = Support.cli("retain", d, "--json");
        assertThat(someJson.out())
                .containsPattern("\"kept\": \"everything from the oldest checkpoint kept, 0x[0-9a-f]+\"")
                .containsPattern("\"keptFrom\": \"0x[0-9a-f]+\"");
        assertThat(jsonFields(someJson.out())).isEqualTo(jsonFields(noneJson.out()));
    }

    /** The top-level field names of a pretty-printed JSON document, in order. */
    private static List<String> jsonFields(String json) {
        return Pattern.compile("(?m)^  \"([A-Za-z]+)\":")
                .matcher(json)
                .results()
                .map(m -> m.group(1))
                .toList();
    }

    private String firstLeakedPaddr() {
        Matcher m = Pattern.compile("\\n  \\d+:\\d+\\s+\\S+\\s+\\d+\\s+0x\\S+\\s+(0x[0-9a-f]+)")
                .matcher(Support.cli("audit", region.toString()).out());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Events (slot entries and markers) of the records with indices in {@code [from, to]}. */
    static long eventsBetween(Path region, long from, long to) {
        JournalEvent e = new JournalEvent();
        long n = 0;
        try (JournalReader r = JournalReader.open(new RegionLayout(region).journal())) {
            while (r.next(e)) {
                n += e.index >= from && e.index <= to ? 1 : 0;
            }
        }
        return n;
    }

    static long indexAt(Path region, int n) {
        JournalEvent e = new JournalEvent();
        List<Long> seen = new ArrayList<>();
        try (JournalReader r = JournalReader.open(new RegionLayout(region).journal())) {
            while (seen.size() <= n && r.next(e)) {
                seen.add(e.index);
            }
        }
        return seen.get(n);
    }
}
