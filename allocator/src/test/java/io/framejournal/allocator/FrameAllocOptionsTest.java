package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allocator: next-fit over free slots, contiguous runs for segments, clean failures. */
class FrameAllocOptionsTest extends RegionTestBase {

    @Test
    void a_zero_frame_segment_is_an_invalid_argument() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> alloc.allocSegment(0)).isInstanceOf(IllegalArgumentException.class);
        before.assertUnchanged(region);
    }

    @Test
    void a_request_larger_than_any_free_run_fails_and_changes_nothing() {
        int nr = region.config().nrSlots();
        List<Frame<NoMeta>> frames = new ArrayList<>();
        for (int i = 0; i < nr; i++) {
            frames.add(alloc.allocFrame());
        }
        for (int i = 0; i < nr; i += 2) {
            frames.get(i).close();
        }
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> alloc.allocSegment(2))
                .isInstanceOf(FrameAllocException.class)
                .hasMessageContaining(nr / 2 + " frames free, the longest free run is 1");
        assertThatThrownBy(() -> alloc.allocSegment(nr + 1)).isInstanceOf(FrameAllocException.class);
        before.assertUnchanged(region);

        Segment<NoMeta> one = alloc.allocSegment(1);
        one.close();
        frames.get(5).close();
        Segment<NoMeta> three = alloc.allocSegment(3);
        assertThat(three.startPaddr()).as("the only run of three").isEqualTo(4L * PAGE);
        three.close();
        for (int i = 1; i < nr; i += 2) {
            if (i != 5) {
                frames.get(i).close();
            }
        }
    }

    @Test
    void a_full_region_fails_cleanly() {
        Segment<NoMeta> all = alloc.allocSegment(region.config().nrSlots());
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(alloc::allocFrame)
                .isInstanceOf(FrameAllocException.class)
                .hasMessageContaining("in use");
        assertThatThrownBy(() -> alloc.allocUniqueFrameWith(NoMeta.INSTANCE)).isInstanceOf(FrameAllocException.class);
        assertThatThrownBy(() -> alloc.allocSegment(1)).isInstanceOf(FrameAllocException.class);
        before.assertUnchanged(region);
        all.close();
    }

    @Test
    void segments_are_found_behind_the_cursor() {
        int nr = region.config().nrSlots();
        Segment<NoMeta> head = alloc.allocSegment(8);
        Segment<NoMeta> rest = alloc.allocSegment(nr - 8);
        head.close();
        rest.close();
        // the cursor sits at slot 8 (where rest began); the region is free again: a full-size run starts at 0
        Segment<NoMeta> whole = alloc.allocSegment(nr);
        assertThat(whole.startPaddr()).isZero();
        whole.close();
    }

    @Test
    void allocation_skips_frames_in_use() throws GetFrameException {
        Frame<NoMeta> a = Frame.fromUnused(region, 0, NoMeta.INSTANCE);
        UniqueFrame<NoMeta> b = UniqueFrame.fromUnused(region, PAGE, NoMeta.INSTANCE);
        Frame<NoMeta> c = alloc.allocFrame();
        assertThat(c.startPaddr()).isEqualTo(2L * PAGE);
        Segment<NoMeta> s = alloc.allocSegment(2);
        assertThat(s.startPaddr()).isEqualTo(3L * PAGE);
        a.close();
        b.close();
        c.close();
        s.close();
    }
}
