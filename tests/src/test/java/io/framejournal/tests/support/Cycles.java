package io.framejournal.tests.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/** Waiting for one-second queue files ({@code test-1s}) to roll, by the clock rather than by a fixed sleep. */
public final class Cycles {
    private Cycles() {}

    /** Returns once the wall clock is in the next second, so the next record starts a queue file of its own. */
    public static void awaitNextSecond() {
        long second = Instant.now().getEpochSecond();
        await().atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> Instant.now().getEpochSecond() > second);
    }
}
