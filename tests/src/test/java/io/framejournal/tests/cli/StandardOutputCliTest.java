package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Standard output as a script meets it: a full device ({@code > /dev/full}) is one line on stderr and exit 2, never a
 * silent success; a pipe whose reader has gone ({@code | head -1}) is no error: no stack trace, no "Broken pipe", and
 * the command's own exit code. ({@code dump --follow | head -1} is in {@link FollowCliTest}.)
 */
class StandardOutputCliTest {
    private static final Path FULL = Path.of("/dev/full");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "dump data/sample",
                "dump data/sample --json",
                "audit data/sample --json",
                "stats data/sample",
                "report data/sample -o -",
                "--help",
                "history --version"
            })
    void aFullStandardOutputIsOneLineAndExit2(String command) {
        assumeTrue(Files.exists(FULL), "no /dev/full here");
        Result r = JarRunner.jarWithStdout(JarRunner.root(), 120, FULL, command.split(" "));
        JarRunner.assertOneLineError(r, "cannot write standard output: no space left on device");
    }

    /** Each with the exit code of a whole run (the sample's audit has findings). */
    @ParameterizedTest
    @CsvSource({"dump data/sample, 0", "dump data/sample --json, 0", "audit data/sample, 1", "--help, 0"})
    void aReaderThatStopsAfterOneLineGetsNoNoiseAndTheCommandsExitCode(String command, int expected)
            throws IOException, InterruptedException {
        List<String> args = List.of(command.split(" "));
        Path err = Files.createTempFile("fj-err", ".txt");
        try {
            Process p = new ProcessBuilder(JarRunner.command(args.toArray(String[]::new)))
                    .directory(JarRunner.root().toFile())
                    .redirectError(err.toFile())
                    .start();
            try (BufferedReader head =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(head.readLine()).isNotBlank();
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(err)).as("stderr").isEmpty();
            assertThat(p.exitValue()).as("the exit code of a whole run").isEqualTo(expected);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
