package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every {@code Err(GetFrameError)} and {@code may_panic} case of the seed's contracts ({@code segment.rs}): the right
 * error, and slots, ledger and journal as they were before the call.
 */
class ContractErrorsTest extends RegionTestBase {
    private long maxPaddr() {
        return region.config().maxPaddr();
    }

    /** The call fails with {@code error} and changes no slot and journals nothing. */
    private void assertGetFrameError(GetFrameError error, ThrowingCallable call) {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(call).isInstanceOfSatisfying(GetFrameException.class, e -> assertThat(e.error())
                .isEqualTo(error));
        before.assertUnchanged(region);
    }

    /** The call panics and changes no slot and journals nothing. */
    private void assertPanics(ThrowingCallable call) {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(call).isInstanceOf(FramePanicException.class);
        before.assertUnchanged(region);
    }

    /** The call fails with {@code type} and changes no slot and journals nothing. */
    private void assertRefused(Class<? extends Throwable> type, ThrowingCallable call) {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(call).isInstanceOf(type);
        before.assertUnchanged(region);
    }

    @Test
    void frame_from_unused_errors() throws GetFrameException {
        assertGetFrameError(GetFrameError.NOT_ALIGNED, () -> Frame.fromUnused(region, 1, NoMeta.INSTANCE));
        assertGetFrameError(GetFrameError.NOT_ALIGNED, () -> Frame.fromUnused(region, maxPaddr() + 1, NoMeta.INSTANCE));
        assertGetFrameError(GetFrameError.OUT_OF_BOUND, () -> Frame.fromUnused(region, maxPaddr(), NoMeta.INSTANCE));
        assertGetFrameError(GetFrameError.OUT_OF_BOUND, () -> Frame.fromUnused(region, -PAGE, NoMeta.INSTANCE));
        Frame<NoMeta> last = Frame.fromUnused(region, maxPaddr() - PAGE, NoMeta.INSTANCE);
        assertGetFrameError(GetFrameError.IN_USE, () -> Frame.fromUnused(region, maxPaddr() - PAGE, NoMeta.INSTANCE));
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 0, NoMeta.INSTANCE);
        assertGetFrameError(GetFrameError.UNIQUE, () -> Frame.fromUnused(region, 0, NoMeta.INSTANCE));
        last.close();
        unique.close();
    }

    @Test
    void unique_from_unused_errors() throws GetFrameException {
        assertGetFrameError(GetFrameError.NOT_ALIGNED, () -> UniqueFrame.fromUnused(region, PAGE + 8, NoMeta.INSTANCE));
        assertGetFrameError(
                GetFrameError.OUT_OF_BOUND, () -> UniqueFrame.fromUnused(region, maxPaddr(), NoMeta.INSTANCE));
        Frame<NoMeta> shared = Frame.fromUnused(region, PAGE, NoMeta.INSTANCE);
        assertGetFrameError(GetFrameError.IN_USE, () -> UniqueFrame.fromUnused(region, PAGE, NoMeta.INSTANCE));
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 2 * PAGE, NoMeta.INSTANCE);
        assertGetFrameError(GetFrameError.UNIQUE, () -> UniqueFrame.fromUnused(region, 2 * PAGE, NoMeta.INSTANCE));
        shared.close();
        unique.close();
    }

    @Test
    void frame_from_in_use_errors() throws GetFrameException {
        assertGetFrameError(GetFrameError.NOT_ALIGNED, () -> Frame.fromInUse(region, 3));
        assertGetFrameError(GetFrameError.OUT_OF_BOUND, () -> Frame.fromInUse(region, maxPaddr()));
        assertGetFrameError(GetFrameError.UNUSED, () -> Frame.fromInUse(region, 4 * PAGE));
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 4 * PAGE, NoMeta.INSTANCE);
        assertGetFrameError(GetFrameError.UNIQUE, () -> Frame.fromInUse(region, 4 * PAGE));
        unique.close();
        assertGetFrameError(GetFrameError.UNUSED, () -> Frame.fromInUse(region, 4 * PAGE));
    }

    /**
     * BUSY is refCount 0: a frame another thread is constructing or destructing. The engine never leaves a slot at 0
     * outside its lock, so this test puts one there by hand (as a constructor part way would) and takes it back.
     */
    @Test
    void busy_frames() throws GetFrameException {
        int slot = 7;
        Frame<NoMeta> neighbour = Frame.fromUnused(region, 6 * PAGE, NoMeta.INSTANCE);
        SlotState original = slotAt(slot);
        SlotState busy = new SlotState();
        busy.copyFrom(original);
        busy.refCount = 0;
        storeByHand(slot, busy);
        try {
            assertGetFrameError(GetFrameError.BUSY, () -> Frame.fromUnused(region, slot * PAGE, NoMeta.INSTANCE));
            assertGetFrameError(GetFrameError.BUSY, () -> UniqueFrame.fromUnused(region, slot * PAGE, NoMeta.INSTANCE));
            assertGetFrameError(GetFrameError.BUSY, () -> Frame.fromInUse(region, slot * PAGE));
            RegionSnapshot before = RegionSnapshot.of(region);
            assertThatThrownBy(() -> Segment.fromUnused(region, 4 * PAGE, 10 * PAGE, p -> NoMeta.INSTANCE))
                    .isInstanceOfSatisfying(GetFrameException.class, e -> {
                        assertThat(e.error()).isEqualTo(GetFrameError.IN_USE);
                        assertThat(e.paddr())
                                .as("the first frame it could not claim")
                                .isEqualTo(6 * PAGE);
                    });
            assertThatThrownBy(() -> Segment.fromUnused(region, 7 * PAGE, 10 * PAGE, p -> NoMeta.INSTANCE))
                    .isInstanceOfSatisfying(
                            GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.BUSY));
            before.assertSlotsUnchanged(region, false);
        } finally {
            storeByHand(slot, original);
        }
        neighbour.close();
    }

    private void storeByHand(int slot, SlotState s) {
        SlotTable table = region.table();
        table.lock(slot);
        try {
            table.store(slot, s);
        } finally {
            table.unlock(slot);
        }
    }

    @Test
    void segment_from_unused_errors_in_the_seeds_order() {
        assertGetFrameError(
                GetFrameError.NOT_ALIGNED, () -> Segment.fromUnused(region, 1, 2 * PAGE, p -> NoMeta.INSTANCE));
        assertGetFrameError(
                GetFrameError.NOT_ALIGNED, () -> Segment.fromUnused(region, 0, 2 * PAGE + 1, p -> NoMeta.INSTANCE));
        assertGetFrameError(
                GetFrameError.NOT_ALIGNED,
                () -> Segment.fromUnused(region, 1, maxPaddr() + 2 * PAGE, p -> NoMeta.INSTANCE));
        assertGetFrameError(
                GetFrameError.OUT_OF_BOUND,
                () -> Segment.fromUnused(region, 0, maxPaddr() + PAGE, p -> NoMeta.INSTANCE));
        assertGetFrameError(
                GetFrameError.OUT_OF_BOUND,
                () -> Segment.fromUnused(region, maxPaddr() + 2 * PAGE, maxPaddr() + PAGE, p -> NoMeta.INSTANCE));
        assertPanics(() -> Segment.fromUnused(region, 8 * PAGE, 8 * PAGE, p -> NoMeta.INSTANCE));
        assertPanics(() -> Segment.fromUnused(region, 8 * PAGE, 4 * PAGE, p -> NoMeta.INSTANCE));
        assertPanics(() -> Segment.fromUnused(region, maxPaddr(), maxPaddr(), p -> NoMeta.INSTANCE));
    }

    /**
     * The seed's {@code range.end > MAX_PADDR} compares unsigned addresses: an aligned negative end (2^64 - 4096, or
     * 2^63) is past MAX_PADDR, so {@code Err(OutOfBound)}, not the {@code start < end} panic that follows the check.
     */
    @Test
    void segment_with_a_negative_end_is_out_of_bound_not_a_panic() {
        List<Long> metaCalls = new java.util.ArrayList<>();
        for (long end : new long[] {-PAGE, Long.MIN_VALUE}) {
            assertGetFrameError(
                    GetFrameError.OUT_OF_BOUND,
                    () -> Segment.fromUnused(region, 0, end, p -> {
                        metaCalls.add(p);
                        return NoMeta.INSTANCE;
                    }));
            assertThatThrownBy(() -> Segment.fromUnused(region, 2 * PAGE, end, p -> NoMeta.INSTANCE))
                    .isInstanceOfSatisfying(
                            GetFrameException.class, e -> assertThat(e.paddr()).isEqualTo(end));
        }
        assertGetFrameError(GetFrameError.NOT_ALIGNED, () -> Segment.fromUnused(region, 0, -1, p -> NoMeta.INSTANCE));
        assertThat(metaCalls).as("no frame is made").isEmpty();
    }

    @Test
    void segment_reaching_max_paddr_is_in_bound() throws GetFrameException {
        Segment<NoMeta> tail = Segment.fromUnused(region, maxPaddr() - 2 * PAGE, maxPaddr(), p -> NoMeta.INSTANCE);
        PaddrRange range = tail.intoRaw();
        Segment.fromRaw(region, range, NoMeta.class).close();
        assertThat(slot(maxPaddr() - PAGE).isFree()).isTrue();
    }

    @Test
    void segment_from_unused_rolls_back_when_a_frame_is_in_use() throws GetFrameException {
        Frame<NoMeta> inUse = Frame.fromUnused(region, 15 * PAGE, NoMeta.INSTANCE);
        long journalBefore = region.lastJournalIndex();
        RegionSnapshot before = RegionSnapshot.of(region);

        List<Long> metaCalls = new java.util.ArrayList<>();
        assertThatThrownBy(() -> Segment.fromUnused(region, 10 * PAGE, 20 * PAGE, p -> {
                    metaCalls.add(p);
                    return new LongMeta(1, p);
                }))
                .isInstanceOfSatisfying(GetFrameException.class, e -> {
                    assertThat(e.error()).isEqualTo(GetFrameError.IN_USE);
                    assertThat(e.paddr()).isEqualTo(15 * PAGE);
                });
        before.assertSlotsUnchanged(region, false);
        for (int slot = 10; slot < 15; slot++) {
            SlotState s = slotAt(slot);
            assertThat(s.isFree()).as("slot %d claimed then rolled back", slot).isTrue();
            assertThat(s.obligations + s.raw).isZero();
        }
        for (int slot = 15; slot < 20; slot++) {
            assertThat(slotAt(slot).sameAs(before.slot(slot), true))
                    .as("slot %d untouched", slot)
                    .isTrue();
        }

        assertThat(metaCalls)
                .as("the metadata function ran in the seed's order, up to and including the frame that" + " failed")
                .containsExactly(10L * PAGE, 11L * PAGE, 12L * PAGE, 13L * PAGE, 14L * PAGE, 15L * PAGE);
        List<JournalEvent> attempt = JournalAssertions.events(region.dir(), e -> e.index > journalBefore);
        assertThat(attempt)
                .as("a failed call is one record never written: the journal shows nothing")
                .isEmpty();

        inUse.close();
    }

    @Test
    void segment_from_unused_rolls_back_at_a_unique_frame() throws GetFrameException {
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 33 * PAGE, NoMeta.INSTANCE);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Segment.fromUnused(region, 30 * PAGE, 34 * PAGE, p -> NoMeta.INSTANCE))
                .isInstanceOfSatisfying(
                        GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.UNIQUE));
        before.assertSlotsUnchanged(region, false);
        assertThat(slotAt(33).sameAs(before.slot(33), true)).isTrue();
        unique.close();
    }

    @Test
    void segment_from_unused_rolls_back_when_the_metadata_function_fails() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Segment.fromUnused(region, 40 * PAGE, 44 * PAGE, p -> {
                    if (p == 42 * PAGE) {
                        throw new IllegalStateException("metadata for 0x" + Long.toHexString(p) + " unavailable");
                    }
                    return NoMeta.INSTANCE;
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unavailable");
        before.assertSlotsUnchanged(region, false);

        assertThatThrownBy(() -> Segment.fromUnused(
                        region,
                        40 * PAGE,
                        44 * PAGE,
                        p -> p == 41 * PAGE ? (Object) new LongMeta(1, 1) : (Object) NoMeta.INSTANCE))
                .as("one metadata type per segment")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        Segment.fromUnused(region, 40 * PAGE, 44 * PAGE, p -> p == 43 * PAGE ? null : NoMeta.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class);
        before.assertSlotsUnchanged(region, false);
    }

    /** Pushes a shared frame's reference count to MAX (the extra references live raw, as OSTD's inc_ref_count). */
    private void saturate(int slot) throws GetFrameException {
        long rc = slotAt(slot).refCount;
        region.engine().incRefCount(slot, OpCode.INC_REF_COUNT, 0, RefCount.MAX - rc);
        SlotState s = slotAt(slot);
        assertThat(s.refCount).isEqualTo(RefCount.MAX);
        assertThat(s.obligations + s.raw).as("the ledger still balances at MAX").isEqualTo(RefCount.MAX);
    }

    @Test
    void refcount_at_max_panics() throws GetFrameException {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.startPaddr();
        int slot = TestRegions.slotOf(paddr);
        saturate(slot);
        assertThat(frame.referenceCount()).isEqualTo(RefCount.MAX);
        assertPanics(frame::clone);
        assertPanics(() -> frame.borrow().toOwned());
        assertPanics(() -> Frame.fromInUse(region, paddr));
        assertPanics(() -> region.engine().incRefCount(slot, OpCode.INC_REF_COUNT, 0, 1));
        assertRefused(IllegalArgumentException.class, () -> Frame.fromInUse(region, paddr, Unregistered.class));
        frame.close();
        assertThat(slot(paddr).refCount).isEqualTo(RefCount.MAX - 1);
    }

    @Test
    void segment_slice_and_clone_at_max_panic_before_touching_any_frame() throws GetFrameException {
        Segment<NoMeta> segment = alloc.allocSegment(3);
        int first = TestRegions.slotOf(segment.startPaddr());
        saturate(first + 2);
        assertPanics(segment::clone);
        assertPanics(() -> segment.slice(0, 3 * PAGE));
        assertPanics(() -> segment.slice(2 * PAGE, 3 * PAGE));
        Segment<NoMeta> unsaturated = segment.slice(0, 2 * PAGE);
        assertThat(slotAt(first).refCount).isEqualTo(2);
        unsaturated.close();
        segment.close();
    }

    @Test
    void invalid_split_and_slice_panic() {
        Segment<NoMeta> segment = alloc.allocSegment(4);
        assertPanics(() -> segment.split(0));
        assertPanics(() -> segment.split(4 * PAGE));
        assertPanics(() -> segment.split(PAGE + 1));
        assertPanics(() -> segment.slice(0, 5 * PAGE));
        assertPanics(() -> segment.slice(PAGE + 1, 2 * PAGE));
        assertPanics(() -> segment.slice(3 * PAGE, 2 * PAGE));
        Segment.Halves<NoMeta> halves = segment.split(3 * PAGE);
        assertPanics(() -> halves.right().split(PAGE));
        assertPanics(() -> halves.right().slice(0, 2 * PAGE));
        halves.left().close();
        halves.right().close();
    }

    @Test
    void handle_misuse_is_an_illegal_state_and_changes_nothing() throws GetFrameException {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.startPaddr();
        frame.close();
        assertRefused(IllegalStateException.class, frame::close);
        assertRefused(IllegalStateException.class, frame::clone);
        assertRefused(IllegalStateException.class, () -> Frame.fromRaw(region, paddr));

        UniqueFrame<NoMeta> unique = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        unique.close();
        assertRefused(IllegalStateException.class, unique::close);
        assertRefused(IllegalStateException.class, unique::intoShared);
        assertRefused(IllegalStateException.class, () -> unique.setMeta(NoMeta.INSTANCE));
        assertRefused(IllegalStateException.class, unique::resetAsUnused);

        Segment<NoMeta> segment = alloc.allocSegment(2);
        PaddrRange range = segment.intoRaw();
        assertRefused(IllegalStateException.class, segment::close);
        assertRefused(IllegalStateException.class, segment::next);
        Segment.fromRaw(region, range, NoMeta.class).close();
        assertRefused(IllegalStateException.class, () -> Segment.fromRaw(region, range, NoMeta.class));
        assertRefused(IllegalArgumentException.class, () -> Frame.fromRaw(region, 5));

        Frame<NoMeta> raw = alloc.allocFrame();
        long rawPaddr = raw.intoRaw();
        assertRefused(IllegalStateException.class, raw::close);
        Frame.fromRaw(region, rawPaddr).close();
    }

    /** A metadata class nobody registered a codec for. */
    record Unregistered(long x) {}
}
