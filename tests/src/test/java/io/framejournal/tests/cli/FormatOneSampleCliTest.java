package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Old evidence stays readable: every read-only command reads the format-1 sample ({@code data/v1-sample}, one record
 * per event, BEGIN/END markers) through the real jar, and the writers refuse it with one line, changing nothing.
 */
class FormatOneSampleCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyReadOnlyCommandReadsAFormatOneRegion() throws IOException {
        Path root = JarRunner.root();
        Map<String, String> before = FileHashes.of(root.resolve("data/v1-sample"));

        Result audit = JarRunner.jar(root, 60, "audit", "data/v1-sample");
        assertThat(audit.exit()).isEqualTo(1);
        assertThat(audit.out())
                .isEqualTo(Files.readString(root.resolve("data/v1-sample.audit.txt")))
                .contains("torn:          0 compound operation(s), 0 slot(s) mid-operation");
        assertThat(audit.err()).isEmpty();
        assertThat(JarRunner.jar(root, 60, "audit", "data/v1-sample", "--json").out())
                .isEqualTo(Files.readString(root.resolve("data/v1-sample.audit.json")));

        Result dump = JarRunner.jar(root, 60, "dump", "data/v1-sample");
        assertThat(dump.exit()).isZero();
        assertThat(dump.out()).contains("BEGIN").contains("END");
        Result stats = JarRunner.jar(root, 60, "stats", "data/v1-sample");
        assertThat(stats.exit()).isZero();
        assertThat(stats.out()).contains("2,023 records").contains("52.0 bytes/event");
        assertThat(JarRunner.jar(root, 60, "state", "data/v1-sample").exit()).isZero();
        assertThat(JarRunner.jar(root, 60, "history", "data/v1-sample", "--frame", "31")
                        .exit())
                .isZero();
        assertThat(FileHashes.of(root.resolve("data/v1-sample"))).isEqualTo(before);
    }

    @Test
    void writersRefuseAFormatOneRegionWithOneLineAndChangeNothing() throws IOException {
        Path root = JarRunner.root();
        Path copy = tmp.resolve("v1");
        FileHashes.copyTree(root.resolve("data/v1-sample"), copy);
        Map<String, String> before = FileHashes.of(copy);
        Result r = JarRunner.jar(root, 60, "recover", copy.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).contains("format-1 region").doesNotContain("\n");
        assertThat(FileHashes.of(copy)).isEqualTo(before);
    }

    @Test
    void retainRefusesAFormatOneRegionWithOneLineInsteadOfAdvisingACheckpointThatIsRefusedToo() throws IOException {
        Path root = JarRunner.root();
        Path copy = tmp.resolve("v1");
        FileHashes.copyTree(root.resolve("data/v1-sample"), copy);
        Map<String, String> before = FileHashes.of(copy);
        Path archive = tmp.resolve("archive");
        for (String[] args : new String[][] {
            {"retain", copy.toString()}, {"retain", copy.toString(), "--archive", archive.toString()}
        }) {
            Result r = JarRunner.jar(root, 60, args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines())
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: ")
                    .contains("format-1 region: it has no checkpoints")
                    .doesNotContain("framejournal checkpoint");
        }
        assertThat(archive).doesNotExist();
        assertThat(FileHashes.of(copy)).isEqualTo(before);
        Result checkpoint = JarRunner.jar(root, 60, "checkpoint", copy.toString());
        assertThat(checkpoint.exit()).isEqualTo(2);
        assertThat(checkpoint.err()).contains("format-1 region");
    }
}
