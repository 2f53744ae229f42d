package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads clone, take in use and drop handles of the same few shared frames while allocating and dropping their
 * own frames and segments. Afterwards the region is clean (no obligations, no raw references, every frame free) and
 * the journal replays, every verdict OK, to exactly the slot table: no slot was torn and no slot's events reordered.
 */
class ConcurrentCloneDropTest {
    private static final int THREADS = 4;
    private static final int ITERATIONS = 20_000;
    private static final int SHARED = 3;

    @TempDir
    Path tmp;

    @Test
    void many_threads_clone_and_drop_shared_frames() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Path dir = region.dir();
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        List<Frame<LongMeta>> anchors = new ArrayList<>();
        for (int i = 0; i < SHARED; i++) {
            anchors.add(alloc.allocFrameWith(new LongMeta(i, 0)));
        }
        // one handle is used by one thread at a time: each thread gets its own handle of each shared frame
        List<List<Frame<LongMeta>>> perThread = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Frame<LongMeta>> own = new ArrayList<>();
            for (Frame<LongMeta> anchor : anchors) {
                own.add(anchor.clone());
            }
            perThread.add(own);
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                List<Frame<LongMeta>> own = perThread.get(t);
                long seed = 1000 + t;
                results.add(pool.submit(worker(region, alloc, own, seed, start)));
            }
            start.countDown();
            long total = 0;
            for (Future<Long> f : results) {
                total += f.get(5, TimeUnit.MINUTES);
            }
            assertThat(total).isEqualTo((long) THREADS * ITERATIONS);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < SHARED; i++) {
            assertThat(anchors.get(i).referenceCount()).as("shared frame %d back to its anchor", i).isEqualTo(1);
            anchors.get(i).close();
        }
        SlotState s = new SlotState();
        for (int slot = 0; slot < region.config().nrSlots(); slot++) {
            region.slotStateAt(slot, s);
            assertThat(s.isFree() && s.obligations == 0 && s.raw == 0 && !s.metaInitialized())
                    .as("slot %d clean: %s", slot, s).isTrue();
        }
        region.close();
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    private static Callable<Long> worker(MetaRegion region, FrameAllocOptions alloc, List<Frame<LongMeta>> own, long seed,
            CountDownLatch start) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed);
            start.await();
            long done = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                Frame<LongMeta> mine = own.get(random.nextInt(own.size()));
                switch (random.nextInt(5)) {
                    case 0: {
                        Frame<LongMeta> twin = mine.clone();
                        Frame<LongMeta> other = Frame.fromInUse(region, mine.startPaddr(), LongMeta.class);
                        assertThat(other.meta()).isEqualTo(mine.meta());
                        twin.close();
                        other.close();
                        break;
                    }
                    case 1: {
                        long paddr = mine.clone().intoRaw();
                        Frame.fromRaw(region, paddr, LongMeta.class).close();
                        break;
                    }
                    case 2: {
                        Frame<NoMeta> f = alloc.allocFrame();
                        Frame<NoMeta> g = f.clone();
                        f.close();
                        g.close();
                        break;
                    }
                    case 3: {
                        Segment<NoMeta> seg = alloc.allocSegment(1 + random.nextInt(3));
                        Segment<NoMeta> slice = seg.slice(0, TestRegions.PAGE);
                        seg.close();
                        slice.close();
                        break;
                    }
                    default: {
                        Frame<LongMeta> ref = mine.borrow().toOwned();
                        ref.close();
                        break;
                    }
                }
                done++;
            }
            for (Frame<LongMeta> f : own) {
                f.close();
            }
            return done;
        };
    }
}
