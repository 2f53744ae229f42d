package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that was killed but not yet reaped by its parent is a zombie: {@link ProcessHandle#isAlive()} says true,
 * and {@code audit} called the region "LIVE: a writer has it open" (and a follow would have waited for it forever),
 * although the process holds nothing any more (found 2026-11-27 by exploratory testing: a {@code simulate} SIGKILLed
 * from a subshell whose parent had not waited for it).
 */
class WriterIdentityTest {
    @TempDir
    Path dir;

    @Test
    void a_writer_that_exited_but_was_not_reaped_has_died() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        // sh starts a child that exits at once, then becomes `sleep`, which never waits for it: a zombie
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 60").start();
        try {
            long zombie;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))) {
                zombie = Long.parseLong(out.readLine().trim());
            }
            await("the child exits and stays unreaped")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> WriterIdentity.exitedNotReaped(zombie));
            assertThat(ProcessHandle.of(zombie).map(ProcessHandle::isAlive))
                    .as("what Java says of it")
                    .contains(true);
            long started = ProcessHandle.of(zombie)
                    .flatMap(p -> p.info().startInstant())
                    .map(Instant::toEpochMilli)
                    .orElse(0L);
            Files.writeString(dir.resolve(WriterIdentity.FILE), "pid=" + zombie + "\nstarted=" + started + "\n");
            assertThat(WriterIdentity.describe(dir))
                    .isEqualTo("died (pid " + zombie + " has exited; its parent has not reaped it yet)");

            long liveStarted =
                    parent.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            Files.writeString(
                    dir.resolve(WriterIdentity.FILE), "pid=" + parent.pid() + "\nstarted=" + liveStarted + "\n");
            assertThat(WriterIdentity.describe(dir)).isEqualTo("live (pid " + parent.pid() + ")");
        } finally {
            parent.destroyForcibly();
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * {@code region.writer} left behind by session 1's writer (its deletion at the clean close failed), a process that
     * still runs, read while the region is open in session 2 (whose writer died before it recorded itself): before
     * the file named its session, that read as "live (pid …)" of the old process, and {@code audit --follow} would
     * have waited on it.
     */
    @Test
    void a_file_an_earlier_sessions_writer_left_says_nothing_of_the_current_session() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start(); // the old writer, alive and well
        try {
            long started =
                    other.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            new RegionStatus(false, 2, JournalIndex.NONE).write(dir.resolve(RegionLayout.STATUS));
            Path file = dir.resolve(WriterIdentity.FILE);
            String identity = "pid=" + other.pid() + "\nstarted=" + started + "\n";

            Files.writeString(file, identity + "session=1\n");
            assertThat(WriterIdentity.describe(dir))
                    .as("session 1's writer, read in session 2")
                    .isNull();

            Files.writeString(file, identity + "session=2\n");
            assertThat(WriterIdentity.describe(dir)).isEqualTo("live (pid " + other.pid() + ")");

            Files.writeString(file, identity); // written by a build that named no session: taken as it is
            assertThat(WriterIdentity.describe(dir)).isEqualTo("live (pid " + other.pid() + ")");
        } finally {
            other.destroyForcibly();
            assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void a_claim_names_the_session_it_writes_for() throws Exception {
        new RegionStatus(false, 7, JournalIndex.NONE).write(dir.resolve(RegionLayout.STATUS));
        WriterIdentity.claim(dir, 7);
        try {
            assertThat(Files.readString(dir.resolve(WriterIdentity.FILE)))
                    .contains("pid=" + ProcessHandle.current().pid() + "\n")
                    .contains("session=7\n");
            assertThat(WriterIdentity.describe(dir))
                    .isEqualTo("live (pid " + ProcessHandle.current().pid() + ", this process)");
        } finally {
            WriterIdentity.release(dir);
        }
        assertThat(dir.resolve(WriterIdentity.FILE)).doesNotExist();
    }
}
