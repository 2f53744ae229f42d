package io.framejournal.allocator;

import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh small region per test; after the test the region is closed and its journal must replay, every verdict OK,
 * to exactly the slot table's state.
 */
abstract class RegionTestBase {
    static final int PAGE = TestRegions.PAGE;

    @TempDir
    Path tmp;

    MetaRegion region;
    FrameAllocOptions alloc;

    @BeforeEach
    void createRegion() {
        region = TestRegions.create(tmp);
        alloc = new FrameAllocOptions(region);
    }

    @AfterEach
    void closeAndReplay() {
        if (region != null) {
            Path dir = region.dir();
            region.close();
            JournalAssertions.assertReplayMatchesTable(dir);
        }
    }

    SlotState slot(long paddr) {
        return region.slotState(paddr);
    }

    SlotState slotAt(int slot) {
        return region.slotStateAt(slot, new SlotState());
    }
}
