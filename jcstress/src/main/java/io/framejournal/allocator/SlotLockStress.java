package io.framejournal.allocator;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.BytesStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/** The slot lock word ({@link SlotLock}) in off-heap memory, as in the slot table's 64-byte values. */
public final class SlotLockStress {
    private SlotLockStress() {}

    /** One slot value's worth of off-heap memory with its lock word; freed with its buffer. */
    static class Slot {
        final ByteBuffer memory = ByteBuffer.allocateDirect(64);
        final long lock = BytesStore.wrap(memory).addressForRead(0) + 56;
    }

    /** Two threads increment a plain field under the lock: no increment is lost, and each sees the other's. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "mutual exclusion: both increments kept")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "both held the lock at once, or an unlock did not publish")
    @State
    public static class MutualExclusion extends Slot {
        int count;

        @Actor
        public void actor1() {
            SlotLock.lock(lock);
            count = count + 1;
            SlotLock.unlock(lock);
        }

        @Actor
        public void actor2() {
            SlotLock.lock(lock);
            count = count + 1;
            SlotLock.unlock(lock);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = count;
        }
    }

    /** Two threads try the free lock once: exactly one gets it. */
    @JCStressTest
    @Outcome(
            id = {"1, 0", "0, 1"},
            expect = ACCEPTABLE,
            desc = "exactly one holder")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "two holders")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "a free lock refused both")
    @State
    public static class TryLock extends Slot {
        @Actor
        public void actor1(II_Result r) {
            r.r1 = SlotLock.tryLock(lock) ? 1 : 0;
        }

        @Actor
        public void actor2(II_Result r) {
            r.r2 = SlotLock.tryLock(lock) ? 1 : 0;
        }
    }

    /** Stores made under the lock are seen by the next holder: the slot's fields written then unlocked. */
    @JCStressTest
    @Outcome(
            id = {"0, 0", "42, 43"},
            expect = ACCEPTABLE,
            desc = "the reader held the lock before or after the writer")
    @Outcome(
            id = {"42, 0", "0, 43"},
            expect = FORBIDDEN,
            desc = "the reader saw a store torn by the lock")
    @State
    public static class Visibility extends Slot {
        long a;
        long b;

        @Actor
        public void writer() {
            SlotLock.lock(lock);
            a = 42;
            b = 43;
            SlotLock.unlock(lock);
        }

        @Actor
        public void reader(II_Result r) {
            SlotLock.lock(lock);
            r.r1 = (int) a;
            r.r2 = (int) b;
            SlotLock.unlock(lock);
        }
    }
}
