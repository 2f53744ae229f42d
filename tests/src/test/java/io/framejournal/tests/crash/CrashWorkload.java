package io.framejournal.tests.crash;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocException;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LongMeta;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.PaddrRange;
import io.framejournal.allocator.Segment;
import io.framejournal.allocator.UniqueFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One thread's share of the crash workload: a seeded random walk over the public allocator API that keeps a
 * bounded set of live handles and raw (forgotten) references. Most steps are compound segment operations of
 * 1..64 pages (from_unused, clone, slice, drop, into_raw, from_raw), so a kill often lands inside one.
 * Handles never cross threads, as in OSTD.
 */
final class CrashWorkload {
    private static final int MAX_HANDLES = 24;
    private static final int MAX_SEGMENT_PAGES = 64;

    private final MetaRegion region;
    private final FrameAllocOptions alloc;
    private final SplittableRandom rnd;
    private final Runnable afterEachOp;
    private final List<Frame<NoMeta>> frames = new ArrayList<>();
    private final List<UniqueFrame<LongMeta>> uniques = new ArrayList<>();
    private final List<Segment<LongMeta>> segments = new ArrayList<>();
    private final List<Long> rawFrames = new ArrayList<>();
    private final List<PaddrRange> rawSegments = new ArrayList<>();
    private final int pageSize;

    CrashWorkload(MetaRegion region, long seed, Runnable afterEachOp) {
        this.region = region;
        this.alloc = new FrameAllocOptions(region);
        this.rnd = new SplittableRandom(seed);
        this.afterEachOp = afterEachOp;
        this.pageSize = region.config().pageSize();
    }

    void runForever() {
        while (true) {
            step();
            afterEachOp.run();
        }
    }

    private int held() {
        return frames.size() + uniques.size() + segments.size() + rawFrames.size() + rawSegments.size();
    }

    /** One public call (or a short chain of them), chosen at random. */
    void step() {
        if (held() > MAX_HANDLES) {
            releaseSomething();
            return;
        }
        int dice = rnd.nextInt(100);
        try {
            if (dice < 18) {
                int pages = 1 + rnd.nextInt(MAX_SEGMENT_PAGES);
                long tag = rnd.nextLong();
                segments.add(alloc.allocSegmentWith(pages, p -> new LongMeta(tag, p)));
            } else if (dice < 28) {
                withSegment(s -> segments.add(s.clone()));
            } else if (dice < 38) {
                withSegment(this::slice);
            } else if (dice < 44) {
                withSegment(this::split);
            } else if (dice < 50) {
                withSegment(this::next);
            } else if (dice < 58) {
                withSegment(s -> rawSegments.add(take(segments, s).intoRaw()));
            } else if (dice < 64) {
                restoreSegment();
            } else if (dice < 72) {
                frames.add(alloc.allocFrame());
            } else if (dice < 76) {
                if (!frames.isEmpty()) {
                    frames.add(pick(frames).clone());
                }
            } else if (dice < 80) {
                if (!frames.isEmpty()) {
                    Frame<NoMeta> f = pick(frames);
                    rawFrames.add(take(frames, f).intoRaw());
                }
            } else if (dice < 83) {
                if (!rawFrames.isEmpty()) {
                    frames.add(Frame.fromRaw(region, rawFrames.remove(rnd.nextInt(rawFrames.size()))));
                }
            } else if (dice < 88) {
                uniques.add(alloc.allocUniqueFrameWith(new LongMeta(rnd.nextLong(), 0)));
            } else if (dice < 92) {
                uniqueStep();
            } else if (dice < 94) {
                if (!frames.isEmpty()) {
                    Frame<NoMeta> f = pick(frames);
                    Optional<UniqueFrame<NoMeta>> u = UniqueFrame.tryFromShared(f);
                    if (u.isPresent()) {
                        frames.remove(f);
                        frames.add(u.get().intoShared());
                    }
                }
            } else {
                releaseSomething();
            }
        } catch (FrameAllocException full) {
            releaseSomething();
            releaseSomething();
        }
    }

    private void slice(Segment<LongMeta> s) {
        int pages = s.nrPages();
        int a = rnd.nextInt(pages);
        int b = a + 1 + rnd.nextInt(pages - a);
        segments.add(s.slice((long) a * pageSize, (long) b * pageSize));
    }

    private void split(Segment<LongMeta> s) {
        if (s.nrPages() < 2) {
            return;
        }
        long at = (long) (1 + rnd.nextInt(s.nrPages() - 1)) * pageSize;
        Segment.Halves<LongMeta> h = take(segments, s).split(at);
        segments.add(h.left());
        segments.add(h.right());
    }

    private void next(Segment<LongMeta> s) {
        Frame<LongMeta> f = s.next();
        f.close();
        if (s.nrPages() == 0) {
            take(segments, s).close();
        }
    }

    private void restoreSegment() {
        if (rawSegments.isEmpty()) {
            return;
        }
        PaddrRange r = rawSegments.remove(rnd.nextInt(rawSegments.size()));
        segments.add(Segment.fromRaw(region, r, LongMeta.class));
    }

    private void uniqueStep() {
        if (uniques.isEmpty()) {
            return;
        }
        UniqueFrame<LongMeta> u = pick(uniques);
        switch (rnd.nextInt(4)) {
            case 0:
                u.setMeta(new LongMeta(rnd.nextLong(), 1));
                break;
            case 1:
                take(uniques, u).resetAsUnused();
                break;
            case 2:
                Frame<LongMeta> shared = take(uniques, u).intoShared();
                UniqueFrame.tryFromShared(shared).ifPresentOrElse(uniques::add, shared::close);
                break;
            default:
                take(uniques, u).close();
                break;
        }
    }

    /** Drops one held thing: a handle, or a raw reference restored and dropped. */
    private void releaseSomething() {
        int dice = rnd.nextInt(5);
        if (dice == 0 && !frames.isEmpty()) {
            take(frames, pick(frames)).close();
        } else if (dice == 1 && !uniques.isEmpty()) {
            take(uniques, pick(uniques)).close();
        } else if (dice == 2 && !rawFrames.isEmpty()) {
            Frame.fromRaw(region, rawFrames.remove(rnd.nextInt(rawFrames.size())))
                    .close();
        } else if (dice == 3 && !rawSegments.isEmpty()) {
            Segment.fromRaw(region, rawSegments.remove(rnd.nextInt(rawSegments.size())), LongMeta.class)
                    .close();
        } else if (!segments.isEmpty()) {
            take(segments, pick(segments)).close();
        } else if (!frames.isEmpty()) {
            take(frames, pick(frames)).close();
        } else if (!rawSegments.isEmpty()) {
            restoreSegment();
        }
    }

    private interface SegmentStep {
        void apply(Segment<LongMeta> s);
    }

    private void withSegment(SegmentStep step) {
        if (!segments.isEmpty()) {
            step.apply(pick(segments));
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private static <T> T take(List<T> list, T item) {
        list.remove(item);
        return item;
    }
}
