package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code framejournal} with no command is bad usage (usage on stderr, exit 2); {@code --help} is not. */
class UsageCliTest {
    @TempDir
    Path tmp;

    @Test
    void no_command_prints_the_usage_on_stderr_and_exits_2() {
        Result r = JarRunner.jar(tmp, 60);
        assertThat(r.exit()).as("stderr %s", r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines().get(0)).isEqualTo("framejournal: no command given; run one of the commands below");
        assertThat(r.err())
                .contains("Usage: framejournal [-hV] COMMAND", "audit ", "recover ", "Exit codes: 0 clean")
                .doesNotContain("\tat ");
    }

    @Test
    void help_prints_the_usage_on_stdout_and_exits_0() {
        Result r = JarRunner.jar(tmp, 60, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("Usage: framejournal [-hV] COMMAND").contains("audit ", "Exit codes: 0 clean");
    }

    /**
     * On a terminal that understands no escape codes ({@code TERM=dumb}, or no {@code TERM} at all: an Emacs shell, a
     * CI log on a pseudo-terminal) the help is plain text. Run under {@code script}, which gives the command a
     * pseudo-terminal for stdin and stdout (picocli colours the help only on a console); skipped without it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dumb", ""})
    void theHelpHasNoEscapeCodesOnADumbTerminal(String term) {
        assumeTrue(JarRunner.succeeds("script", "-qec", "true", "/dev/null"), "no util-linux script(1) here");
        String command = JarRunner.command("audit", "--help").stream()
                .map(w -> "'" + w.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        Result r = JarRunner.exec(tmp, 60, List.of("script", "-qec", command, "/dev/null"), Map.of("TERM", term));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Usage: framejournal audit").doesNotContain("\u001b");
    }

    /**
     * Every subcommand's {@code --help} and {@code --version} (and {@code -h}, {@code -V}): exit 0, on stdout, nothing
     * on stderr. In this JVM ({@code FrameJournalCli.run}, what the jar's {@code main} runs: it picks the streams and the exit
     * codes): thirty JVMs would take half a minute.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "simulate",
                "recover",
                "checkpoint",
                "retain",
                "audit",
                "history",
                "state",
                "dump",
                "diff",
                "stats",
                "report",
                "export",
                "sql",
                "demo",
                "generate-completion"
            })
    void everyCommandsHelpAndVersionGoToStdoutWithExit0(String command) {
        for (String flag : List.of("--help", "-h")) {
            Result help = JarRunner.inProcess(command, flag);
            assertThat(help.exit()).as(help.err()).isZero();
            assertThat(help.err()).isEmpty();
            assertThat(help.out()).contains("Usage: framejournal " + command);
        }
        for (String flag : List.of("--version", "-V")) {
            Result version = JarRunner.inProcess(command, flag);
            assertThat(version.exit()).as(version.err()).isZero();
            assertThat(version.err()).isEmpty();
            assertThat(version.out()).startsWith("framejournal ").contains("(journal format ");
        }
    }
}
