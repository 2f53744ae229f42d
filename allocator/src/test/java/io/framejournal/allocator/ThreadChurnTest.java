package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads come and go: a region used by many short-lived threads releases each dead thread's journal lane (its
 * Chronicle appender) and engine context when the next thread arrives, so what it holds stays bounded by the live
 * threads instead of growing with every thread that ever called it. {@code -Dframejournal.churn.threads=100000} is
 * the long version.
 */
class ThreadChurnTest {
    @TempDir
    Path tmp;

    @Test
    void deadThreadsLanesAndContextsAreReleased() throws Exception {
        int threads = Integer.getInteger("framejournal.churn.threads", 3_000);
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            int maxLanes = 0;
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> alloc.allocFrame().close(), "churn-" + i);
                t.start();
                t.join();
                maxLanes = Math.max(maxLanes, region.engine().journal().openLanes());
            }
            assertThat(maxLanes)
                    .as("journal lanes held after %d short-lived threads", threads)
                    .isLessThanOrEqualTo(3);
            assertThat(region.engine().registeredContexts()).isLessThanOrEqualTo(3);
            alloc.allocFrame().close(); // the region still works, from this thread too
        }
        JournalAssertions.assertReplayMatchesTable(tmp.resolve("region"));
    }
}
