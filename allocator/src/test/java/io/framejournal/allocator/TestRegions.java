package io.framejournal.allocator;

import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Small regions for tests: 1 MiB of physical memory, 256 frames. */
final class TestRegions {
    static final RegionConfig SMALL = RegionConfig.of(1L << 20);
    static final int PAGE = RegionConfig.PAGE_SIZE;

    private TestRegions() {}

    static MetaRegion create(Path tmp) {
        return MetaRegion.create(
                tmp.resolve("region"), SMALL, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
    }

    /**
     * A small region with a redo point keeper whose own period (an hour) keeps it out of the way: the test records the
     * points itself.
     */
    static MetaRegion withIdleRedoPointKeeper(Path dir) {
        return MetaRegion.create(
                dir,
                SMALL,
                RegionOptions.defaults()
                        .withLeakDetection(LeakDetection.DISABLED)
                        .withRedoPoint(Duration.ofHours(1)));
    }

    static int slotOf(long paddr) {
        return (int) (paddr / PAGE);
    }
}
