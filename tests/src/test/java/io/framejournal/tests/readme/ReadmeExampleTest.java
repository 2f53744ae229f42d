package io.framejournal.tests.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.GetFrameError;
import io.framejournal.allocator.GetFrameException;
import io.framejournal.allocator.LongMeta;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's API example, line for line, with its asserts made real. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void the_readme_example_runs_and_leaves_every_frame_free() throws Exception {
        Path dir = tmp.resolve("region");
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(64L << 20))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);

            long framePaddr;
            try (Frame<NoMeta> frame = alloc.allocFrame();
                    Frame<NoMeta> twin = frame.clone()) {
                assertThat(twin.referenceCount()).isEqualTo(2);
                framePaddr = frame.startPaddr();
            }
            assertThat(region.slotState(framePaddr).refCount).isEqualTo(RefCount.UNUSED);

            Segment<LongMeta> seg = alloc.allocSegmentWith(8, paddr -> new LongMeta(1, paddr));
            long segStart = seg.startPaddr();
            Segment<LongMeta> middle = seg.slice(2 * 4096, 4 * 4096);
            Segment.Halves<LongMeta> halves = seg.split(4 * 4096);
            for (Frame<LongMeta> f : halves.left()) {
                f.close();
            }
            long paddr = middle.next().intoRaw();
            Frame<LongMeta> again = Frame.fromRaw(region, paddr, LongMeta.class);
            again.close();
            middle.close();
            halves.right().close();

            assertThatThrownBy(() -> Frame.fromUnused(region, 0x1001, NoMeta.INSTANCE))
                    .isInstanceOfSatisfying(
                            GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.NOT_ALIGNED));
            for (int i = 0; i < 8; i++) {
                var s = region.slotState(segStart + i * 4096L);
                assertThat(s.refCount).as("frame %d", i).isEqualTo(RefCount.UNUSED);
                assertThat(s.obligations + s.raw).isZero();
            }
        }
        try (MetaRegion reopened = MetaRegion.open(dir)) {
            assertThat(reopened.session()).isEqualTo(2);
        }
    }
}
