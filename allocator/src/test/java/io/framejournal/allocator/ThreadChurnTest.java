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
    private static long usedHeapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @TempDir
    Path tmp;

    @Test
    void deadThreadsLanesAndContextsAreReleased() throws Exception {
        int threads = Integer.getInteger("framejournal.churn.threads", 3_000);
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            int maxLanes = 0;
            long heapAfterFirstTenth = 0;
            for (int i = 0; i < threads; i++) {
                if (i == threads / 10) {
                    heapAfterFirstTenth = usedHeapAfterGc();
                }
                Thread t = new Thread(() -> alloc.allocFrame().close(), "churn-" + i);
                t.start();
                t.join();
                maxLanes = Math.max(maxLanes, region.engine().journal().openLanes());
            }
            long heapAtEnd = usedHeapAfterGc();
            System.out.printf(
                    "thread churn: %,d threads, at most %d lanes open, used heap after GC %,d KiB at 10%% and %,d KiB"
                            + " at the end%n",
                    threads, maxLanes, heapAfterFirstTenth >> 10, heapAtEnd >> 10);
            assertThat(heapAtEnd)
                    .as("heap after the churn against after its first tenth (not proportional to the threads)")
                    .isLessThan(heapAfterFirstTenth + (64L << 20));
            assertThat(maxLanes)
                    .as("journal lanes held after %d short-lived threads", threads)
                    .isLessThanOrEqualTo(3);
            assertThat(region.engine().registeredContexts()).isLessThanOrEqualTo(3);
            alloc.allocFrame().close(); // the region still works, from this thread too
        }
        JournalAssertions.assertReplayMatchesTable(tmp.resolve("region"));
    }
}
