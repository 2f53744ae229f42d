package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's contracts ({@code segment.rs}) at their edges that {@link ContractErrorsTest} and {@link SegmentTest} do
 * not reach: a listed frame inside a segment's range, failures at the first and the last frame, one-page segments,
 * a reference count one below MAX, and the per-frame order of a segment's teardown.
 */
class SeedEdgeCasesTest extends RegionTestBase {
    private long maxPaddr() {
        return region.config().maxPaddr();
    }

    private static GetFrameError errorOf(Throwable t) {
        return ((GetFrameException) t).error();
    }

    /** A unique frame on a list in the range: {@code Err(Unique)} at that frame, the list keeps it, nothing changes. */
    @Test
    void segment_from_unused_stops_at_a_listed_unique_frame() throws GetFrameException {
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 12 * PAGE, NoMeta.INSTANCE);
        FrameList<NoMeta> list = new FrameList<>(region);
        list.pushBack(unique);
        RegionSnapshot before = RegionSnapshot.of(region);
        List<Long> metaCalls = new ArrayList<>();
        assertThatThrownBy(() -> Segment.fromUnused(region, 10 * PAGE, 14 * PAGE, p -> {
                    metaCalls.add(p);
                    return NoMeta.INSTANCE;
                }))
                .isInstanceOfSatisfying(GetFrameException.class, e -> {
                    assertThat(e.error()).isEqualTo(GetFrameError.UNIQUE);
                    assertThat(e.paddr()).isEqualTo(12 * PAGE);
                });
        assertThat(metaCalls).containsExactly(10L * PAGE, 11L * PAGE, 12L * PAGE);
        assertThatThrownBy(() -> Frame.fromInUse(region, 12 * PAGE))
                .satisfies(t -> assertThat(errorOf(t)).isEqualTo(GetFrameError.UNIQUE));
        before.assertUnchanged(region);
        assertThat(slotAt(12).inList).isEqualTo(list.id());
        assertThat(list.popFront()).isSameAs(unique);
        unique.close();
    }

    /**
     * The first frame failing calls the metadata function once; the last one (at MAX_PADDR's page) calls it for every
     * frame. Either way nothing changes, and the locks are released: the same ranges succeed once their frames are free.
     */
    @Test
    void segment_from_unused_failing_at_its_first_or_last_frame() throws GetFrameException {
        Frame<NoMeta> first = Frame.fromUnused(region, 20 * PAGE, NoMeta.INSTANCE);
        Frame<NoMeta> last = Frame.fromUnused(region, maxPaddr() - PAGE, NoMeta.INSTANCE);
        RegionSnapshot before = RegionSnapshot.of(region);
        List<Long> metaCalls = new ArrayList<>();
        assertThatThrownBy(() -> Segment.fromUnused(region, 20 * PAGE, 23 * PAGE, p -> {
                    metaCalls.add(p);
                    return NoMeta.INSTANCE;
                }))
                .satisfies(t -> assertThat(errorOf(t)).isEqualTo(GetFrameError.IN_USE));
        assertThat(metaCalls).containsExactly(20L * PAGE);
        metaCalls.clear();
        assertThatThrownBy(() -> Segment.fromUnused(region, maxPaddr() - 3 * PAGE, maxPaddr(), p -> {
                    metaCalls.add(p);
                    return NoMeta.INSTANCE;
                }))
                .isInstanceOfSatisfying(
                        GetFrameException.class, e -> assertThat(e.paddr()).isEqualTo(maxPaddr() - PAGE));
        assertThat(metaCalls).containsExactly(maxPaddr() - 3 * PAGE, maxPaddr() - 2 * PAGE, maxPaddr() - PAGE);
        before.assertUnchanged(region);
        first.close();
        last.close();
        Segment.fromUnused(region, 20 * PAGE, 23 * PAGE, p -> NoMeta.INSTANCE).close();
        Segment.fromUnused(region, maxPaddr() - 3 * PAGE, maxPaddr(), p -> NoMeta.INSTANCE)
                .close();
        assertThat(slotAt(22).isFree()).isTrue();
    }

    /**
     * A one-page segment: the seed's postconditions on its slot; no split offset is valid; slices may be empty (at 0
     * or at its end) or the whole page; negative or out-of-range offsets panic with nothing changed.
     */
    @Test
    void one_page_segment_boundaries() throws GetFrameException {
        Segment<LongMeta> one = Segment.fromUnused(region, 5 * PAGE, 6 * PAGE, p -> new LongMeta(7, p));
        SlotState s = slotAt(5);
        assertThat(s.refCount).isEqualTo(1);
        assertThat(s.usage).isEqualTo(Usage.FRAME.code());
        assertThat(s.obligations).isEqualTo(1);
        assertThat(s.raw).isZero();
        assertThat(s.inList).isZero();
        assertThat(s.metaType).isEqualTo(LongMeta.CODEC.typeId());
        assertThat(s.meta1).isEqualTo(5L * PAGE);
        RegionSnapshot before = RegionSnapshot.of(region);
        for (long offset : new long[] {0, PAGE, -PAGE, 1, 2 * PAGE}) {
            assertThatThrownBy(() -> one.split(offset)).isInstanceOf(FramePanicException.class);
        }
        for (long[] r : new long[][] {{-PAGE, 0}, {0, 2 * PAGE}, {PAGE, 0}, {0, -PAGE}, {Long.MIN_VALUE, 0}}) {
            assertThatThrownBy(() -> one.slice(r[0], r[1])).isInstanceOf(FramePanicException.class);
        }
        Segment<LongMeta> emptyAtStart = one.slice(0, 0);
        Segment<LongMeta> emptyAtEnd = one.slice(PAGE, PAGE);
        assertThat(emptyAtStart.startPaddr()).isEqualTo(5L * PAGE);
        assertThat(emptyAtEnd.startPaddr()).isEqualTo(6L * PAGE);
        before.assertUnchanged(region);
        Segment<LongMeta> whole = one.slice(0, PAGE);
        assertThat(slotAt(5).refCount).isEqualTo(2);
        whole.close();
        emptyAtStart.close();
        emptyAtEnd.close();
        one.close();
        assertThat(slotAt(5).isFree()).isTrue();
        assertThat(slotAt(5).metaInitialized()).isFalse();
    }

    /** OSTD's inc_ref_count aborts only when the count already is MAX: MAX-1 may still be cloned, once. */
    @Test
    void a_reference_count_one_below_max_still_clones() throws GetFrameException {
        Frame<NoMeta> frame = Frame.fromUnused(region, 3 * PAGE, NoMeta.INSTANCE);
        region.engine().incRefCount(3, OpCode.INC_REF_COUNT, 0, RefCount.MAX - 2);
        assertThat(frame.referenceCount()).isEqualTo(RefCount.MAX - 1);
        Frame<NoMeta> clone = frame.clone();
        assertThat(frame.referenceCount()).isEqualTo(RefCount.MAX);
        assertThatThrownBy(frame::clone).isInstanceOf(FramePanicException.class);
        clone.close();
        Frame<NoMeta> inUse = Frame.fromInUse(region, 3 * PAGE);
        assertThat(frame.referenceCount()).isEqualTo(RefCount.MAX);
        inUse.close();
        frame.close();
        assertThat(slotAt(3).refCount).isEqualTo(RefCount.MAX - 2);
    }

    /**
     * A frame a segment and a handle share cannot be made unique; once the segment is dropped it can, and reset
     * frees it.
     */
    @Test
    void try_from_shared_of_a_frame_a_segment_also_holds() throws GetFrameException {
        Segment<NoMeta> segment = Segment.fromUnused(region, 30 * PAGE, 32 * PAGE, p -> NoMeta.INSTANCE);
        Frame<NoMeta> extra = Frame.fromInUse(region, 30 * PAGE);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThat(UniqueFrame.tryFromShared(extra)).isEmpty();
        before.assertUnchanged(region);
        segment.close();
        assertThat(slotAt(30).refCount).isEqualTo(1);
        assertThat(slotAt(31).isFree()).isTrue();
        UniqueFrame<NoMeta> unique = UniqueFrame.tryFromShared(extra).orElseThrow();
        assertThat(slotAt(30).refCount).isEqualTo(RefCount.UNIQUE);
        assertThat(slotAt(30).obligations).isEqualTo(1);
        unique.resetAsUnused();
        assertThat(slotAt(30).isFree()).isTrue();
    }

    /**
     * The seed makes a segment's frames in ascending order and drops them in ascending order; a frame another handle
     * still holds keeps its metadata.
     */
    @Test
    void segment_frames_are_made_and_dropped_in_ascending_order() throws GetFrameException {
        long before = region.lastJournalIndex();
        Segment<NoMeta> segment = Segment.fromUnused(region, 40 * PAGE, 44 * PAGE, p -> NoMeta.INSTANCE);
        Frame<NoMeta> kept = Frame.fromInUse(region, 42 * PAGE);
        long made = region.lastJournalIndex();
        segment.close();
        List<JournalEvent> writes = JournalAssertions.events(
                region.dir(), e -> e.index > before && e.index <= made && e.kind == EventKind.META_WRITE);
        assertThat(writes).extracting(e -> e.slot).containsExactly(40, 41, 42, 43);
        List<JournalEvent> drops =
                JournalAssertions.events(region.dir(), e -> e.index > made && e.kind == EventKind.META_DROP);
        assertThat(drops).extracting(e -> e.slot).containsExactly(40, 41, 43);
        assertThat(slotAt(42).refCount).isEqualTo(1);
        kept.close();
        assertThat(slotAt(42).isFree()).isTrue();
    }
}
