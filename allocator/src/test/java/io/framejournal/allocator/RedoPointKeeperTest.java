package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The redo point keeper outlives a failure: it keeps the reason while it lasts, tries again every period, and the
 * first point written after it clears the reason. It used to stop for good at its first error, so one moment of a
 * refused flush left a region that ran for weeks replaying its whole journal after a crash.
 */
class RedoPointKeeperTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedTryIsReportedAndTriedAgainUntilAPointIsWritten() throws IOException {
        Path redo = tmp.resolve("redo.point");
        Path table = Files.write(tmp.resolve("slots.cm3"), new byte[4096]);
        AtomicReference<RuntimeException> failing = new AtomicReference<>(new IllegalStateException("disk away"));
        AtomicInteger tries = new AtomicInteger();
        RedoPointKeeper.Source source = () -> {
            tries.incrementAndGet();
            RuntimeException e = failing.get();
            if (e != null) {
                throw e;
            }
            return new RedoPoint(0x1_0000_002aL, 42, 7, true);
        };
        try (RedoPointKeeper keeper = RedoPointKeeper.start(source, redo, table, Duration.ofMillis(5))) {
            Awaitility.await("two failed tries, the keeper still running")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> keeper.failures() >= 2);
            assertThat(keeper.problem())
                    .contains("the redo point could not be recorded")
                    .contains("disk away")
                    .contains("tries again every period");
            assertThat(keeper.written()).isZero();
            assertThatThrownBy(keeper::keep)
                    .as("an explicit try while it fails says why")
                    .hasMessageContaining("disk away");

            failing.set(null);
            Awaitility.await("a point written once the cause is gone")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> keeper.written() == 1);
            Awaitility.await("the reason cleared by the point written")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> keeper.problem() == null);
            assertThat(tries.get()).isGreaterThan(2);
        }
        RedoPointFile.Read read = RedoPointFile.read(redo);
        assertThat(read.problem()).isNull();
        assertThat(read.point()).isEqualTo(new RedoPoint(0x1_0000_002aL, 42, 7, true));
    }

    /**
     * A failed flush of the slot table is final: the kernel may have dropped the pages it could not write, so a later
     * flush that succeeds proves nothing about them, and a point written after it would vouch for table writes that
     * may be lost. It used to be retried like any failure, and the next successful flush wrote a newer point.
     */
    @Test
    void aFailedFlushOfTheSlotTableIsNeverFollowedByANewerPoint() throws IOException {
        Path redo = tmp.resolve("redo.point");
        Path table = Files.write(tmp.resolve("slots.cm3"), new byte[4096]);
        java.util.concurrent.atomic.AtomicLong anchor = new java.util.concurrent.atomic.AtomicLong(0x1_0000_0010L);
        RedoPointKeeper.Source source = () -> new RedoPoint(anchor.get(), anchor.get() & 0xffff, 7, true);
        AtomicInteger flushes = new AtomicInteger();
        AtomicReference<IOException> flushFails = new AtomicReference<>();
        RedoPointKeeper.Flush flush = () -> {
            flushes.incrementAndGet();
            IOException e = flushFails.getAndSet(null); // fails once, as fsync does after a lost write-back
            if (e != null) {
                throw e;
            }
        };
        RedoPoint first;
        try (RedoPointKeeper keeper = RedoPointKeeper.start(source, redo, table, Duration.ofHours(1), flush)) {
            first = keeper.keep();
            assertThat(keeper.written()).isEqualTo(1);

            anchor.incrementAndGet();
            flushFails.set(new IOException("Input/output error"));
            assertThatThrownBy(keeper::keep).hasMessageContaining("input/output error");
            int flushesAtFailure = flushes.get();

            anchor.incrementAndGet();
            assertThatThrownBy(keeper::keep)
                    .as("a later try, whose flush would now succeed")
                    .hasMessageContaining("could not be forced to disk")
                    .hasMessageContaining("no redo point is recorded for the rest of this session");
            assertThat(flushes.get())
                    .as("the table is not flushed again to be believed")
                    .isEqualTo(flushesAtFailure);
            assertThat(keeper.written()).isEqualTo(1);
            assertThat(keeper.problem())
                    .as("said for the rest of the session")
                    .contains("input/output error")
                    .contains("recovery replays from the last one written");
        }
        assertThat(RedoPointFile.read(redo).point())
                .as("the point written before the failed flush stays")
                .isEqualTo(first);
    }

    /**
     * An {@code OutOfMemoryError} in the keeper's thread (the heap full for a moment: a simulator's other threads
     * filled it) is a failed try like any other: reported, and tried again next period. It used to end the thread, so
     * that no point was recorded for the rest of the session while {@code redoPointProblem()} said nothing (seen with
     * a 48 MiB heap filled and emptied under a writer).
     */
    @Test
    void anOutOfMemoryErrorIsAFailedTryAndTheKeeperGoesOn() throws IOException {
        Path redo = tmp.resolve("redo.point");
        Path table = Files.write(tmp.resolve("slots.cm3"), new byte[4096]);
        AtomicInteger failing = new AtomicInteger(3);
        RedoPointKeeper.Source source = () -> {
            if (failing.getAndDecrement() > 0) {
                throw new OutOfMemoryError("Java heap space");
            }
            return new RedoPoint(0x1_0000_002aL, 42, 7, true);
        };
        try (RedoPointKeeper keeper = RedoPointKeeper.start(source, redo, table, Duration.ofMillis(5))) {
            Awaitility.await("a point written after the errors, by the same thread")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> keeper.written() == 1);
            assertThat(keeper.failures())
                    .as("each error counted as a failed try")
                    .isEqualTo(3);
            Awaitility.await("the reason cleared by the point written")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> keeper.problem() == null);
        }
        assertThat(RedoPointFile.read(redo).point()).isEqualTo(new RedoPoint(0x1_0000_002aL, 42, 7, true));
    }
}
