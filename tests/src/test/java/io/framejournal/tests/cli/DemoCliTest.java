package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, through the real jar: a child JVM killed with SIGKILL, then recovery and audit. */
class DemoCliTest {
    @TempDir
    Path tmp;

    @Test
    void demoKillsRecoversAndAuditsAndFindsEveryInjectedLeak() {
        Path home = tmp.resolve("demo");
        Result r = JarRunner.jar(JarRunner.root(), 120, "demo", "--dir", home.toString());
        assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
        assertThat(r.out())
                .contains("killed the child with SIGKILL")
                .contains("region status: open (writer died)")
                .contains("Recovery:")
                .contains("Audit:")
                .contains("bin/framejournal history " + home.resolve("region"));
        Matcher m = Pattern.compile("audit found (\\d+) of the (\\d+) injected handles still owing obligations, and"
                        + " (\\d+) of the (\\d+) injected raw references never restored")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(1)).isEqualTo(m.group(2));
        assertThat(m.group(3)).isEqualTo(m.group(4));
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        Path region = home.resolve("region");
        assertThat(Files.isDirectory(region)).isTrue();

        java.util.Map<String, String> recovered = FileHashes.of(region);
        Result audit = JarRunner.jar(JarRunner.root(), 60, "audit", region.toString());
        assertThat(audit.exit())
                .as("the kept region still shows what the crash left")
                .isEqualTo(1);
        assertThat(audit.out()).contains("closed cleanly").contains("divergence:    0 slot(s) (full check");
        Result again = JarRunner.jar(JarRunner.root(), 60, "recover", region.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already clean");
        assertThat(FileHashes.of(region))
                .as("audit and a second recover change no byte")
                .isEqualTo(recovered);
    }

    /**
     * Bad {@code --dir} and {@code --events} are one line (no Chronicle log line) before anything is made, and a demo
     * that fails after making its directory takes it away again: nothing under java.io.tmpdir, no half-made --dir.
     */
    @Test
    void badInputIsOneLineAndAFailedDemoLeavesNothingBehind() throws IOException {
        Path scratch = Files.createDirectories(tmp.resolve("java-tmp"));
        Path file = Files.writeString(tmp.resolve("file"), "mine\n");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine\n");
        String[][] bad = {
            {"--dir", file.toString()},
            {"--dir", full.toString()},
            {"--dir", ""},
            {"--events", "0"},
            {"--events", "-1"},
        };
        for (String[] args : bad) {
            Result r = demo(scratch, null, args);
            assertThat(r.exit()).as("%s%n%s", String.join(" ", args), r.err()).isEqualTo(2);
            assertThat(r.errLines())
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: ")
                    .doesNotContain("WARN")
                    .doesNotContain("net.openhft")
                    .doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
        assertThat(Files.readString(file)).isEqualTo("mine\n");
        try (var s = Files.list(full)) {
            assertThat(s.toList()).containsExactly(full.resolve("notes.txt"));
        }

        Path nowhere = tmp.resolve("no-repository-here");
        Result failed = demo(scratch, nowhere, "--events", "100");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(2);
        assertThat(failed.errLines()).singleElement().asString().contains("cannot find " + nowhere);
        Path made = tmp.resolve("made-by-the-demo");
        Result failedInDir = demo(scratch, nowhere, "--events", "100", "--dir", made.toString());
        assertThat(failedInDir.exit()).as(failedInDir.err()).isEqualTo(2);
        assertThat(made).doesNotExist();
        try (var s = Files.list(scratch)) {
            assertThat(s.toList())
                    .as("no framejournal-demo* left in java.io.tmpdir")
                    .isEmpty();
        }
    }

    /** {@code demo args} through the jar with its own java.io.tmpdir (and framejournal.root, when given). */
    private Result demo(Path javaTmp, Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JarRunner.root().resolve("config/chronicle.jvmopts"),
                "-Djava.io.tmpdir=" + javaTmp));
        if (root != null) {
            cmd.add("-Dframejournal.root=" + root);
        }
        cmd.addAll(List.of("-jar", JarRunner.jar().toString(), "demo"));
        cmd.addAll(List.of(args));
        return JarRunner.exec(tmp, 60, cmd);
    }
}
