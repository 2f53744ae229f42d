package io.framejournal.bench;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;

/** The operations every figure measures, in one place, so the benchmarks, the probe and the child JVMs agree. */
final class Workload {
    /** A small region (1024 frames): what the cycles touch stays in cache, as in a simulator's hot set. */
    static final long MAX_PADDR = 4L << 20;

    static final int SEGMENT_PAGES = 64;
    static final int PAGE = RegionConfig.PAGE_SIZE;

    private Workload() {}

    static MetaRegion createRegion(Path dir, LeakDetection leakDetection) {
        return createRegion(dir, leakDetection, RegionOptions.defaults().pretouch());
    }

    static MetaRegion createRegion(Path dir, LeakDetection leakDetection, boolean pretouch) {
        return MetaRegion.create(
                dir,
                RegionConfig.of(MAX_PADDR),
                RegionOptions.defaults().withLeakDetection(leakDetection).withPretouch(pretouch));
    }

    static MetaRegion openRegion(Path dir, LeakDetection leakDetection) {
        return MetaRegion.open(dir, RegionOptions.defaults().withLeakDetection(leakDetection));
    }

    /** One single-frame cycle: allocate, clone, drop the clone, drop the frame (it is freed). */
    static void frameCycle(FrameAllocOptions alloc) {
        Frame<NoMeta> frame = alloc.allocFrame();
        Frame<NoMeta> twin = frame.clone();
        twin.close();
        frame.close();
    }

    /** One segment cycle: allocate 64 pages, clone, slice the first half, drop the slice, the clone, the segment. */
    static void segmentCycle(FrameAllocOptions alloc) {
        Segment<NoMeta> segment = alloc.allocSegment(SEGMENT_PAGES);
        Segment<NoMeta> clone = segment.clone();
        Segment<NoMeta> slice = segment.slice(0, (long) (SEGMENT_PAGES / 2) * PAGE);
        slice.close();
        clone.close();
        segment.close();
    }
}
