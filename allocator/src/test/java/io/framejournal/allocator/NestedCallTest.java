package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment's metadata function is user code that runs inside the segment call, which holds the locks of the slots it
 * has reached. Before this test, a metadata function that allocated a frame from the same region waited forever for
 * a lock its own thread held, and one that read the slot it was filling did the same.
 */
class NestedCallTest {
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void a_call_from_a_metadata_function_on_the_same_region_fails_clearly_and_changes_nothing() {
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            long before = region.lastJournalIndex();
            assertTimeoutPreemptively(NO_HANG, () -> assertThatThrownBy(() -> alloc.allocSegmentWith(4, p -> {
                        alloc.allocFrame().close();
                        return NoMeta.INSTANCE;
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FRAME_FROM_UNUSED call on this region was made from inside its "
                            + "SEGMENT_FROM_UNUSED call")
                    .hasMessageContaining("make the call before or after"));
            assertThat(region.lastJournalIndex()).as("nothing journaled").isEqualTo(before);

            // the thread and the region go on: the segment's slots were unlocked, no call is left in progress
            try (Segment<NoMeta> s = alloc.allocSegment(4);
                    Frame<NoMeta> f = alloc.allocFrame()) {
                assertThat(s.nrPages()).isEqualTo(4);
                assertThat(region.slotState(f.startPaddr()).refCount).isEqualTo(1);
            }
        }
    }

    @Test
    void closing_the_region_from_a_metadata_function_fails_at_once_and_the_region_goes_on() {
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            long before = region.lastJournalIndex();
            assertTimeoutPreemptively(NO_HANG, () -> assertThatThrownBy(() -> alloc.allocSegmentWith(2, p -> {
                        region.close();
                        return NoMeta.INSTANCE;
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("called from inside a call on it"));
            assertThat(region.isClosed()).isFalse();
            assertThat(region.lastJournalIndex()).as("nothing journaled").isEqualTo(before);
            try (Segment<NoMeta> s = alloc.allocSegment(2)) {
                assertThat(s.nrPages()).isEqualTo(2);
            }
        }
    }

    @Test
    void a_metadata_function_reads_the_slots_its_call_holds_as_they_were_before_it() {
        try (MetaRegion region = TestRegions.create(tmp)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            List<Long> seen = new ArrayList<>();
            Segment<LongMeta> s = assertTimeoutPreemptively(
                    NO_HANG,
                    () -> alloc.allocSegmentWith(3, p -> {
                        SlotState st = region.slotState(p);
                        seen.add(st.refCount);
                        return new LongMeta(p, 0);
                    }));
            try (s) {
                assertThat(seen).containsExactly(RefCount.UNUSED, RefCount.UNUSED, RefCount.UNUSED);
                assertThat(region.slotState(s.startPaddr()).refCount).isEqualTo(1);
            }
        }
    }

    @Test
    void a_metadata_function_may_call_another_region() {
        try (MetaRegion region = TestRegions.create(tmp.resolve("a"));
                MetaRegion other = TestRegions.create(tmp.resolve("b"))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            FrameAllocOptions otherAlloc = new FrameAllocOptions(other);
            List<Frame<NoMeta>> elsewhere = new ArrayList<>();
            try (Segment<NoMeta> s = alloc.allocSegmentWith(2, p -> {
                elsewhere.add(otherAlloc.allocFrame());
                return NoMeta.INSTANCE;
            })) {
                assertThat(s.nrPages()).isEqualTo(2);
                assertThat(elsewhere).hasSize(2);
            }
            elsewhere.forEach(Frame::close);
        }
    }

    /**
     * Two segment calls, each in its metadata function, each reading a slot the other call holds: B (over slots 5..8,
     * its first slot a frame in use) reads slot 11 upwards, as its lock order allows; A (over 10..13) reads the
     * metadata of the frame at slot 5, below its slots. Before, A's read waited for slot 5's lock (held by B, waiting
     * for A's slot 11): both waited forever. A frame's metadata is now read through its handle without the lock.
     */
    @Test
    void metadata_functions_of_two_calls_reading_each_others_slots_do_not_deadlock() throws Exception {
        try (MetaRegion region = TestRegions.create(tmp)) {
            int page = TestRegions.PAGE;
            Frame<LongMeta> parent = Frame.fromUnused(region, 5L * page, new LongMeta(77, 0));
            CountDownLatch bHolds5 = new CountDownLatch(1);
            CountDownLatch aHolds11 = new CountDownLatch(1);
            CompletableFuture<Throwable> b = CompletableFuture.supplyAsync(() -> {
                try {
                    Segment.fromUnused(region, 5L * page, 8L * page, p -> {
                                bHolds5.countDown();
                                await(aHolds11);
                                region.slotState(11L * page);
                                return NoMeta.INSTANCE;
                            })
                            .close();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Segment<LongMeta> a = assertTimeoutPreemptively(
                    NO_HANG,
                    () -> Segment.fromUnused(region, 10L * page, 13L * page, p -> {
                        if (p == 11L * page) {
                            aHolds11.countDown();
                            await(bHolds5);
                        }
                        return new LongMeta(parent.meta().tag(), p);
                    }));
            Throwable bFailure = assertTimeoutPreemptively(NO_HANG, () -> b.get());
            assertThat(bFailure)
                    .as("B reached its first frame, in use")
                    .isInstanceOfSatisfying(
                            GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.IN_USE));
            assertThat(region.slotState(11L * page).meta0).isEqualTo(77);
            a.close();
            parent.close();
        }
    }

    /**
     * A metadata function reading a slot below those its call holds (not through a handle) is refused at once: waiting
     * for that lock would break the ascending lock order. Slots above are read as usual. The call fails, nothing
     * journaled.
     */
    @Test
    void a_metadata_function_reading_a_slot_below_its_calls_slots_is_refused() throws GetFrameException {
        try (MetaRegion region = TestRegions.create(tmp)) {
            int page = TestRegions.PAGE;
            long before = region.lastJournalIndex();
            List<Long> above = new ArrayList<>();
            try (Segment<NoMeta> s = Segment.fromUnused(region, 10L * page, 12L * page, p -> {
                above.add(region.slotState(p + 5L * page).refCount);
                return NoMeta.INSTANCE;
            })) {
                assertThat(above).containsExactly(RefCount.UNUSED, RefCount.UNUSED);
            }
            long afterFirst = region.lastJournalIndex();
            assertThatThrownBy(() -> Segment.fromUnused(region, 10L * page, 13L * page, p -> {
                        if (p == 12L * page) {
                            region.slotState(3L * page);
                        }
                        return NoMeta.INSTANCE;
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("slot 3 was read from inside a SEGMENT_FROM_UNUSED call")
                    .hasMessageContaining("read it before or after");
            assertThat(region.lastJournalIndex()).as("nothing journaled").isEqualTo(afterFirst);
            assertThat(afterFirst).isGreaterThan(before);
            assertThat(region.slotState(10L * page).isFree()).isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
