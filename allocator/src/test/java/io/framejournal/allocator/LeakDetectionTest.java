package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handle that becomes unreachable without close() is noticed and journaled as LEAKED_HANDLE. */
class LeakDetectionTest {
    @TempDir
    Path tmp;

    private static List<JournalEvent> leaksOf(Path dir, long handleId) {
        return JournalAssertions.events(dir, e -> e.kind == EventKind.LEAKED_HANDLE && e.handle == handleId);
    }

    /** Allocates a frame and drops it without close(); only its id escapes. */
    private static long leakAFrame(FrameAllocOptions alloc) {
        Frame<NoMeta> frame = alloc.allocFrame();
        return frame.handleId();
    }

    private static long leakASegmentAfterNext(FrameAllocOptions alloc) {
        Segment<NoMeta> segment = alloc.allocSegment(4);
        segment.next().close();
        return segment.handleId();
    }

    @Test
    void paranoid_detection_journals_a_dropped_frame() {
        MetaRegion region = MetaRegion.create(
                tmp.resolve("r"),
                TestRegions.SMALL,
                RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID));
        Path dir = region.dir();
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        Frame<NoMeta> closed = alloc.allocFrame();
        long closedId = closed.handleId();
        closed.close();
        long leaked = leakAFrame(alloc);
        long leakedSegment = leakASegmentAfterNext(alloc);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return !leaksOf(dir, leaked).isEmpty()
                            && !leaksOf(dir, leakedSegment).isEmpty();
                });
        JournalEvent frameLeak = leaksOf(dir, leaked).get(0);
        assertThat(frameLeak.before).as("pages").isEqualTo(1);
        assertThat(frameLeak.opCode()).isEqualTo(OpCode.LEAK_DETECTOR);
        assertThat(OpCode.ofCode((int) frameLeak.after))
                .as("the op that minted it")
                .isEqualTo(OpCode.FRAME_FROM_UNUSED);
        JournalEvent segmentLeak = leaksOf(dir, leakedSegment).get(0);
        assertThat(segmentLeak.before).as("pages the segment still covered").isEqualTo(3);
        // frame 0 was freed and reused by the leaked frame; the segment took slots 1..4 and handed slot 1 out
        assertThat(segmentLeak.slot).as("its first slot after next()").isEqualTo(2);
        assertThat(region.slotStateAt(frameLeak.slot, new io.framejournal.journal.SlotState()).obligations)
                .as("the leaked obligation stays outstanding for audit")
                .isEqualTo(1);

        region.close();
        assertThat(leaksOf(dir, closedId)).as("a closed handle is no leak").isEmpty();
        JournalAssertions.assertReplayMatchesTable(dir);
    }

    @Test
    void disabled_detection_tracks_nothing() {
        MetaRegion region = TestRegions.create(tmp);
        assertThat(region.leakDetection()).isEqualTo(LeakDetection.DISABLED);
        Path dir = region.dir();
        long leaked = leakAFrame(new FrameAllocOptions(region));
        System.gc();
        region.close();
        assertThat(leaksOf(dir, leaked)).isEmpty();
    }
}
