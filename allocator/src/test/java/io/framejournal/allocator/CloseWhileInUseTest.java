package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a region while other threads still use it refuses their next call instead of unmapping under them. */
class CloseWhileInUseTest {
    @TempDir
    Path tmp;

    @Test
    void close_waits_for_in_flight_operations_and_later_calls_are_refused() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Frame<NoMeta> shared = new FrameAllocOptions(region).allocFrame();
        AtomicLong rounds = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            try {
                while (true) {
                    Frame<NoMeta> twin = shared.clone();
                    Frame<NoMeta> mine = alloc.allocFrame();
                    twin.close();
                    mine.close();
                    rounds.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread a = new Thread(worker, "worker-a");
        Thread b = new Thread(worker, "worker-b");
        a.start();
        b.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> rounds.get() > 2_000);
        region.close();
        a.join(10_000);
        b.join(10_000);
        assertThat(a.isAlive() || b.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        JournalAssertions.assertReplayMatchesTable(region.dir());
    }

    /**
     * The case from the record-format issue: a region closed from another thread while {@code Segment.fromUnused} of
     * 8 pages is at page 4. Close waits for the whole call (one record), journals REGION_CLOSE after it and marks the
     * region clean; the journal holds the call whole, never a call half in the journal with frames owned by nobody.
     */
    @Test
    void closing_during_a_segment_call_waits_for_the_whole_call() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Path dir = region.dir();
        long before = region.lastJournalIndex();
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = new Thread(
                () -> {
                    try {
                        region.close();
                    } catch (Throwable t) {
                        closeFailure.set(t);
                    }
                },
                "closer");
        Segment<LongMeta> seg = Segment.fromUnused(region, 0, 8L * TestRegions.PAGE, paddr -> {
            if (paddr == 4L * TestRegions.PAGE) {
                closer.start();
                await().atMost(Duration.ofSeconds(10)).until(region::isClosed); // close has begun and now waits
            }
            return new LongMeta(7, paddr);
        });
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(closeFailure.get()).isNull();
        assertThat(seg.isClosed()).as("the handle is live: the call completed").isFalse();
        assertThat(io.framejournal.journal.RegionStatus.read(new io.framejournal.journal.RegionLayout(dir).status())
                        .clean())
                .isTrue();

        java.util.List<io.framejournal.journal.JournalEvent> after =
                JournalAssertions.events(dir, e -> e.index > before);
        long segmentIndex = after.get(0).index;
        assertThat(after)
                .filteredOn(e -> e.index == segmentIndex)
                .allMatch(e -> e.opCode() == io.framejournal.journal.OpCode.SEGMENT_FROM_UNUSED)
                .extracting(e -> e.slot)
                .containsOnly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(after.get(after.size() - 1).kind).isEqualTo(io.framejournal.journal.EventKind.REGION_CLOSE);
        assertThat(after)
                .filteredOn(e -> e.kind == io.framejournal.journal.EventKind.MINT)
                .hasSize(8)
                .allMatch(e -> e.handle == seg.handleId());
        JournalAssertions.assertReplayMatchesTable(dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(seg::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /**
     * A close that waits for a call held long (a metadata function waiting on something) parks between its looks
     * instead of yielding in a loop, so it costs no core while it waits (up to 10 s). Before, the closing thread stayed
     * RUNNABLE throughout.
     */
    @Test
    void a_close_waiting_for_a_long_call_parks() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread closer = new Thread(region::close, "closer");
        Segment<LongMeta> seg = Segment.fromUnused(region, 0, 2L * TestRegions.PAGE, paddr -> {
            if (paddr == 0) {
                closer.start();
                await().alias("the closer parks while the call stays in flight")
                        .atMost(Duration.ofSeconds(9))
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> closer.getState() == Thread.State.TIMED_WAITING);
                release.countDown();
            }
            return new LongMeta(7, paddr);
        });
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(release.getCount()).isZero();
        assertThat(region.isClosed()).isTrue();
        assertThat(seg.isClosed()).as("the call completed before the close").isFalse();
        JournalAssertions.assertReplayMatchesTable(region.dir());
    }

    /**
     * A call that does not finish within close's wait (a metadata function that blocks): close throws and the region
     * stays open for writing, its lock held, so that no other writer can open it while that call is still to be
     * journaled; once the call is done, a second close closes it clean. Before, the first close released the region's
     * lock with the call still in flight.
     */
    @Test
    void a_close_that_times_out_keeps_the_region_and_its_lock_and_a_later_close_finishes() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Path dir = region.dir();
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Segment<LongMeta>> made = new AtomicReference<>();
        AtomicReference<Throwable> callFailure = new AtomicReference<>();
        Thread caller = new Thread(
                () -> {
                    try {
                        made.set(Segment.fromUnused(region, 0, 2L * TestRegions.PAGE, paddr -> {
                            inside.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return new LongMeta(3, paddr);
                        }));
                    } catch (Throwable t) {
                        callFailure.set(t);
                    }
                },
                "slow-segment");
        caller.start();
        inside.await();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> region.close(Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stays open");
        assertThat(region.isClosed()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetaRegion.open(dir))
                .as("the region's lock is still held: no second writer")
                .hasMessageContaining("already open for writing");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FrameAllocOptions(region).allocFrame())
                .as("new calls are refused, and told why")
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("region " + dir + " is closing: close() timed out after 200 ms waiting for calls in flight,"
                        + " and new calls are refused; close it again once they end");

        release.countDown();
        caller.join(10_000);
        assertThat(callFailure.get()).isNull();
        assertThat(made.get()).as("the call in flight went on and completed").isNotNull();
        region.close();
        assertThat(io.framejournal.journal.RegionStatus.read(new io.framejournal.journal.RegionLayout(dir).status())
                        .clean())
                .isTrue();
        JournalAssertions.assertReplayMatchesTable(dir);
        try (MetaRegion again = MetaRegion.open(dir)) {
            assertThat(again.slotState(0).refCount)
                    .as("the segment's frame, leaked at close")
                    .isEqualTo(1);
        }
    }

