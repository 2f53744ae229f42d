package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/framejournal audit data/sample} under the newest JDK installed beside the one running the build
 * (e.g. /usr/lib/jvm/temurin-25-jdk-amd64): the exact expected report and an empty stderr, i.e. the launcher adds
 * what that JDK needs (native access, sun.misc.Unsafe memory access) and nothing warns. Skipped, saying so, when
 * no newer JDK is installed.
 */
class NewestJdkCliTest {
    private static final Pattern FEATURE = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    /** The JDK with the highest feature version under the directory holding this JVM's, if newer than this one. */
    static Optional<Path> newestJdk() throws IOException {
        Path current = Path.of(System.getProperty("java.home")).toRealPath();
        int currentFeature = Runtime.version().feature();
        try (Stream<Path> homes = Files.list(current.getParent())) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")))
                    .filter(h -> feature(h) > currentFeature)
                    .max(Comparator.comparingInt(NewestJdkCliTest::feature));
        }
    }

    static int feature(Path home) {
        try {
            Matcher m = FEATURE.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void the_sample_audit_under_the_newest_jdk_prints_the_expected_report_and_nothing_on_stderr() throws IOException {
        Optional<Path> jdk = newestJdk();
        assumeTrue(
                jdk.isPresent(),
                () -> "no JDK newer than " + Runtime.version().feature() + " is installed beside "
                        + System.getProperty("java.home") + "; nothing to test");
        Path root = JarRunner.root();
        Result r = JarRunner.exec(
                root,
                120,
                List.of(
                        "env",
                        "JAVA_HOME=" + jdk.get(),
                        "FRAMEJOURNAL_NO_BUILD=1",
                        root.resolve("bin/framejournal").toString(),
                        "audit",
                        "data/sample"));
        assertThat(r.err()).as("stderr under %s", jdk.get()).isEmpty();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(Files.readString(root.resolve("data/sample.audit.txt")));
    }

    @Test
    void the_launcher_under_the_build_jdk_is_just_as_quiet() throws IOException {
        Path root = JarRunner.root();
        Result r = JarRunner.exec(
                root,
                120,
                List.of(
                        "env",
                        "JAVA_HOME=" + System.getProperty("java.home"),
                        "FRAMEJOURNAL_NO_BUILD=1",
                        root.resolve("bin/framejournal").toString(),
                        "audit",
                        "data/sample"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(Files.readString(root.resolve("data/sample.audit.txt")));
    }

    @Test
    void the_launcher_generates_a_bash_completion_script_that_knows_every_subcommand(@TempDir Path tmp)
            throws IOException {
        Path root = JarRunner.root();
        Result r = JarRunner.exec(
                root,
                60,
                List.of(
                        "env",
                        "FRAMEJOURNAL_NO_BUILD=1",
                        "JAVA_HOME=" + System.getProperty("java.home"),
                        root.resolve("bin/framejournal").toString(),
                        "generate-completion"));
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .startsWith("#!/usr/bin/env bash")
                .contains("simulate", "recover", "audit", "history", "state", "dump", "stats", "demo");
        Path script = Files.writeString(tmp.resolve("framejournal_completion"), r.out());
        Result sourced =
                JarRunner.exec(root, 60, List.of("bash", "-c", "source '" + script + "' && complete -p framejournal"));
        assertThat(sourced.exit()).isZero();
        assertThat(sourced.out()).contains("-F _complete_framejournal framejournal");
    }
}
