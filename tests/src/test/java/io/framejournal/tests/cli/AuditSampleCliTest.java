package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code framejournal audit data/sample} through the real jar: exactly the expected report, and no byte changed. */
class AuditSampleCliTest {
    @Test
    void auditOfTheSampleIsExactlyTheCommittedExpectation() throws IOException {
        Path root = JarRunner.root();
        Map<String, String> before = FileHashes.of(root.resolve("data/sample"));

        Result text = JarRunner.jar(root, 60, "audit", "data/sample");
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.out()).isEqualTo(Files.readString(root.resolve("data/sample.audit.txt")));
        assertThat(text.err()).isEmpty();

        Result json = JarRunner.jar(root, 60, "audit", "data/sample", "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).isEqualTo(Files.readString(root.resolve("data/sample.audit.json")));

        for (String cmd : new String[] {"stats", "dump", "state"}) {
            assertThat(JarRunner.jar(root, 60, cmd, "data/sample").exit())
                    .as(cmd)
                    .isZero();
        }
        assertThat(FileHashes.of(root.resolve("data/sample"))).isEqualTo(before);
    }
}
