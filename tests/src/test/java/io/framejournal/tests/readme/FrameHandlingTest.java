package io.framejournal.tests.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.FrameStatus;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.junit.CrashWorkload;
import io.framejournal.junit.FrameJournalCrash;
import io.framejournal.junit.FrameJournalTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@FrameJournalTest
class FrameHandlingTest {
    @Test
    void clones_are_counted_and_released(MetaRegion region, FrameAllocOptions alloc) {
        try (Frame<NoMeta> frame = alloc.allocFrame();
                Frame<NoMeta> twin = frame.clone()) {
            assertEquals(2, region.slot(twin.startPaddr()).refCount());
        } // forget a close() here and the test fails with the audit's leak report
    }

    /** Holds one more frame per call; the child JVM is killed after the 40th. */
    public static class HoldFrames implements CrashWorkload {
        @Override
        public void run(MetaRegion region, FrameAllocOptions alloc, Calls calls) {
            List<Frame<NoMeta>> held = new ArrayList<>();
            while (true) {
                held.add(alloc.allocFrame());
                calls.done();
            }
        }
    }

    @Test
    void recovery_reclaims_what_a_killed_process_held(@TempDir Path tmp) throws Exception {
        FrameJournalCrash.Crashed crashed = FrameJournalCrash.of(HoldFrames.class)
                .killAfterCalls(40)
                .reclaim(true)
                .run(tmp.resolve("region"));
        assertEquals(40, crashed.recovery().framesReclaimed());
        try (MetaRegion region = crashed.open()) {
            assertEquals(FrameStatus.FREE, region.slot(0).status());
        }
    }
}