    @Test
    void a_threads_first_call_that_races_close_is_told_the_region_is_closed() throws Exception {
        Path dir = tmp.resolve("raced");
        MetaRegion region = MetaRegion.create(
                dir, TestRegions.SMALL, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
        new FrameAllocOptions(region).allocFrame().close();
        region.close();
        // what a thread's first call meets when close() ran between its region.ensureOpen() and the engine: the engine
        // makes the thread's context (and journal lane) then. Before the fix, Chronicle's or the journal's own words
        // ("SingleChronicleQueue closed for Thread-3", "journal is closed")
        AtomicReference<Throwable> pin = new AtomicReference<>();
        AtomicReference<Throwable> handleId = new AtomicReference<>();
        Thread fresh = new Thread(() -> {
            try {
                region.engine().pin();
            } catch (Throwable t) {
                pin.set(t);
            }
            try {
                region.nextHandleId();
            } catch (Throwable t) {
                handleId.set(t);
            }
        });
        fresh.start();
        fresh.join();
        for (Throwable t : List.of(pin.get(), handleId.get())) {
            assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("region " + dir + " is closed");
        }
    }

    /**
     * {@code recordRedoPoint()} past its check that the region is open when {@code close()} stops the keeper: made
     * deterministic by holding the keeper's lock, which {@code keep()} takes, while this thread closes the region (the
     * lock is reentrant: the close's last point and the keeper's close take it here too). Before the fix the caller was
     * told "the redo point keeper is closed", about an object it never saw.
     */
    @Test
    void a_redo_point_recorded_while_the_region_closes_is_told_the_region_is_closed() throws Exception {
        Path dir = tmp.resolve("redo");
        MetaRegion region = TestRegions.withIdleRedoPointKeeper(dir);
        new FrameAllocOptions(region).allocFrame().close();
        RedoPointKeeper keeper = region.redoPointKeeper();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread recorder = new Thread(
                () -> {
                    try {
                        region.recordRedoPoint();
                    } catch (Throwable t) {
                        refused.set(t);
                    }
                },
                "recorder");
        synchronized (keeper) {
            recorder.start();
            await("the recorder past the region's check, waiting for the keeper")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> recorder.getState() == Thread.State.BLOCKED);
            region.close();
        }
        recorder.join();
        assertThat(region.isClosed()).isTrue();
        assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessage("region " + dir + " is closed");
    }
}
