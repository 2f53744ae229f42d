package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
