package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.impl.single.ExternallyLockedQueueBuilder;
import net.openhft.chronicle.queue.impl.single.WriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal writer's queue takes the writer's append lock as its write lock ({@link AppendLockAsWriteLock}), not
 * Chronicle's lock word: one lock per append. Chronicle's own uses of its write lock (making an appender, its
 * assertions, which these tests run with) must then wait for the append lock, or pass through on its holder.
 */
class AppendLockAsWriteLockTest {

    @Test
    void the_writers_queue_is_locked_by_the_append_lock(@TempDir Path dir) {
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE)) {
            WriteLock lock = ExternallyLockedQueueBuilder.writeLockOf(writer.queue());
            assertThat(lock).isInstanceOf(AppendLockAsWriteLock.class);
            assertThat(lock.locked()).isFalse();
            writer.appendLock().lock();
            try {
                assertThat(lock.locked())
                        .as("the append lock held is the write lock held")
                        .isTrue();
                // reentrant for the holder: Chronicle locking and unlocking inside leaves the append lock held
                lock.lock();
                lock.unlock();
                assertThat(writer.appendLock().isHeldByCurrentThread()).isTrue();
            } finally {
                writer.appendLock().unlock();
            }
            assertThat(lock.locked()).isFalse();
            assertThat(writer.appendLock().isHeldByCurrentThread()).isFalse();
        }
    }

    @Test
    void a_thread_making_its_appender_waits_for_the_append_lock(@TempDir Path dir) {
        try (JournalWriter writer = JournalWriter.open(dir, SyncMode.NONE)) {
            JournalEvent first = new JournalEvent();
            first.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, 1, 2, 7);
            long firstIndex = writer.append(first); // this thread's lane
            AtomicLong otherIndex = new AtomicLong(JournalIndex.NONE);
            CompletableFuture<Void> other;
            writer.appendLock().lock();
            try {
                // a new thread's first append makes its Chronicle appender, which takes the write lock: it must wait
                other = CompletableFuture.runAsync(() -> {
                    JournalEvent e = new JournalEvent();
                    e.set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 2, 2, 3, 8);
                    otherIndex.set(writer.append(e));
                });
                await().during(Duration.ofMillis(300))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !other.isDone());
            } finally {
                writer.appendLock().unlock();
            }
            other.join();
            assertThat(otherIndex.get()).isGreaterThan(firstIndex);
            assertThat(writer.lastIndex()).isEqualTo(otherIndex.get());
        }
        try (JournalReader reader = JournalReader.open(dir)) {
            JournalEvent e = new JournalEvent();
            assertThat(reader.next(e)).isTrue();
            assertThat(e.handle).isEqualTo(7);
            assertThat(reader.next(e)).isTrue();
            assertThat(e.handle).isEqualTo(8);
            assertThat(e.seq).isEqualTo(1);
            assertThat(reader.next(e)).isFalse();
        }
    }
}
