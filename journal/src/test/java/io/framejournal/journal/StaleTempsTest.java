package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftovers of killed processes are removed by the next one; a live process's are kept. */
class StaleTempsTest {
    @TempDir
    Path tmp;

    @Test
    void only_the_leftovers_of_processes_that_are_gone_are_deleted() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long dead = ended.pid();
        long alive = ProcessHandle.current().pid();
        Path deadFile = Files.writeString(tmp.resolve(".0000000000000001.fjcp.tmp-" + dead), "x");
        Path liveFile = Files.writeString(tmp.resolve(".0000000000000002.fjcp.tmp-" + alive), "x");
        Path deadDir =
                Files.createDirectories(tmp.resolve(".r.creating-" + dead).resolve("journal"));
        Files.writeString(deadDir.resolve("f"), "x");
        Path other = Files.writeString(tmp.resolve("0000000000000001.fjcp"), "x");

        assertThat(StaleTemps.deleteOfDeadProcesses(tmp, Pattern.compile("^\\..+\\.tmp-(\\d+)$")))
                .isEqualTo(1);
        assertThat(deadFile).doesNotExist();
        assertThat(liveFile).as("this process is alive").exists();
        assertThat(StaleTemps.deleteOfDeadProcesses(tmp, Pattern.compile("^\\Q.r.creating-\\E(\\d+)$")))
                .isEqualTo(1);
        assertThat(deadDir.getParent()).doesNotExist();
        assertThat(other).exists();
    }
}
