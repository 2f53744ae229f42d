package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.replay.analysis.History;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.TextRenderer;
import io.framejournal.replay.sim.Simulator;
import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code framejournal history --frame N} on a clean region prints, through the real jar, exactly the report of the
 * chain walked through Chronicle's tailer, while the JVM loads no class of Chronicle (nor of JNA/jnr, which Chronicle
 * brings) at all: the records were found in the queue files' own index.
 */
class HistoryWithoutChronicleCliTest {
    @TempDir
    Path tmp;

    @Test
    void history_of_a_frame_loads_nothing_of_chronicle_and_prints_the_tailer_walks_report() throws Exception {
        Path dir = tmp.resolve("r");
        new Simulator(dir).maxPaddr(1L << 20).threads(2).ops(20_000).run();
        Map<String, String> before = FileHashes.of(dir);
        RegionInput region = RegionInput.open(dir);
        int checked = 0;
        for (int frame : new int[] {0, 3, 17, 100, 255}) {
            History.Report reference = History.chainOnly(region, frame, false);
            if (reference == null) {
                continue; // a frame whose history needs the whole journal (e.g. obligations left): not this test's
            }
            Path log = tmp.resolve("classes-" + frame + ".log");
            Result text = run(log, "history", dir.toString(), "--frame", Integer.toString(frame));
            assertThat(text.exit()).as(text.err()).isZero();
            assertThat(text.err()).isEmpty();
            assertThat(text.out()).isEqualTo(rendered(reference));
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded").hasSizeGreaterThan(100);
            assertThat(loaded)
                    .as("no Chronicle class loaded")
                    .noneMatch(l -> l.contains(" net.openhft.") || l.contains(" com.sun.jna.") || l.contains(" jnr."));
            Result json = run(
                    tmp.resolve("json.log"), "history", dir.toString(), "--frame", Integer.toString(frame), "--json");
            assertThat(json.out().strip()).isEqualTo(JsonRenderer.history(reference));
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(3);
        assertThat(FileHashes.of(dir)).as("read-only").isEqualTo(before);
    }

    private static Result run(Path classLog, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                "-Xlog:class+load=info:file=" + classLog,
                "-jar",
                JarRunner.jar().toString()));
        cmd.addAll(List.of(args));
        return JarRunner.exec(JarRunner.root(), 60, cmd);
    }

    private static String rendered(History.Report r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new TextRenderer(out).history(r);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
