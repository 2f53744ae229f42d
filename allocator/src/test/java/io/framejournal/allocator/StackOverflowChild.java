package io.framejournal.allocator;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link StackOverflowInCallTest}: a thread whose first call on the region comes with little
 * stack left, at every depth in turn. Prints what the calls threw, then whether a new thread can still call and the
 * journal still be read, and exits 0.
 */
public final class StackOverflowChild {
    private StackOverflowChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        MetaRegion region = MetaRegion.create(
                dir, RegionConfig.of(64L << 20), RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        Runnable frames = () -> {
            Frame<NoMeta> frame = alloc.allocFrame();
            frame.clone().close();
            Frame.fromRaw(region, frame.intoRaw()).close();
        };
        Metadata metadata = new Metadata(); // no lambda: nothing to link deep down
        Runnable segments = () -> {
            Segment<LongMeta> segment = alloc.allocSegmentWith(4, metadata);
            segment.clone().close();
            segment.close();
        };
        java.util.Set<String> thrown = new java.util.TreeSet<>();
        for (Runnable op : new Runnable[] {segments, frames}) {
            StackOverflowInCallTest.Depths depths = new StackOverflowInCallTest.Depths();
            Thread deep = new Thread( // its first call comes deep down
                    null,
                    () -> {
                        for (int round = 0; round < 3; round++) { // the JIT's frames change the points it overflows at
                            depths.atEveryDepth(op);
                        }
                    },
                    "deep",
                    256 << 10);
            deep.start();
            deep.join();
            thrown.addAll(depths.seen().keySet());
        }
        System.out.println("thrown: " + thrown);
        Runnable op = frames;
        Thread fresh = new Thread(() -> {
            try {
                op.run();
                System.out.println("a new thread calls: ok");
            } catch (IllegalStateException e) {
                // the failed region's refusal, when an overflow inside an append failed it: the call got that far
                System.out.println("a new thread calls: " + (region.failure() != null ? "ok (refused: failed)" : e));
            } catch (Throwable e) {
                System.out.println("a new thread calls: " + e);
            }
        });
        fresh.start();
        fresh.join();
        try {
            region.close();
            if (region.failure() != null) {
                MetaRegion.recover(dir, false);
            }
            System.out.println("closed: ok");
        } catch (Throwable e) {
            System.out.println("closed: " + e);
        }
        long events = 0;
        try (JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                events++;
            }
            System.out.println("journal read: " + (reader.stopReason() == null ? "ok" : reader.stopReason()));
        } catch (Throwable e) {
            System.out.println("journal read: " + e);
        }
        System.out.println("events: " + events);
    }

    /** A metadata function that is a class of its own: calling it links no lambda. */
    private static final class Metadata implements java.util.function.LongFunction<LongMeta> {
        @Override
        public LongMeta apply(long paddr) {
            return new LongMeta(paddr, 1);
        }
    }
}
