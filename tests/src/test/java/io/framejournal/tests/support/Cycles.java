package io.framejournal.tests.support;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.queue.RollCycle;

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

    /** The cycle a queue file holds, from its name ({@code 20261128-015247T4.cq4} for {@code test-1s}). */
    public static long cycleOf(Path queueFile, RollCycle rollCycle) {
        String format = rollCycle.format();
        String name = queueFile.getFileName().toString();
        LocalDateTime start = LocalDateTime.parse(
                name.substring(0, name.length() - ".cq4".length()), DateTimeFormatter.ofPattern(format));
        return start.toInstant(ZoneOffset.UTC).toEpochMilli() / rollCycle.lengthInMillis();
    }
}
