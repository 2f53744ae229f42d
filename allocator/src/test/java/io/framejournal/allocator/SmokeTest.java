package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path tmp;

    @Test
    void allocateCloneDropReopenReplay() throws Exception {
        Path dir = tmp.resolve("r");
        RegionConfig cfg = RegionConfig.of(1L << 20);
        long paddr;
        try (MetaRegion region = MetaRegion.create(dir, cfg)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            Frame<NoMeta> f = alloc.allocFrame();
            paddr = f.startPaddr();
            Frame<NoMeta> g = f.clone();
            assertThat(f.referenceCount()).isEqualTo(2);
            g.close();
            assertThat(f.referenceCount()).isEqualTo(1);
            long raw = f.intoRaw();
            Segment<LongMeta> seg = alloc.allocSegmentWith(8, p -> new LongMeta(7, p));
            Segment<LongMeta> slice = seg.slice(4096, 3 * 4096);
            var halves = seg.split(4 * 4096);
            halves.left().close();
            Frame<LongMeta> first = halves.right().next();
            assertThat(first.meta().tag()).isEqualTo(7);
            first.close();
            halves.right().close();
            slice.close();
            Frame<NoMeta> back = Frame.fromRaw(region, raw);
            assertThatThrownBy(() -> Frame.fromRaw(region, raw)).isInstanceOf(IllegalStateException.class);
            back.close();
            assertThatThrownBy(back::close).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> Frame.fromInUse(region, 3)).isInstanceOf(GetFrameException.class);
        }
        try (MetaRegion region = MetaRegion.open(dir)) {
            assertThat(region.slotState(paddr).refCount).isEqualTo(RefCount.UNUSED);
            new FrameAllocOptions(region).allocFrame().intoRaw();
        }
        RegionLayout layout = new RegionLayout(dir);
        ReplayState replay;
        try (JournalReader r = JournalReader.open(layout.journal())) {
            replay = ReplayState.replay(r, cfg.nrSlots());
            assertThat(r.stopReason()).isNull();
        }
        try (SlotTable table = SlotTable.openCopy(layout.slots(), cfg.nrSlots())) {
            SlotState a = new SlotState();
            SlotState b = new SlotState();
            for (int i = 0; i < cfg.nrSlots(); i++) {
                table.load(i, a);
                replay.load(i, b);
                assertThat(a.sameAs(b, true)).as("slot %d: %s", i, a.diff(b)).isTrue();
            }
        }
    }
}
