package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
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
}
