package io.framejournal.junit;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import java.util.ArrayList;
import java.util.List;

/** Allocates one frame per call and keeps it: after N calls, N frames are held by live handles. */
public final class CountingWorkload implements CrashWorkload {
    @Override
    public void run(MetaRegion region, FrameAllocOptions alloc, Calls calls) {
        List<Frame<NoMeta>> held = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            held.add(alloc.allocFrame());
            calls.done();
        }
    }
}
