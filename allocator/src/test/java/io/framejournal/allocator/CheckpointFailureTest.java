package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.CheckpointFile;
import io.framejournal.journal.Checkpointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint the writer's background checkpointer cannot write (a disk full for a moment; here a regular file where
 * the checkpoints directory goes, which fails the write the same way, also as root) is retried, not the end of
 * checkpoints and retention for the rest of the session; and a checkpoint at close that cannot be written does not
 * leave the region unclean.
 */
class CheckpointFailureTest {
    @TempDir
    Path tmp;

    private static final RegionOptions CHECKPOINTS = RegionOptions.defaults()
            .withLeakDetection(LeakDetection.DISABLED)
            .withCheckpoints(Checkpointer.Policy.every(Duration.ofMillis(20))
                    .keeping(2)
                    .retaining(Checkpointer.Retain.deleting()));

    /** A closed region whose checkpoints directory is a regular file: every checkpoint write fails. */
    private Path regionWithBlockedCheckpoints() throws Exception {
        Path dir = tmp.resolve("region");
        MetaRegion.create(dir, TestRegions.SMALL, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED))
                .close();
        Files.writeString(dir.resolve("checkpoints"), "in the way");
        return dir;
    }

    @Test
    void aCheckpointThatFailedIsRetriedAndCheckpointsResumeOnceItCanBeWritten() throws Exception {
        Path dir = regionWithBlockedCheckpoints();
        try (MetaRegion region = MetaRegion.open(dir, CHECKPOINTS)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                alloc.allocFrame().close();
                return region.checkpointProblem() != null;
            });
            assertThat(region.checkpointProblem())
                    .contains("cannot write checkpoint")
                    .contains("retrying");
            assertThat(region.checkpointsWritten()).isZero();

            Files.delete(dir.resolve("checkpoints")); // the disk has room again

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                alloc.allocFrame().close();
                return region.checkpointsWritten() > 0 && region.checkpointProblem() == null;
            });
            assertThat(region.failure()).isNull();
        }
        assertThat(CheckpointFile.list(dir.resolve("checkpoints"))).isNotEmpty();
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    @Test
    void aCheckpointAtCloseThatCannotBeWrittenLeavesTheRegionClosedClean() throws Exception {
        Path dir = regionWithBlockedCheckpoints();
        // a period the test never reaches: the one checkpoint attempted is the one at close
        MetaRegion region = MetaRegion.open(
                dir,
                CHECKPOINTS.withCheckpoints(
                        Checkpointer.Policy.every(Duration.ofHours(1)).retaining(Checkpointer.Retain.deleting())));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        for (int i = 0; i < 10; i++) {
            alloc.allocFrame().close();
        }
        region.close(); // threw "cannot write checkpoint" and left the region unclean
        assertThat(region.checkpointProblem())
                .contains("checkpoint at close was not taken")
                .contains("cannot write checkpoint");

        Files.delete(dir.resolve("checkpoints"));
        try (MetaRegion again = MetaRegion.open(dir, CHECKPOINTS)) { // clean: no recovery needed
            assertThat(again.session()).isEqualTo(region.session() + 1);
        }
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    /**
     * A closed region whose oldest "checkpoint" cannot be deleted: a non-empty directory under a checkpoint's name
     * (index 1, before any record), which {@code Files.delete} refuses also as root. Every checkpoint written after it
     * is followed by a failed prune.
     */
    private Path regionWithAnUndeletableOldCheckpoint() throws Exception {
        Path dir = tmp.resolve("region");
        MetaRegion.create(dir, TestRegions.SMALL, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED))
                .close();
        Path stuck = CheckpointFile.fileFor(dir.resolve("checkpoints"), 1);
        Files.createDirectories(stuck);
        Files.writeString(stuck.resolve("keeps-it"), "not empty");
        return dir;
    }

    @Test
    void aCheckpointTakenWhoseOldOnesCannotBeRemovedIsNotCalledFailed() throws Exception {
        Path dir = regionWithAnUndeletableOldCheckpoint();
        Path checkpoints = dir.resolve("checkpoints");
        try (MetaRegion region = MetaRegion.open(
                dir,
                CHECKPOINTS.withCheckpoints(
                        Checkpointer.Policy.every(Duration.ofMillis(20)).keeping(1)))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                alloc.allocFrame().close();
                return region.checkpointProblem() != null;
            });
            // before the fix: "the last checkpoint failed, retrying every 20 ms: cannot delete old checkpoint …"
            assertThat(region.checkpointProblem())
                    .startsWith("checkpoint " + checkpoints)
                    .contains("was taken, but removing the old files after it failed")
                    .contains("cannot delete old checkpoint " + CheckpointFile.fileFor(checkpoints, 1))
                    .contains("a later checkpoint removes them")
                    .doesNotContain("checkpoint failed");
            assertThat(region.checkpointsWritten()).isPositive();
            assertThat(CheckpointFile.list(checkpoints)).hasSizeGreaterThan(1); // the stuck one and what was taken
        }
    }

    @Test
    void aCheckpointAtCloseWhoseOldOnesCannotBeRemovedIsSaidToBeTaken() throws Exception {
        Path dir = regionWithAnUndeletableOldCheckpoint();
        // a period the test never reaches: the one checkpoint attempted is the one at close
        MetaRegion region = MetaRegion.open(
                dir,
                CHECKPOINTS.withCheckpoints(
                        Checkpointer.Policy.every(Duration.ofHours(1)).keeping(1)));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        for (int i = 0; i < 10; i++) {
            alloc.allocFrame().close();
        }
        region.close();
        // before the fix: "the checkpoint at close was not taken (the next replay starts at an older one): …"
        assertThat(region.checkpointProblem())
                .startsWith("the checkpoint at close was taken, but removing the old files after it failed")
                .contains("cannot delete old checkpoint")
                .doesNotContain("not taken");
        assertThat(CheckpointFile.list(dir.resolve("checkpoints")))
                .as("the stuck one, and the checkpoint at close")
                .extracting(CheckpointFile.Entry::index)
                .hasSize(2)
                .contains(1L)
                .last()
                .isNotEqualTo(1L);
    }
}
