package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A region.conf may claim up to 2^28 frames (1 TiB) for a journal of a few records: a read-only replay must cost
 * memory for the frames the journal touches, not for every frame the region claims (it cost 4.4 GiB before the
 * first record, so {@code audit} and {@code stats} of a 1 KiB journal died of an OutOfMemoryError on a small heap).
 */
class HugeRegionReplayTest {
    @Test
    void aReplayOfARegionClaimingTheMostFramesCostsWhatItsJournalTouches() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);

        int last = ReplayState.MAX_SLOTS - 1;
        LedgerReplay replay = new LedgerReplay(ReplayState.MAX_SLOTS);
        RecordEncoder encoder = new RecordEncoder();
        RecordDecoder decoder = new RecordDecoder();
        JournalEvent scratch = new JournalEvent();
        for (int i = 0; i < 3; i++) {
            encoder.beginCall(OpCode.FRAME_CLONE, 100 + i, 0)
                    .beginSlot(last, JournalIndex.NONE)
                    .entry(EventKind.MINT, 0, (short) 0, i, i + 1);
            ByteBuffer sealed = encoder.seal(i, 1, 1000 + i);
            int len = sealed.remaining();
            decoder.wrap(sealed, 0, len, i);
            assertThat(decoder.check()).isNull();
            replay.applyRecord(decoder, encoder.sealedCrc(), scratch);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(replay.obligations().entries(last)).isEqualTo(3);
        assertThat(replay.lastOp(last)).isEqualTo(OpCode.FRAME_CLONE.code());
        assertThat(replay.lastHandle(last)).isEqualTo(102);
        assertThat(replay.lastOp(0)).isZero();
        assertThat(replay.lastHandle(0)).isZero();
        // the one bit per frame of mid-op slots (32 MiB) and page tables; not bytes per frame
        assertThat(allocated).as("bytes allocated").isLessThan(64L << 20);
    }
}
