package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several threads appending through one {@link JournalWriter}: the append lock's holder appends the records other
 * threads post meanwhile (flat combining). Every record must land exactly once, with consecutive sequence numbers and
 * non-decreasing timestamps in journal order, and each thread must get back the index of its own record, carrying its
 * own thread id.
 */
class JournalWriterThreadsTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 50_000;

    @Test
    void every_threads_record_lands_once_and_each_thread_gets_its_own_index(@TempDir Path dir) throws Exception {
        long[][] indices = new long[THREADS][PER_THREAD];
        int[] threadIds = new int[THREADS];
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Throwable> failures = new ArrayList<>();
        long combined;
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                Thread th = new Thread(() -> {
                    try {
                        JournalWriter.Lane lane = writer.lane();
                        JournalEvent e = new JournalEvent();
                        start.await();
                        for (int n = 0; n < PER_THREAD; n++) {
                            if (n % 7 == 3) {
                                e.set(EventKind.LEAKED_HANDLE, OpCode.FRAME_DROP, me, 1, 2, handle(me, n));
                            } else {
                                e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, me, n, n + 1, handle(me, n));
                            }
                            indices[me][n] = lane.append(e);
                            threadIds[me] = e.thread;
                        }
                    } catch (Throwable x) {
                        synchronized (failures) {
                            failures.add(x);
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            combined = writer.appendedForOthers();
        }
        assertThat(failures).isEmpty();
        assertThat(combined).as("records a thread appended for another").isPositive();

        Map<Long, Long> handleAt = new HashMap<>();
        Map<Long, Integer> threadAt = new HashMap<>();
        long expectedSeq = 0;
        long lastTime = Long.MIN_VALUE;
        try (JournalReader reader = JournalReader.open(dir)) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                assertThat(e.seq).as("sequence numbers in journal order").isEqualTo(expectedSeq++);
                assertThat(e.timestamp).as("timestamps never go back").isGreaterThanOrEqualTo(lastTime);
                lastTime = e.timestamp;
                assertThat(handleAt.put(e.index, e.handle))
                        .as("one event per record")
                        .isNull();
                threadAt.put(e.index, e.thread);
            }
            assertThat(reader.stopReason()).isNull();
        }
        assertThat(expectedSeq).isEqualTo((long) THREADS * PER_THREAD);
        for (int t = 0; t < THREADS; t++) {
            for (int n = 0; n < PER_THREAD; n++) {
                long index = indices[t][n];
                assertThat(handleAt.get(index))
                        .as("thread %d's record %d, at index %s", t, n, JournalIndex.format(index))
                        .isEqualTo(handle(t, n));
                assertThat(threadAt.get(index)).isEqualTo(threadIds[t]);
            }
        }
    }

    private static long handle(int thread, int n) {
        return ((long) thread << 32) | n;
    }
}
