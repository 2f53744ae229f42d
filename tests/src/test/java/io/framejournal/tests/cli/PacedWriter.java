package io.framejournal.tests.cli;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;

/**
 * A writer child JVM for the follow tests: creates a region and journals a few hundred calls every 10 ms for the given
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
            long calls = 0;
            for (int i = 0; System.nanoTime() < end; i++) {
                try (Segment<NoMeta> s = alloc.allocSegment(1 + i % 4)) {
                    s.clone().close();
                }
                calls += 3;
                if (i % 10 == 9) {
                    Thread.sleep(10);
                }
            }
            System.out.println("PacedWriter: " + calls + " calls");
        }
    }
}
