package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Region creation is built beside the target and renamed into place: nothing half made is ever at the target. */
class AtomicCreateTest {
    @TempDir
    Path tmp;

    @Test
    void creationLeavesAWholeRegionAndNoTemporarySibling() throws Exception {
        Path dir = tmp.resolve("region");
        // what a kill during an earlier creation by this process id would have left beside the target
        Path stale = tmp.resolve(".region.creating-" + ProcessHandle.current().pid());
        Files.createDirectories(stale.resolve("journal"));
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(1L << 20))) {
            new FrameAllocOptions(region).allocFrame().close();
        }
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("region");
        }
        RegionLayout layout = new RegionLayout(dir);
        assertThat(layout.config()).exists();
        assertThat(layout.slots()).exists();
        assertThat(RegionStatus.read(layout.status()).clean()).isTrue();
        try (MetaRegion again = MetaRegion.open(dir)) {
            assertThat(again.session()).isEqualTo(2);
        }
    }

    @Test
    void anEmptyTargetDirectoryIsReplacedWhole() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(1L << 20))) {
            assertThat(region.config().nrSlots()).isEqualTo(256);
        }
        assertThat(new RegionLayout(dir).config()).exists();
    }
}
