package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Call sites through the real jar: audit groups by site, history names sites, leaked handles their creation site. */
class CallSitesCliTest {
    @TempDir
    Path tmp;

    @Test
    void audit_groups_leaks_by_call_site_and_history_names_the_site() throws Exception {
        Path dir = tmp.resolve("sim");
        Result sim = JarRunner.jar(
                tmp,
                120,
                "simulate",
                "--dir",
                dir.toString(),
                "--max-paddr",
                "0x400000",
                "--ops",
                "2000",
                "--seed",
                "7",
                "--leak-rate",
                "0.01",
                "--leak-detection",
                "paranoid");
        assertThat(sim.exit()).as(sim.err()).isZero();
        Map<String, String> before = FileHashes.of(dir);

        Result audit = JarRunner.jar(tmp, 60, "audit", dir.toString());
        assertThat(audit.exit()).isEqualTo(1);
        assertThat(audit.err()).isEmpty();
        assertThat(audit.out())
                .contains("Outstanding by call site")
                .contains("      at Simulator$Worker.step(Simulator.java:")
                .containsPattern("1:57 +FRAME_FROM_UNUSED .*#\\d+ Simulator\\$Worker\\.step\\(Simulator\\.java:\\d+\\)")
                .containsPattern("FRAME_INTO_RAW .*#\\d+ Simulator\\$Worker\\.step\\(Simulator\\.java:\\d+\\)")
                .doesNotContain("no site recorded");

        Result json = JarRunner.jar(tmp, 60, "audit", dir.toString(), "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out())
                .contains("\"bySite\"")
                .contains("\"class\": \"io.framejournal.replay.sim.Simulator$Worker\"")
                .contains("\"text\": \"io.framejournal.replay.sim.Simulator$Worker.step(Simulator.java:")
                .containsPattern("\"handleText\": \"1:57\",[^}]*\"site\": \\d+");

        Result history = JarRunner.jar(tmp, 60, "history", dir.toString(), "--paddr", "0x15000");
        assertThat(history.exit()).isZero();
        assertThat(history.out()).contains("CALL SITE").containsPattern("MINT .*#\\d+ Simulator\\$Worker\\.");
        assertThat(FileHashes.of(dir)).as("read-only commands change nothing").isEqualTo(before);

        // a damaged site table: the audit still groups by site id, and says what is wrong with the table
        Files.writeString(new RegionLayout(dir).sites(), "garbage\n");
        Result damaged = JarRunner.jar(tmp, 60, "audit", dir.toString());
        assertThat(damaged.exit()).as("a warning is exit 2").isEqualTo(2);
        assertThat(damaged.err())
                .startsWith("framejournal: warning: call-site table: ")
                .hasLineCount(1);
        assertThat(damaged.out()).contains("Outstanding by call site").contains("not in the region's site table");
        Result damagedJson = JarRunner.jar(tmp, 60, "audit", dir.toString(), "--json");
        assertThat(damagedJson.exit()).isEqualTo(2);
        assertThat(damagedJson.out()).containsPattern("\"warnings\": \\[\\s*\"call-site table: ");
    }

    @Test
    void sampled_default_and_disabled() throws Exception {
        Path sampled = tmp.resolve("sampled");
        assertThat(JarRunner.jar(
                                tmp,
                                120,
                                "simulate",
                                "--dir",
                                sampled.toString(),
                                "--ops",
                                "2000",
                                "--seed",
                                "7",
                                "--leak-rate",
                                "0.01")
                        .exit())
                .isZero();
        assertThat(Files.exists(new RegionLayout(sampled).sites())).isTrue();
        Path disabled = tmp.resolve("disabled");
        assertThat(JarRunner.jar(
                                tmp,
                                120,
                                "simulate",
                                "--dir",
                                disabled.toString(),
                                "--ops",
                                "2000",
                                "--seed",
                                "7",
                                "--leak-rate",
                                "0.01",
                                "--leak-detection",
                                "disabled")
                        .exit())
                .isZero();
        assertThat(Files.exists(new RegionLayout(disabled).sites())).isFalse();
        Result audit = JarRunner.jar(tmp, 60, "audit", disabled.toString());
        assertThat(audit.out()).contains("call sites:    none recorded");
    }

    private static long leakOneFrame(FrameAllocOptions alloc) {
        Frame<NoMeta> f = alloc.allocFrame();
        return f.handleId();
    }

    @Test
    void a_handle_dropped_without_close_reports_where_it_was_created() throws Exception {
        Path dir = tmp.resolve("leak");
        MetaRegion region = MetaRegion.create(
                dir, RegionConfig.of(1L << 20), RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID));
        long leaked = leakOneFrame(new FrameAllocOptions(region));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return leakedHandleJournaled(dir, leaked);
                });
        region.close();
        Result audit = JarRunner.jar(tmp, 60, "audit", dir.toString());
        assertThat(audit.out())
                .contains("CREATED AT")
                .containsPattern(
                        "FRAME_FROM_UNUSED .*#1 CallSitesCliTest\\.leakOneFrame\\(CallSitesCliTest\\.java:\\d+\\)");
    }

    private static boolean leakedHandleJournaled(Path dir, long handle) {
        try (JournalReader r = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (r.next(e)) {
                if (e.kind == EventKind.LEAKED_HANDLE && e.handle == handle) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A site table from someone else's machine: escapes and controls in its strings never reach the terminal raw. */
    @Test
    void hostile_site_strings_are_escaped_in_text_and_json() throws Exception {
        Path dir = tmp.resolve("hostile");
        try (MetaRegion region = MetaRegion.create(
                dir, RegionConfig.of(1L << 20), RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID))) {
            Frame<NoMeta> kept = new FrameAllocOptions(region).allocFrame(); // site 1, left outstanding
            kept.clone().intoRaw(); // sites 2 and 3
        }
        String evil = "\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\r\n";
        writeSites(dir, List.of(entry(1, "x." + evil, "m" + evil, evil, 7), entry(2, "y.Y", evil, "Y.java", 8)));
        Map<String, String> before = FileHashes.of(dir);
        for (List<String> args : List.of(
                List.of("audit", dir.toString()),
                List.of("audit", dir.toString(), "--json"),
                List.of("history", dir.toString(), "--frame", "0"),
                List.of("history", dir.toString(), "--frame", "0", "--json"),
                List.of("dump", dir.toString()))) {
            Result r = JarRunner.jar(tmp, 60, args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", args, r.err()).isIn(0, 1);
            assertThat(r.err()).as("%s", args).doesNotContain("Exception").doesNotContain("\tat ");
            for (String stream : List.of(r.out(), r.err())) {
                assertThat(stream.chars())
                        .as("%s prints no control character but newlines", args)
                        .noneMatch(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) || c == 0x202e);
            }
            if (args.get(0).equals("audit") && args.size() == 2) {
                assertThat(r.out()).contains("\\u001b]0;owned\\u0007").contains("#3 (not in the site table)");
            }
            if (args.contains("--json") && args.get(0).equals("audit")) {
                assertThat(r.out()).containsIgnoringCase("\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202eevil\\r\\n");
            }
        }
        assertThat(FileHashes.of(dir)).isEqualTo(before);
    }

    private static void writeSites(Path dir, List<byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {'F', 'J', 'S', 'I', 'T', 'E', 'S', 0})
                .putShort((short) 1)
                .putShort((short) 0);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, 12);
        h.putInt((int) c.getValue());
        out.write(h.array());
        for (byte[] e : entries) {
            out.write(e);
        }
        Files.write(new RegionLayout(dir).sites(), out.toByteArray());
    }

    private static byte[] entry(int id, String cls, String method, String file, int line) {
        List<byte[]> s = new ArrayList<>();
        for (String x : new String[] {cls, method, file}) {
            s.add(x.getBytes(StandardCharsets.UTF_8));
        }
        int len = 24 + 8 + 6 + s.get(0).length + s.get(1).length + s.get(2).length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(len).putInt(0).putInt(id).putLong(id).putShort((short) 1).putShort((short) 0);
        b.putInt(line).putInt(0);
        for (byte[] x : s) {
            b.putShort((short) x.length).put(x);
        }
        CRC32C c = new CRC32C();
        c.update(b.array(), 8, len - 8);
        b.putInt(4, (int) c.getValue());
        return b.array();
    }
}
