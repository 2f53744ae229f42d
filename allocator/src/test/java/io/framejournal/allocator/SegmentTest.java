package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OSTD's segment tests ({@code ostd/src/mm/frame/test.rs}, module {@code segment}) and the Java handle rules. */
class SegmentTest extends RegionTestBase {

    @Test
    void segment_creation() {
        int frames = 64;
        Segment<NoMeta> segment = alloc.allocSegment(frames);
        assertThat(segment.size()).isEqualTo((long) frames * PAGE);
        assertThat(segment.nrPages()).isEqualTo(frames);
        assertThat(segment.endPaddr() - segment.startPaddr()).isEqualTo((long) frames * PAGE);
        for (long p = segment.startPaddr(); p < segment.endPaddr(); p += PAGE) {
            SlotState s = slot(p);
            assertThat(s.refCount).isEqualTo(1);
            assertThat(s.obligations).as("one obligation per frame covered").isEqualTo(1);
        }
        segment.close();
    }

    @Test
    void max_segment_creation() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> alloc.allocSegment(Integer.MAX_VALUE)).isInstanceOf(FrameAllocException.class);
        before.assertUnchanged(region);
    }

    @Test
    void empty_segment_creation() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> alloc.allocSegment(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alloc.allocSegment(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Segment.fromUnused(region, 4 * PAGE, 4 * PAGE, p -> NoMeta.INSTANCE))
                .isInstanceOf(FramePanicException.class);
        before.assertUnchanged(region);
    }

    @Test
    void segment_split() {
        Segment<NoMeta> segment = alloc.allocSegment(2);
        long start = segment.startPaddr();
        long handle = segment.handleId();
        long journalBefore = region.lastJournalIndex();
        Segment.Halves<NoMeta> halves = segment.split(PAGE);
        assertThat(region.lastJournalIndex()).as("split journals nothing").isEqualTo(journalBefore);
        assertThat(segment.isClosed()).as("split consumes the segment").isTrue();
        assertThat(halves.left().size()).isEqualTo(PAGE);
        assertThat(halves.right().size()).isEqualTo(PAGE);
        assertThat(halves.left().startPaddr()).isEqualTo(start);
        assertThat(halves.right().startPaddr()).isEqualTo(start + PAGE);
        assertThat(halves.left().handleId()).isEqualTo(handle);
        assertThat(halves.right().handleId()).isEqualTo(handle);
        halves.left().close();
        assertThat(slot(start).isFree()).isTrue();
        assertThat(slot(start + PAGE).refCount).isEqualTo(1);
        halves.right().close();
        assertThat(slot(start + PAGE).isFree()).isTrue();
    }

    @Test
    void segment_slice() {
        Segment<NoMeta> segment = alloc.allocSegment(3);
        Segment<NoMeta> slice = segment.slice(PAGE, 2 * PAGE);
        long middle = slice.startPaddr();
        assertThat(slice.size()).isEqualTo(PAGE);
        assertThat(slice.startPaddr()).isEqualTo(segment.startPaddr() + PAGE);
        assertThat(slot(segment.startPaddr()).refCount).isEqualTo(1);
        assertThat(slot(slice.startPaddr()).refCount)
                .as("the slice holds its own reference")
                .isEqualTo(2);
        assertThat(slot(slice.startPaddr()).obligations).isEqualTo(2);
        segment.close();
        assertThat(slot(slice.startPaddr()).refCount).isEqualTo(1);
        assertThat(slot(slice.startPaddr() - PAGE).isFree()).isTrue();
        slice.close();
        assertThat(slot(middle).isFree()).isTrue();
    }

    @Test
    void empty_slice_holds_nothing() {
        Segment<NoMeta> segment = alloc.allocSegment(2);
        RegionSnapshot before = RegionSnapshot.of(region);
        Segment<NoMeta> empty = segment.slice(PAGE, PAGE);
        assertThat(empty.nrPages()).isZero();
        assertThat(empty.next()).isNull();
        empty.close();
        before.assertSlotsUnchanged(region, true);
        segment.close();
    }

    @Test
    void segment_clone() {
        Segment<NoMeta> segment = alloc.allocSegment(4);
        Segment<NoMeta> twin = segment.clone();
        long start = segment.startPaddr();
        long end = segment.endPaddr();
        assertThat(twin.startPaddr()).isEqualTo(segment.startPaddr());
        assertThat(twin.endPaddr()).isEqualTo(segment.endPaddr());
        for (long p = segment.startPaddr(); p < segment.endPaddr(); p += PAGE) {
            assertThat(slot(p).refCount).isEqualTo(2);
            assertThat(slot(p).obligations).isEqualTo(2);
        }
        segment.close();
        assertThat(slot(start).refCount).isEqualTo(1);
        twin.close();
        for (long p = start; p < end; p += PAGE) {
            assertThat(slot(p).isFree()).isTrue();
        }
    }

    @Test
    void segment_iteration() {
        int frames = 2;
        Segment<LongMeta> segment = alloc.allocSegmentWith(frames, p -> new LongMeta(42, p));
        long start = segment.startPaddr();
        int count = 0;
        List<Frame<LongMeta>> taken = new ArrayList<>();
        for (Frame<LongMeta> frame : segment) {
            assertThat(frame.meta().tag()).isEqualTo(42);
            assertThat(frame.meta().value()).isEqualTo(frame.startPaddr());
            assertThat(frame.startPaddr()).isEqualTo(start + (long) count * PAGE);
            assertThat(frame.referenceCount()).isEqualTo(1);
            taken.add(frame);
            count++;
        }
        assertThat(count).isEqualTo(frames);
        assertThat(segment.nrPages()).isZero();
        assertThat(segment.next()).isNull();
        for (Frame<LongMeta> frame : taken) {
            assertThat(slot(frame.startPaddr()).obligations)
                    .as("the obligation moved to the frame handle")
                    .isEqualTo(1);
            frame.close();
        }
        segment.close();
        assertThat(slot(start).isFree()).isTrue();
        assertThat(slot(start + PAGE).isFree()).isTrue();
    }

    @Test
    void closing_a_partly_iterated_segment_drops_only_what_it_still_covers() {
        Segment<NoMeta> segment = alloc.allocSegment(3);
        long start = segment.startPaddr();
        Frame<NoMeta> first = segment.next();
        segment.close();
        assertThat(slot(start).refCount).isEqualTo(1);
        assertThat(slot(start + PAGE).isFree()).isTrue();
        assertThat(slot(start + 2 * PAGE).isFree()).isTrue();
        first.close();
    }

    @Test
    void invalid_segment_split() {
        Segment<NoMeta> segment = alloc.allocSegment(2);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> segment.split(0)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.split(2 * PAGE)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.split(PAGE / 2)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.split(3 * PAGE)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.split(-PAGE)).isInstanceOf(FramePanicException.class);
        before.assertUnchanged(region);
        assertThat(segment.isClosed())
                .as("a refused split leaves the segment usable")
                .isFalse();
        segment.close();
    }

    @Test
    void segment_slice_out_of_bounds() {
        Segment<NoMeta> segment = alloc.allocSegment(3);
        long huge = Long.MAX_VALUE - (PAGE - 1);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> segment.slice(huge, huge)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.slice(0, 4 * PAGE)).isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.slice(2 * PAGE, PAGE)).as("reversed").isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.slice(1, PAGE)).as("misaligned start").isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.slice(0, PAGE + 1))
                .as("misaligned end")
                .isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> segment.slice(-PAGE, PAGE)).isInstanceOf(FramePanicException.class);
        before.assertUnchanged(region);
        segment.close();
    }

    @Test
    void frame_to_segment() {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(42, 0));
        long paddr = frame.startPaddr();
        Segment<LongMeta> segment = Segment.from(frame);
        assertThat(frame.isClosed()).isTrue();
        assertThat(segment.size()).isEqualTo(PAGE);
        assertThat(segment.startPaddr()).isEqualTo(paddr);
        assertThat(slot(paddr).refCount).isEqualTo(1);
        assertThat(slot(paddr).obligations).isEqualTo(1);
        int count = 0;
        for (Frame<LongMeta> f : segment) {
            assertThat(f.meta().tag()).isEqualTo(42);
            f.close();
            count++;
        }
        assertThat(count).isEqualTo(1);
        segment.close();
        assertThat(slot(paddr).isFree()).isTrue();
    }

    @Test
    void segment_drop() {
        Segment<NoMeta> segment = alloc.allocSegment(1);
        long paddrBefore = segment.startPaddr();
        segment.close();
        assertThat(slot(paddrBefore).isFree()).isTrue();
        Segment<NoMeta> newSegment = alloc.allocSegment(1);
        assertThat(newSegment.startPaddr()).isEqualTo(paddrBefore);
        newSegment.close();
    }

    @Test
    void into_raw_and_from_raw() {
        Segment<LongMeta> segment = alloc.allocSegmentWith(3, p -> new LongMeta(5, p));
        PaddrRange range = segment.intoRaw();
        assertThat(range.size()).isEqualTo(3L * PAGE);
        for (long p = range.start(); p < range.end(); p += PAGE) {
            assertThat(slot(p).raw).isEqualTo(1);
            assertThat(slot(p).obligations).isZero();
            assertThat(slot(p).refCount).isEqualTo(1);
        }
        Segment<LongMeta> back = Segment.fromRaw(region, range, LongMeta.class);
        assertThat(back.startPaddr()).isEqualTo(range.start());
        for (long p = range.start(); p < range.end(); p += PAGE) {
            assertThat(slot(p).raw).isZero();
            assertThat(slot(p).obligations).isEqualTo(1);
        }
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Segment.fromRaw(region, range, LongMeta.class))
                .as("restoring twice")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Segment.fromRaw(region, new PaddrRange(range.end(), range.start()), LongMeta.class))
                .isInstanceOf(FramePanicException.class);
        // an empty range (what an exhausted segment's intoRaw returns) restores to an empty segment, changing nothing
        Segment<LongMeta> empty = Segment.fromRaw(region, new PaddrRange(range.start(), range.start()), LongMeta.class);
        assertThat(empty.nrPages()).isZero();
        empty.close();
        before.assertUnchanged(region);
        back.close();
    }

    @Test
    void segment_from_raw_checks_every_frame_before_changing_any() {
        Segment<NoMeta> segment = alloc.allocSegment(3);
        PaddrRange range = segment.intoRaw();
        Frame<NoMeta> last = Frame.fromRaw(region, range.end() - PAGE);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Segment.fromRaw(region, range, NoMeta.class))
                .isInstanceOf(IllegalStateException.class);
        before.assertUnchanged(region);
        last.close();
        Segment.fromRaw(region, new PaddrRange(range.start(), range.end() - PAGE), NoMeta.class)
                .close();
        assertThat(slot(range.start()).refCount).isEqualTo(RefCount.UNUSED);
    }

    @Test
    void closing_twice_or_using_a_closed_segment_is_an_illegal_state() {
        Segment<NoMeta> segment = alloc.allocSegment(2);
        segment.close();
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(segment::close).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(segment::clone).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(segment::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.slice(0, PAGE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.split(PAGE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(segment::intoRaw).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(segment::size).isInstanceOf(IllegalStateException.class);
        assertThat(segment.iterator().hasNext()).isFalse();
        before.assertUnchanged(region);
    }
}
