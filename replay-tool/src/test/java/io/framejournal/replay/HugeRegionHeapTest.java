package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayState;
import io.framejournal.replay.Support.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regions that claim many frames (up to 2^28, 1 TiB): {@code export} costs what the journal touches, not a row of
 * every frame held in memory (its {@code slots} table kept all 2^28 rows, 8 longs each, before writing them: an
 * OutOfMemoryError on any heap short of tens of GiB, 2026-11-28), and a replay that could need more heap than the JVM
 * has is refused by every replaying command, before it reads anything, in one line that says how much and how to give
 * it (Surefire's heap is 4 GiB).
 */
class HugeRegionHeapTest {
    @TempDir
    Path tmp;

    /**
     * 2^24 frames rather than 2^28 (the same code, a 16th of the 30 s it takes to write them), exported by a JVM of
     * 256 MiB: the rows held before the fix (8 longs, 2 strings and 10 flags a frame) took over 1 GiB.
     */
    @Test
    void exportOfARegionClaimingManyFramesWritesEveryFrameWithoutHoldingThemAll() throws Exception {
        int frames = 1 << 24;
        Path dir = Support.craftedRegion(tmp.resolve("few"), frames, 0, frames - 1, 0);
        Path out = tmp.resolve("few-export");
        Result r = childJvm("-Xmx256m", "export", dir.toString(), "--to", out.toString(), "--json");
        // exit 2 for the warning of a missing slot table (the region has none), after the export
        assertThat(r.errLines()).as(r.err()).allSatisfy(line -> assertThat(line)
                .startsWith("framejournal: warning: ")
                .contains("slot table"));
        assertThat(r.out()).contains("\"slots\": " + frames);
        assertThat(Support.cli("sql", out.toString(), "SELECT count(*), max(slot) FROM slots")
                        .out())
                .contains(String.valueOf(frames))
                .contains(String.valueOf(frames - 1));
    }

    /** The CLI in a JVM of its own, with this heap option, on the test class path. */
    private static Result childJvm(String heap, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Support.root().resolve("config/chronicle.jvmopts"),
                heap,
                "-cp",
                System.getProperty("java.class.path"),
                "io.framejournal.replay.cli.FrameJournalCli"));
        cmd.addAll(List.of(args));
        Path stdout = Files.createTempFile("heap-test", ".out");
        Path stderr = Files.createTempFile("heap-test", ".err");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            int exit = p.waitFor();
            return new Result(exit, Files.readString(stdout), Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    @Test
    void aReplayThatCouldOutgrowTheHeapIsRefusedUpFrontByEveryReplayingCommand() throws Exception {
        // 9,000 calls, each on a frame of its own page: up to 18,000 pages of 4,096 frames, 5.6 GiB a state
        Path dir = Support.craftedRegion(
                tmp.resolve("many"),
                ReplayState.MAX_SLOTS,
                java.util.stream.IntStream.range(0, 9_000).map(i -> i * 4096).toArray());
        String d = dir.toString();
        Path out = tmp.resolve("many-export");
        List<List<String>> commands = List.of(
                List.of("export", d, "--to", out.toString()),
                List.of("sql", d, "SELECT count(*) FROM slots"),
                List.of("audit", d),
                List.of("stats", d),
                List.of("state", d),
                List.of("report", d, "-o", tmp.resolve("many.html").toString()),
                List.of("diff", d, "--to", "0x" + Long.toHexString(first(dir) + 10)));
        for (List<String> args : commands) {
            Result r = Support.cli(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", args, r.err()).isEqualTo(2);
            assertThat(r.out()).as("%s", args).isEmpty();
            assertThat(r.errLines())
                    .as("%s", args)
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: " + args.get(0) + " of " + d + " may need up to ")
                    .contains("frames, the most its journal can touch of the region's 268,435,456")
                    .contains("more than this JVM's")
                    .containsPattern("run it with FRAMEJOURNAL_JAVA_OPTS=-Xmx[0-9]+g \\(java -Xmx[0-9]+g -jar …\\)")
                    .doesNotContain("OutOfMemoryError")
                    .doesNotContain("\tat ");
        }
        assertThat(Files.exists(out)).as("nothing written").isFalse();
        assertThat(Files.exists(tmp.resolve("many.html"))).isFalse();
    }

    private static long first(Path dir) {
        try (var r = io.framejournal.journal.JournalReader.open(new RegionLayout(dir).journal())) {
            return r.firstIndex();
        }
    }
}
