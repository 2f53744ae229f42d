package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
            assertThat(anchors.get(i).referenceCount())
                    .as("shared frame %d back to its anchor", i)
                    .isEqualTo(1);
            anchors.get(i).close();
        }
        SlotState s = new SlotState();
        for (int slot = 0; slot < region.config().nrSlots(); slot++) {
            region.slotStateAt(slot, s);
            assertThat(s.isFree() && s.obligations == 0 && s.raw == 0 && !s.metaInitialized())
                    .as("slot %d clean: %s", slot, s)
                    .isTrue();
        }
        region.close();
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    /**
     * One thread claims a frame, converts it to unique and back and drops its last reference, over and over, while
     * another takes it in use whenever it can, until the owner is done: from_in_use races the last drop and the
     * conversions. The intruder
     * sees the frame free, unique or in use, never half-built (BUSY), and the region ends clean.
     */
    @Test
    void from_in_use_races_the_last_drop_and_unique_conversions() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Path dir = region.dir();
        long paddr = 9L * TestRegions.PAGE;
        int rounds = ITERATIONS / 2;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean ownerDone = new AtomicBoolean();
        try {
            Future<int[]> owner = pool.submit(() -> {
                int[] seen = new int[GetFrameError.values().length];
                start.await();
                for (int i = 0; i < rounds; i++) {
                    Frame<LongMeta> f;
                    try {
                        f = Frame.fromUnused(region, paddr, new LongMeta(i, 0));
                    } catch (GetFrameException e) {
                        seen[e.error().ordinal()]++;
                        continue;
                    }
                    Optional<UniqueFrame<LongMeta>> u = UniqueFrame.tryFromShared(f);
                    if (u.isPresent()) {
                        u.get().setMeta(new LongMeta(i, 1));
                        f = u.get().intoShared();
                    }
                    f.close();
                }
                ownerDone.set(true);
                return seen;
            });
            Future<int[]> intruder = pool.submit(() -> {
                int[] seen = new int[GetFrameError.values().length];
                start.await();
                while (!ownerDone.get()) {
                    try {
                        Frame<LongMeta> g = Frame.fromInUse(region, paddr, LongMeta.class);
                        long v = g.meta().value();
                        if (v != 0 && v != 1) {
                            throw new AssertionError("from_in_use saw metadata " + g.meta() + " the owner never wrote");
                        }
                        g.close();
                    } catch (GetFrameException e) {
                        seen[e.error().ordinal()]++;
                    }
                }
                return seen;
            });
            start.countDown();
            int[] ownerSaw = owner.get(5, TimeUnit.MINUTES);
            int[] intruderSaw = intruder.get(5, TimeUnit.MINUTES);
            assertThat(ownerSaw[GetFrameError.BUSY.ordinal()] + intruderSaw[GetFrameError.BUSY.ordinal()])
                    .as("nobody ever sees a frame half-built or half-dropped")
                    .isZero();
            assertThat(ownerSaw[GetFrameError.UNIQUE.ordinal()])
                    .as("only the owner makes it unique")
                    .isZero();
        } finally {
            pool.shutdownNow();
        }
        SlotState s = region.slotState(paddr);
        assertThat(s.isFree() && s.obligations == 0 && s.raw == 0 && !s.metaInitialized())
                .as("clean: %s", s)
                .isTrue();
        region.close();
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    private static Callable<Long> worker(
            MetaRegion region, FrameAllocOptions alloc, List<Frame<LongMeta>> own, long seed, CountDownLatch start) {
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
