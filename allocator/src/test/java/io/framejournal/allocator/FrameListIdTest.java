package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A list's id is what a member slot's {@code inList} holds, and 0 there means "on no list": no list may have id 0,
 * however many lists a session makes and whatever its session number.
 */
class FrameListIdTest extends RegionTestBase {
    /**
     * Ids are the session's low 15 bits over a 16-bit counter. Before the fix, session 32,768's 65,536th list had id
     * 0: a frame pushed on it was journaled as on no list and could be pushed on a second list as well.
     */
    @Test
    void no_list_has_id_zero_when_the_counter_wraps_in_a_session_whose_low_bits_are_zero() throws Exception {
        Path dir = region.dir();
        region.close();
        RegionLayout layout = new RegionLayout(dir);
        RegionStatus status = RegionStatus.read(layout.status());
        new RegionStatus(true, 32_767, status.checkpoint()).write(layout.status());
        region = MetaRegion.open(dir);
        alloc = new FrameAllocOptions(region);
        assertThat(region.session() & 0x7fff).isZero();

        FrameList<NoMeta> wrapped = null;
        for (int i = 0; i < 65_536 + 2; i++) {
            FrameList<NoMeta> list = new FrameList<>(region);
            if (list.id() == 0) {
                throw new AssertionError("list " + (i + 1) + " of the session has id 0");
            }
            if (i == 65_535) {
                wrapped = list;
            }
        }
        FrameList<NoMeta> other = new FrameList<>(region);
        UniqueFrame<NoMeta> u = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        wrapped.pushBack(u);
        assertThat(slot(u.startPaddr()).inList).isEqualTo(wrapped.id());
        assertThatThrownBy(() -> other.pushBack(u))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is already on list");
        wrapped.popFront().close();
    }
}
