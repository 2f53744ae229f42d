package io.framejournal.tests.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JvmFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chronicle's JVM flags: one list in three places, and a clear failure (with nothing on disk) without them. */
class JvmFlagsTest {
    @TempDir
    Path tmp;

    static Path root() {
        return Path.of(System.getProperty("framejournal.root")).toAbsolutePath().normalize();
    }

    @Test
    void this_jvm_has_every_flag() {
        assertThat(JvmFlags.missing()).isEmpty();
    }

    @Test
    void the_readmes_jvm_flags_section_lists_exactly_the_flags_the_check_requires_and_counts_them() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int at = readme.indexOf("\n## JVM flags\n");
        assertThat(at).as("the section the missing-flags message points to").isPositive();
        String section = readme.substring(at + 1, readme.indexOf("\n## ", at + 1));
        List<String> listed = section.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("--add-"))
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(JvmFlags.commandLineFlags());
        assertThat(JvmFlags.commandLineFlags()).hasSize(12);
        assertThat(section).startsWith("## JVM flags\n\nChronicle needs twelve flags");
    }

    @Test
    void the_argfile_and_the_jar_manifest_list_exactly_the_flags_the_check_requires() throws IOException {
        List<String> argfile = Files.readAllLines(root().resolve("config/chronicle.jvmopts")).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("--add-"))
                .toList();
        assertThat(argfile).containsExactlyInAnyOrderElementsOf(JvmFlags.commandLineFlags());

        try (JarFile jar = new JarFile(
                root().resolve("replay-tool/target/framejournal.jar").toFile())) {
            Manifest mf = jar.getManifest();
            assertThat(mf.getMainAttributes().getValue("Add-Opens")).isEqualTo(JvmFlags.manifestAddOpens());
            assertThat(mf.getMainAttributes().getValue("Add-Exports")).isEqualTo(JvmFlags.manifestAddExports());
            assertThat(mf.getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        }
    }

    @Test
    void the_check_can_be_switched_off_and_chronicle_then_fails_on_its_own() throws Exception {
        Path dir = tmp.resolve("region");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + JvmFlags.CHECK_PROPERTY + "=false",
                "-cp",
                System.getProperty("java.class.path"),
                NoFlagsChild.class.getName(),
                "create",
                dir.toString());
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // not our one-line message (exit 0) but whatever Chronicle throws without its flags (exit 3)
        assertThat(p.exitValue()).as(Files.readString(out)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"create", "open", "recover"})
    void without_the_flags_the_first_call_fails_with_one_message_that_names_them_and_creates_nothing(String call)
            throws Exception {
        Path dir = tmp.resolve("region");
        if (!call.equals("create")) {
            Files.createDirectories(dir); // an empty directory: not a region, and it must stay empty
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                NoFlagsChild.class.getName(),
                call,
                dir.toString()));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed.strip().lines()).hasSize(1);
        assertThat(printed)
                .contains("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
                .contains("this JVM lacks 11 of the 12 flags Chronicle needs") // sun.misc is exported by default
                .contains("the FrameJournal README's \"JVM flags\" section lists them")
                .contains("config/chronicle.jvmopts in its repository")
                .contains("Add-Opens: " + JvmFlags.manifestAddOpens())
                .contains("Add-Exports: " + JvmFlags.manifestAddExports());
        if (call.equals("create")) {
            assertThat(dir).doesNotExist();
        } else {
            assertThat(dir).isEmptyDirectory();
        }
    }
}
