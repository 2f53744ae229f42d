package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** UniqueFrame (OSTD's {@code UniqueFrame<M>}) and frame linked lists ({@code linked_list_push_pop}). */
class UniqueFrameTest extends RegionTestBase {

    @Test
    void from_unused_owns_the_frame_alone() throws GetFrameException {
        UniqueFrame<LongMeta> unique = UniqueFrame.fromUnused(region, 5 * PAGE, new LongMeta(1, 2));
        assertThat(unique.startPaddr()).isEqualTo(5 * PAGE);
        assertThat(unique.size()).isEqualTo(PAGE);
        assertThat(unique.referenceCount()).isEqualTo(RefCount.UNIQUE);
        assertThat(unique.meta()).isEqualTo(new LongMeta(1, 2));
        SlotState s = slot(5 * PAGE);
        assertThat(s.usage).isEqualTo(Usage.FRAME.code());
        assertThat(s.obligations).isEqualTo(1);
        unique.close();
        assertThat(slot(5 * PAGE).isFree()).isTrue();
    }

    @Test
    void set_meta_rewrites_in_place() {
        UniqueFrame<LongMeta> unique = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
        unique.setMeta(new LongMeta(3, 4));
        assertThat(unique.meta()).isEqualTo(new LongMeta(3, 4));
        SlotState s = slot(unique.startPaddr());
        assertThat(s.meta0).isEqualTo(3);
        assertThat(s.meta1).isEqualTo(4);
        assertThat(s.refCount).isEqualTo(RefCount.UNIQUE);
        unique.close();
    }

    @Test
    void repurpose_changes_the_metadata_type() {
        UniqueFrame<LongMeta> unique = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
        long paddr = unique.startPaddr();
        UniqueFrame<NoMeta> plain = unique.repurpose(NoMeta.INSTANCE);
        assertThat(unique.isClosed()).isTrue();
        assertThat(plain.meta()).isEqualTo(NoMeta.INSTANCE);
        assertThat(slot(paddr).metaType).isEqualTo(NoMeta.CODEC.typeId());
        assertThat(slot(paddr).obligations).isEqualTo(1);
        assertThatThrownBy(() -> unique.setMeta(new LongMeta(0, 0))).isInstanceOf(IllegalStateException.class);
        plain.close();
        assertThat(slot(paddr).isFree()).isTrue();
    }

    @Test
    void into_shared_makes_refcount_one() {
        UniqueFrame<LongMeta> unique = alloc.allocUniqueFrameWith(new LongMeta(9, 9));
        Frame<LongMeta> shared = unique.intoShared();
        assertThat(unique.isClosed()).isTrue();
        assertThat(shared.referenceCount()).isEqualTo(1);
        assertThat(shared.meta()).isEqualTo(new LongMeta(9, 9));
        assertThat(slot(shared.startPaddr()).obligations).isEqualTo(1);
        Frame<LongMeta> viaFrom = Frame.fromUnique(alloc.allocUniqueFrameWith(new LongMeta(1, 1)));
        assertThat(viaFrom.referenceCount()).isEqualTo(1);
        viaFrom.close();
        shared.close();
    }

    @Test
    void try_from_shared_succeeds_only_at_refcount_one() {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(4, 4));
        long paddr = frame.startPaddr();
        Frame<LongMeta> other = frame.clone();

        RegionSnapshot before = RegionSnapshot.of(region);
        assertThat(UniqueFrame.tryFromShared(frame)).as("refcount 2").isEmpty();
        before.assertUnchanged(region);
        assertThat(frame.isClosed())
                .as("a refused conversion leaves the frame usable")
                .isFalse();
        assertThat(frame.meta()).isEqualTo(new LongMeta(4, 4));

        other.close();
        Optional<UniqueFrame<LongMeta>> unique = UniqueFrame.tryFromShared(frame);
        assertThat(unique).isPresent();
        assertThat(frame.isClosed()).isTrue();
        assertThat(unique.get().referenceCount()).isEqualTo(RefCount.UNIQUE);
        assertThat(slot(paddr).obligations).isEqualTo(1);
        unique.get().close();
        assertThat(slot(paddr).isFree()).isTrue();
    }

    @Test
    void try_from_shared_refuses_a_frame_with_a_raw_reference() {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.startPaddr();
        frame.clone().intoRaw();
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThat(UniqueFrame.tryFromShared(frame)).isEmpty();
        before.assertUnchanged(region);
        frame.close();
        Frame.fromRaw(region, paddr).close();
    }

    @Test
    void reset_as_unused_frees_the_frame() {
        UniqueFrame<LongMeta> unique = alloc.allocUniqueFrameWith(new LongMeta(1, 1));
        long paddr = unique.startPaddr();
        unique.resetAsUnused();
        assertThat(unique.isClosed()).isTrue();
        SlotState s = slot(paddr);
        assertThat(s.isFree()).isTrue();
        assertThat(s.metaInitialized()).isFalse();
        assertThat(s.usage).isEqualTo(Usage.UNUSED.code());
        assertThatThrownBy(unique::close).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unique_frames_cannot_be_taken_in_use() throws GetFrameException {
        UniqueFrame<NoMeta> unique = UniqueFrame.fromUnused(region, 0, NoMeta.INSTANCE);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromInUse(region, 0))
                .isInstanceOfSatisfying(
                        GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.UNIQUE));
        before.assertUnchanged(region);
        unique.close();
    }

    @Test
    void linked_list_push_pop() {
        UniqueFrame<LongMeta> frame1 = alloc.allocUniqueFrameWith(new LongMeta(1, 0));
        UniqueFrame<LongMeta> frame2 = alloc.allocUniqueFrameWith(new LongMeta(2, 0));
        UniqueFrame<LongMeta> frame3 = alloc.allocUniqueFrameWith(new LongMeta(3, 0));
        FrameList<LongMeta> list = new FrameList<>(region);
        assertThat(list.isEmpty()).isTrue();
        list.pushFront(frame1);
        list.pushFront(frame2);
        list.pushBack(frame3);
        assertThat(list.size()).isEqualTo(3);
        for (UniqueFrame<LongMeta> f : java.util.List.of(frame1, frame2, frame3)) {
            assertThat(slot(f.startPaddr()).inList).as("inList names the list").isEqualTo(list.id());
        }
        UniqueFrame<LongMeta> popped = list.popFront();
        assertThat(popped.meta().tag()).isEqualTo(2);
        assertThat(slot(popped.startPaddr()).inList).isZero();
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.popBack().meta().tag()).isEqualTo(3);
        assertThat(slot(frame3.startPaddr()).inList).isZero();
        assertThat(list.popFront().meta().tag()).isEqualTo(1);
        assertThat(list.size()).isZero();
        assertThat(list.popFront()).isNull();
        assertThat(list.popBack()).isNull();
        frame1.close();
        frame2.close();
        frame3.close();
    }

    @Test
    void a_frame_goes_on_one_list_at_a_time_and_only_unique_frames_go_on_lists() {
        UniqueFrame<NoMeta> unique = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        FrameList<NoMeta> a = new FrameList<>(region);
        FrameList<NoMeta> b = new FrameList<>(region);
        assertThat(a.id()).isNotEqualTo(b.id());
        a.pushBack(unique);
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> b.pushBack(unique)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(unique::intoShared).as("pop it before sharing it").isInstanceOf(IllegalStateException.class);
        before.assertUnchanged(region);
        assertThat(unique.isClosed()).isFalse();
        a.popFront().close();
    }

    @Test
    void dropping_a_listed_frame_takes_it_off_its_list() {
        UniqueFrame<NoMeta> unique = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        long paddr = unique.startPaddr();
        FrameList<NoMeta> list = new FrameList<>(region);
        list.pushBack(unique);
        unique.close();
        SlotState s = slot(paddr);
        assertThat(s.isFree()).isTrue();
        assertThat(s.inList).isZero();
        assertThat(list.isEmpty())
                .as("the list no longer holds the closed handle")
                .isTrue();
        assertThat(list.contains(unique)).isFalse();
    }

    @Test
    void popping_a_frame_closed_while_listed_touches_no_other_frame() {
        UniqueFrame<NoMeta> stale = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        long paddr = stale.startPaddr();
        FrameList<NoMeta> a = new FrameList<>(region);
        a.pushBack(stale);
        stale.close();
        UniqueFrame<NoMeta> reused = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        assertThat(reused.startPaddr()).as("the freed frame is reused").isEqualTo(paddr);
        FrameList<NoMeta> b = new FrameList<>(region);
        b.pushBack(reused);

        RegionSnapshot before = RegionSnapshot.of(region);
        assertThat(a.size()).as("the closed handle left list a with its frame").isZero();
        assertThat(a.contains(stale)).isFalse();
        assertThat(a.peekFront()).isNull();
        assertThat(a.iterator().hasNext()).isFalse();
        assertThat(a.popFront()).as("nothing to pop: no other frame is touched").isNull();
        before.assertUnchanged(region);
        assertThat(slot(paddr).inList).as("the frame is still on list b").isEqualTo(b.id());
        assertThat(a.isEmpty()).isTrue();
        b.popFront().close();
    }
}
