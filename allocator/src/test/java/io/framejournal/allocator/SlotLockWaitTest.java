package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thread waiting for a slot that another call holds for long parks rather than spinning a core. */
class SlotLockWaitTest {
    @TempDir
    Path tmp;

    @Test
    void a_waiter_on_a_slot_held_by_a_running_metadata_function_parks() throws Exception {
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Segment<LongMeta>> segment = new AtomicReference<>();
            Thread holder = holdSlotZero(alloc, inside, release, segment);
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Frame<NoMeta>> frame = new AtomicReference<>();
            Thread waiter = new Thread(() -> frame.set(alloc.allocFrame())); // its first try is slot 0
            waiter.start();
            await().alias("the waiter parks while the slot stays held")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
            release.countDown();
            holder.join(30_000);
            waiter.join(30_000);
            assertThat(segment.get().nrPages()).isEqualTo(2);
            assertThat(frame.get()).isNotNull();
            frame.get().close();
            segment.get().close();
        }
    }

    /**
     * A waiter whose interrupt status is set (a worker stopped with {@code shutdownNow} that closes its frames on the way
     * out) parks too: a park returns at once while the status is set, so before the fix the wait spun a core for as
     * long as the slot was held (514 ms of CPU in 1 s here). The status is set again for the caller once it has the
     * lock.
     */
    @Test
    void an_interrupted_waiter_parks_too_and_keeps_its_interrupt() throws Exception {
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Segment<LongMeta>> segment = new AtomicReference<>();
            Thread holder = holdSlotZero(alloc, inside, release, segment);
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Frame<NoMeta>> frame = new AtomicReference<>();
            AtomicReference<Boolean> interruptKept = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                Thread.currentThread().interrupt();
                frame.set(alloc.allocFrame()); // its first try is slot 0
                interruptKept.set(Thread.interrupted());
            });
            waiter.start();
            // parked with its status cleared for the wait: before the fix the status stayed set, so every park
            // returned at once and the wait spun a core without ever showing this state
            await().alias("the interrupted waiter parks, its status cleared for the wait")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> waiter.getState() == Thread.State.TIMED_WAITING && !waiter.isInterrupted());
            release.countDown();
            holder.join(30_000);
            waiter.join(30_000);
            assertThat(interruptKept.get())
                    .as("the waiter's interrupt is set again")
                    .isTrue();
            assertThat(frame.get()).isNotNull();
            frame.get().close();
            segment.get().close();
        }
    }

    /**
     * A thread whose segment call holds slot 0's lock while its metadata function waits for {@code release} (the seed
     * calls it under the lock); {@code inside} counts down once the lock is held.
     */
    private static Thread holdSlotZero(
            FrameAllocOptions alloc,
            CountDownLatch inside,
            CountDownLatch release,
            AtomicReference<Segment<LongMeta>> segment) {
        Thread holder = new Thread(() -> segment.set(alloc.allocSegmentWith(2, paddr -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new LongMeta(paddr, 0);
        })));
        holder.start();
        return holder;
    }
}
