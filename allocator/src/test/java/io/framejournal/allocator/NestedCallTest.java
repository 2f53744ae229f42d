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
}
