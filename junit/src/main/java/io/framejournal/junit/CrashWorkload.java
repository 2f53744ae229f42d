package io.framejournal.junit;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;

/**
 * What {@link FrameJournalCrash} runs in a child JVM until it is killed. An implementation is a public class with
 * a public no-argument constructor (it is instantiated by name in the child). It calls {@link Calls#done()} after
 * each call it wants counted; the child is SIGKILLed right after the call that reaches the limit, so the state
 * recovery sees is exactly "after N calls". A workload that returns before the limit leaves the region open (the
 * child exits without closing it), which recovery treats like a crash as well.
 */
@FunctionalInterface
public interface CrashWorkload {
    /** Counts the workload's calls; see {@link CrashWorkload}. */
    interface Calls {
        /** One more call is complete; the child may be killed before this returns. */
        void done();
    }

    void run(MetaRegion region, FrameAllocOptions alloc, Calls calls) throws Exception;
}
