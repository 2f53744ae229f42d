package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import org.junit.jupiter.api.Test;

/** OSTD's frame tests ({@code ostd/src/mm/frame/test.rs}, module {@code frame}) and the Java handle rules. */
class FrameTest extends RegionTestBase {

    @Test
    void frame_allocation() {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(42, 0));
        assertThat(frame.meta().tag()).isEqualTo(42);
        assertThat(frame.referenceCount()).isEqualTo(1);
        assertThat(frame.size()).isEqualTo(PAGE);
        SlotState s = slot(frame.startPaddr());
        assertThat(s.usage).isEqualTo(Usage.FRAME.code());
        assertThat(s.obligations).isEqualTo(1);
        assertThat(s.raw).isZero();
        frame.close();
    }

    @Test
    void frame_clone() {
        Frame<LongMeta> frame1 = alloc.allocFrameWith(new LongMeta(42, 0));
        Frame<LongMeta> frame2 = frame1.clone();
        assertThat(frame2.startPaddr()).isEqualTo(frame1.startPaddr());
        assertThat(frame2.meta()).isEqualTo(frame1.meta());
        assertThat(frame1.referenceCount()).isEqualTo(2);
        assertThat(frame2.referenceCount()).isEqualTo(2);
        assertThat(frame2.handleId()).isNotEqualTo(frame1.handleId());
        assertThat(slot(frame1.startPaddr()).obligations)
                .as("each handle owes its own obligation")
                .isEqualTo(2);
        frame1.close();
        assertThat(frame2.referenceCount()).isEqualTo(1);
        frame2.close();
    }

    @Test
    void frame_drop() {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(42, 0));
        assertThat(frame.referenceCount()).isEqualTo(1);
        long paddrBefore = frame.startPaddr();
        frame.close();
        SlotState freed = slot(paddrBefore);
        assertThat(freed.refCount).isEqualTo(RefCount.UNUSED);
        assertThat(freed.usage).isEqualTo(Usage.UNUSED.code());
        assertThat(freed.metaInitialized()).isFalse();
        assertThat(freed.obligations).isZero();

        Frame<LongMeta> newFrame = alloc.allocFrameWith(new LongMeta(43, 0));
        assertThat(newFrame.startPaddr())
                .as("the freed frame is reused by the next allocation")
                .isEqualTo(paddrBefore);
        assertThat(newFrame.referenceCount()).isEqualTo(1);
        assertThat(newFrame.meta().tag()).isEqualTo(43);
        newFrame.close();
    }

    @Test
    void frame_ref_preserves_refcount() {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(7, 8));
        SlotState before = slot(frame.startPaddr());
        FrameRef<LongMeta> ref = frame.borrow();
        assertThat(ref.startPaddr()).isEqualTo(frame.startPaddr());
        assertThat(ref.meta()).isEqualTo(new LongMeta(7, 8));
        assertThat(ref.referenceCount()).isEqualTo(1);
        assertThat(slot(frame.startPaddr()).sameAs(before, true))
                .as("borrowing journals and changes nothing")
                .isTrue();

        Frame<LongMeta> owned = ref.toOwned();
        assertThat(frame.referenceCount()).isEqualTo(2);
        owned.close();
        frame.close();
        assertThatThrownBy(ref::meta)
                .as("a borrow dies with its frame handle")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void from_in_use_mints_a_new_handle() throws GetFrameException {
        Frame<LongMeta> frame = alloc.allocFrameWith(new LongMeta(1, 2));
        long paddr = frame.startPaddr();
        Frame<LongMeta> other = Frame.fromInUse(region, paddr, LongMeta.class);
        assertThat(other.meta()).isEqualTo(new LongMeta(1, 2));
        assertThat(frame.referenceCount()).isEqualTo(2);
        assertThat(slot(frame.startPaddr()).obligations).isEqualTo(2);
        frame.close();
        other.close();
        assertThat(slot(paddr).isFree()).isTrue();
    }

    @Test
    void into_raw_keeps_the_reference_and_from_raw_restores_it() {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.intoRaw();
        assertThat(frame.isClosed()).isTrue();
        SlotState forgotten = slot(paddr);
        assertThat(forgotten.refCount).isEqualTo(1);
        assertThat(forgotten.obligations).isZero();
        assertThat(forgotten.raw).isEqualTo(1);

        Frame<NoMeta> back = Frame.fromRaw(region, paddr);
        SlotState restored = slot(paddr);
        assertThat(restored.refCount).isEqualTo(1);
        assertThat(restored.obligations).isEqualTo(1);
        assertThat(restored.raw).isZero();
        back.close();
        assertThat(slot(paddr).isFree()).isTrue();
    }

    @Test
    void from_raw_without_into_raw_is_a_double_free() {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.startPaddr();
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromRaw(region, paddr))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("double free");
        before.assertUnchanged(region);

        frame.close();
        RegionSnapshot free = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromRaw(region, paddr)).isInstanceOf(IllegalStateException.class);
        free.assertUnchanged(region);

        long raw = alloc.allocFrame().intoRaw();
        Frame.fromRaw(region, raw).close();
        RegionSnapshot afterRestore = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromRaw(region, raw))
                .as("restoring twice")
                .isInstanceOf(IllegalStateException.class);
        afterRestore.assertUnchanged(region);
    }

    @Test
    void closing_twice_or_using_a_closed_handle_is_an_illegal_state() {
        Frame<NoMeta> frame = alloc.allocFrame();
        Frame<NoMeta> keep = frame.clone();
        frame.close();
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(frame::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(frame::clone).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frame::meta).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frame::startPaddr).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frame::referenceCount).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frame::borrow).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frame::intoRaw).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Segment.from(frame)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> UniqueFrame.tryFromShared(frame)).isInstanceOf(IllegalStateException.class);
        before.assertUnchanged(region);
        assertThat(keep.referenceCount()).as("the other handle is unaffected").isEqualTo(1);
        keep.close();
    }

    @Test
    void a_consumed_handle_is_dead() {
        Frame<NoMeta> frame = alloc.allocFrame();
        frame.intoRaw();
        assertThatThrownBy(frame::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("raw");
        assertThatThrownBy(frame::intoRaw).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void handles_and_the_allocator_are_dead_once_their_region_is_closed() {
        Frame<NoMeta> frame = alloc.allocFrame();
        long paddr = frame.startPaddr();
        RegionSnapshot.of(region); // resolves (and caches) every slot's off-heap address
        java.nio.file.Path dir = region.dir();
        region.close();
        assertThatThrownBy(frame::clone)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(frame::close).isInstanceOf(IllegalStateException.class);
        assertThat(frame.toString()).endsWith("closed]");
        assertThatThrownBy(() -> Frame.fromInUse(region, paddr)).isInstanceOf(IllegalStateException.class);
        // these read the slot table: on an unmapped table they crashed the JVM before the fix
        assertThatThrownBy(alloc::allocFrame)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> alloc.allocSegment(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> alloc.allocUniqueFrameWith(NoMeta.INSTANCE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> region.slotState(paddr)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> region.slotStateAt(0, new SlotState())).isInstanceOf(IllegalStateException.class);
        region = null;
        JournalAssertions.assertReplayMatchesTable(dir);
    }
}
