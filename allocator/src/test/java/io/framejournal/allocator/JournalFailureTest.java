package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.SlotState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append that throws (here: the queue closed under the writer, as a full disk or an I/O error would make it) marks
 * the region failed: that call changes nothing, every later call throws, close leaves the region unclean, and
 * recovery brings it back with every call that was journaled.
 */
class JournalFailureTest {
    @TempDir
    Path tmp;

    @Test
    void a_failed_append_fails_the_region_and_recovery_brings_it_back() throws Exception {
        MetaRegion region = TestRegions.create(tmp);
        Path dir = region.dir();
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        Frame<NoMeta> kept = alloc.allocFrame();
        long keptPaddr = kept.startPaddr();
        SlotState before = region.slotState(keptPaddr);

        region.engine().journal().queue().close(); // the next append throws inside Chronicle

        assertThatThrownBy(kept::clone)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("journal append failed")
                .hasMessageContaining("recover");
        assertThat(region.failure()).contains("journal append failed");
        assertThat(region.slotState(keptPaddr).sameAs(before, true))
                .as("the failed call changed nothing")
                .isTrue();
        assertThatThrownBy(alloc::allocFrame)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
        region.close();
        assertThat(RegionStatus.read(new RegionLayout(dir).status()).clean())
                .as("a failed region stays unclean")
                .isFalse();

        RecoveryReport r = MetaRegion.recover(dir, false);
        assertThat(r.journalProblem()).isNull();
        JournalAssertions.assertReplayMatchesTable(dir);
        List<JournalEvent> mints = JournalAssertions.events(dir, e -> e.kind == io.framejournal.journal.EventKind.MINT);
        assertThat(mints)
                .as("the call before the failure is there, the failed one is not")
                .hasSize(1);
        try (MetaRegion again = MetaRegion.open(dir)) {
            assertThat(again.slotState(keptPaddr).obligations).isEqualTo(1);
            Frame.fromInUse(again, keptPaddr).close();
        }
    }
}
