package io.framejournal.tests.cli;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A writer child JVM for the follow tests: creates a region and journals a few dozen calls every 10 ms (at a fixed
 * rate, on a scheduler thread) for the given
 * number of seconds (so a follower meets a live, moving end many times), leaves one raw reference forgotten, and
 * closes the region cleanly. Args: DIR SECONDS.
 */
public final class PacedWriter {
    private PacedWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(4L << 20))) {
            long end = System.nanoTime() + seconds * 1_000_000_000L; // from now: creating the region takes a while
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            alloc.allocFrame().intoRaw(); // a raw reference never restored: the audit's one finding
            AtomicLong calls = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            // ten segment calls (30 journal records) every 10 ms, on one thread, until the time is up
            pace.scheduleAtFixedRate(
                    () -> {
                        if (System.nanoTime() >= end) {
                            done.countDown();
                            return;
                        }
                        try {
                            for (int i = 0; i < 10; i++) {
                                try (Segment<NoMeta> s = alloc.allocSegment(1 + (int) (calls.get() / 3) % 4)) {
                                    s.clone().close();
                                }
                                calls.addAndGet(3);
                            }
                        } catch (RuntimeException | Error e) {
                            failure.set(e); // a failing task would otherwise just stop being run
                            done.countDown();
                        }
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
            try {
                if (!done.await(seconds + 120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("PacedWriter did not finish within " + (seconds + 120) + " s");
                }
            } finally {
                pace.shutdownNow();
                pace.awaitTermination(30, TimeUnit.SECONDS);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("PacedWriter's calls failed", failure.get());
            }
            System.out.println("PacedWriter: " + calls.get() + " calls");
        }
    }
}
