package io.framejournal.tests.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's project: a throwaway Maven project whose pom is made of the README's snippets ("Use it from your
 * project" and the JUnit section's), whose one class is the README's example and whose one test is the README's
 * JUnit example, built and tested by a separate {@code mvn} against our artifacts (installed by this
 * module's build into {@code target/consumer-repo}, never into ~/.m2), then run with the README's JVM flags.
 * Third-party jars come from ~/.m2 as a read-only file:// repository first, then Maven Central.
 */
class ConsumerProjectTest {
    @TempDir
    Path tmp;

    static Path target() {
        return ReadmeBlocks.root().resolve("tests/target");
    }

    @Test
    void the_readme_pom_and_example_build_and_run_in_a_separate_project() throws Exception {
        Path project = target().resolve("consumer-project");
        deleteTree(project);
        Files.createDirectories(project.resolve("src/main/java/com/example"));
        Files.createDirectories(project.resolve("src/test/java"));
        // the README's pom (dependencies and pinned build plugins), with the JUnit section's additions where it says
        String pom = ReadmeBlocks.block("consumer-pom");
        int end = pom.lastIndexOf("</dependencies>");
        pom = pom.substring(0, end) + ReadmeBlocks.block("junit-dependencies") + pom.substring(end);
        end = pom.lastIndexOf("  </plugins>");
        pom = pom.substring(0, end) + ReadmeBlocks.block("junit-surefire") + pom.substring(end);
        Files.writeString(
                project.resolve("pom.xml"),
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """
                        + pom + "</project>\n");
        Files.writeString(
                project.resolve("src/main/java/com/example/Example.java"), ReadmeBlocks.block("consumer-example"));
        Files.writeString(project.resolve("src/test/java/FrameHandlingTest.java"), ReadmeBlocks.block("junit-example"));
        Files.copy(ReadmeBlocks.root().resolve("config/chronicle.jvmopts"), project.resolve("chronicle.jvmopts"));
        String home = System.getProperty("user.home");
        Files.writeString(
                project.resolve("settings.xml"),
                """
                <settings>
                  <profiles>
                    <profile>
                      <id>m2-cache</id>
                      <repositories>
                        <repository>
                          <id>m2-cache</id>
                          <url>file://%1$s/.m2/repository</url>
                          <snapshots><enabled>false</enabled></snapshots>
                        </repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository>
                          <id>m2-cache</id>
                          <url>file://%1$s/.m2/repository</url>
                          <snapshots><enabled>false</enabled></snapshots>
                        </pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>m2-cache</activeProfile></activeProfiles>
                </settings>
                """
                        .formatted(home));

        Path repo = target().resolve("consumer-repo");
        assertThat(repo.resolve("io/framejournal/framejournal-bom"))
                .as("installed by this module's build")
                .isDirectory();
        Path cpFile = project.resolve("classpath.txt");
        Run build = run(
                project,
                600,
                List.of(
                        "mvn",
                        "-B",
                        "-q",
                        "-ntp",
                        "-Dstyle.color=never",
                        "-s",
                        "settings.xml",
                        "-Dmaven.repo.local=" + repo,
                        "test",
                        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                        "-Dmdep.outputFile=" + cpFile,
                        "-Dmdep.includeScope=runtime"));
        assertThat(build.exit()).as("consumer build:\n%s", build.out()).isZero();
        // the README's JUnit example ran as the consumer's own test, with the README's Surefire configuration
        String report = Files.readString(project.resolve("target/surefire-reports/TEST-FrameHandlingTest.xml"));
        assertThat(report).contains("tests=\"2\"", "errors=\"0\"", "skipped=\"0\"", "failures=\"0\"");

        String classpath = project.resolve("target/classes")
                + File.pathSeparator
                + Files.readString(cpFile).strip();
        assertThat(chronicleJars(classpath))
                .as("Chronicle as the BOM pins it = what this build tests with")
                .isEqualTo(chronicleJars(System.getProperty("java.class.path")));

        Path region = tmp.resolve("region");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + ReadmeBlocks.root().resolve("config/chronicle.jvmopts")); // as the README says
        cmd.addAll(List.of("-cp", classpath, "com.example.Example", region.toString()));
        Path err = tmp.resolve("err.txt");
        Run example = run(tmp, 120, cmd, err);
        assertThat(Files.readString(err)).as("stderr").isEmpty();
        assertThat(example.exit()).isZero();
        List<String> lines = example.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("SHARED FRAME refCount=1");
        assertThat(lines.get(1)).isEqualTo("{FREE=4095, UNIQUE=0, SHARED=1, BUSY=0, ILLEGAL=0}");
        assertThat(lines.get(2)).startsWith("audit " + region + ": 1 finding(s) in ");
        assertThat(example.out())
                .contains(
                        "leaks:         0 obligation(s) outstanding in 0 handle group(s); 1 raw reference(s) never restored")
                .endsWith("1 finding(s)\n");
    }

    /** The net.openhft jars of a class path, by file name (artifact and version). */
    static Set<String> chronicleJars(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator))
                .filter(p -> p.contains("net" + File.separator + "openhft"))
                .map(p -> Path.of(p).getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    record Run(int exit, String out) {}

    static Run run(Path cwd, long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        return run(cwd, timeoutSeconds, cmd, null);
    }

    static Run run(Path cwd, long timeoutSeconds, List<String> cmd, Path stderr)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(cwd, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile());
        if (stderr == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(stderr.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.delete(out);
        return new Run(p.exitValue(), text);
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var all = Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
