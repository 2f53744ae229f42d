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

    /**
     * The temporary directories commands delete when done (a slot table's geometry probe, 42 MB for a 2 GiB region, on
     * every {@code recover}; a journal's padded copy; an expanded archive; a database spill) stayed in java.io.tmpdir for
     * good when the command was killed (found 2026-11-27 by exploratory crash testing: 22 left after a morning of
     * killed recoveries). They carry the pid now, and making one deletes those of processes that are gone.
     */
    @Test
    void a_temporary_directory_of_a_killed_process_is_deleted_when_the_next_one_is_made() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        String prefix = "framejournal-staletest" + Long.toHexString(System.nanoTime());
        Path root = Path.of(System.getProperty("java.io.tmpdir"));
        Path dead = Files.createDirectories(root.resolve(prefix + "-" + ended.pid() + "-123"));
        Files.writeString(dead.resolve("probe.cm3"), "x");
        Path live = Files.createDirectories(
                root.resolve(prefix + "-" + ProcessHandle.current().pid() + "-456"));
        Path made = null;
        try {
            made = StaleTemps.createTempDirectory(prefix);
            assertThat(dead).as("its process is gone").doesNotExist();
            assertThat(live).as("this process is alive").exists();
            assertThat(made.getFileName().toString())
                    .startsWith(prefix + "-" + ProcessHandle.current().pid() + "-");
        } finally {
            Trees.deleteQuietly(dead);
            Trees.deleteQuietly(live);
            if (made != null) {
                Trees.deleteQuietly(made);
            }
        }
    }
}
