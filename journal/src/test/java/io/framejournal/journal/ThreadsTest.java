package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Waiting for a background thread to end: an interrupted waiter still waits, and keeps its interrupt. */
class ThreadsTest {

    @Test
    void an_interrupted_waiter_waits_for_the_end_and_keeps_its_interrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread background = new Thread(() -> awaitQuietly(release), "background");
        background.start();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            Thread.currentThread().interrupt(); // stopped with shutdownNow, closing what the background thread uses
            ended.set(Threads.awaitEnd(background, Duration.ofSeconds(30)));
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(waiter::isAlive);
        waiter.interrupt(); // interrupted again while it waits: it still waits
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(waiter::isAlive);
        release.countDown();
        waiter.join();
        assertThat(ended)
                .as("the background thread ended before the wait returned")
                .isTrue();
        assertThat(background.isAlive()).isFalse();
        assertThat(interruptKept).as("the waiter's interrupt is kept").isTrue();
    }

    @Test
    void a_bounded_wait_gives_up_at_its_timeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread background = new Thread(() -> awaitQuietly(release), "background");
        background.start();
        try {
            assertThat(Threads.awaitEnd(background, Duration.ofMillis(50))).isFalse();
            assertThat(background.isAlive()).isTrue();
        } finally {
            release.countDown();
            Threads.awaitEnd(background);
        }
        assertThat(background.isAlive()).isFalse();
        assertThat(Threads.awaitEnd(background, Duration.ZERO))
                .as("an ended thread, no wait at all")
                .isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
