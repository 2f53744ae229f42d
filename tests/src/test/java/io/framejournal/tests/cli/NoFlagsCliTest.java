package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jar without {@code config/chronicle.jvmopts}: {@code java -jar} works from the manifest; {@code -cp} fails clearly. */
class NoFlagsCliTest {
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void java_dash_jar_without_flags_audits_the_sample_exactly_and_prints_nothing_on_stderr() throws Exception {
        Path root = JarRunner.root();
        Result r =
                JarRunner.exec(root, 60, List.of(java(), "-jar", JarRunner.jar().toString(), "audit", "data/sample"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(Files.readString(root.resolve("data/sample.audit.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simulate --ops 10 --dir", "demo --dir", "recover"})
    void commands_that_write_fail_before_creating_anything(String command, @TempDir Path tmp) {
        Path dir = tmp.resolve("region");
        List<String> cmd = new ArrayList<>(
                List.of(java(), "-cp", JarRunner.jar().toString(), "io.framejournal.replay.cli.FrameJournalCli"));
        cmd.addAll(List.of(command.split(" ")));
        cmd.add(dir.toString());
        Result r = JarRunner.exec(tmp, 60, cmd);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("this JVM lacks 11 of the 12 flags Chronicle needs", "nothing was created on disk");
        assertThat(dir).doesNotExist();
    }

    @Test
    void on_the_class_path_without_flags_the_cli_says_which_flags_in_one_line() {
        Path root = JarRunner.root();
        Result r = JarRunner.exec(
                root,
                60,
                List.of(
                        java(),
                        "-cp",
                        JarRunner.jar().toString(),
                        "io.framejournal.replay.cli.FrameJournalCli",
                        "audit",
                        "data/sample"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .startsWith("framejournal: this JVM lacks 11 of the 12 flags Chronicle needs")
                .contains("--add-opens=java.base/java.lang=ALL-UNNAMED", "config/chronicle.jvmopts", "Add-Opens: ");
    }
}
