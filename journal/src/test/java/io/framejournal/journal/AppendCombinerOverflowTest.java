package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A thread that appends with little stack left: a {@code StackOverflowError} can come out of any call the combiner
 * makes, after it took the append lock too. Whatever point it comes from, the lock must be free again afterwards.
 * Before the fix, an overflow between taking the lock and the {@code try} that releases it (reading the thread that
 * holds it), or in the release itself (its {@code finally} runs where the stack ran out), left the lock held for good:
 * every later append, by every thread, waited for it for ever (seen as a writer that hung in {@code
 * StackOverflowInCallTest}'s child JVM, twice in 30 runs).
 */
class AppendCombinerOverflowTest {
    /** Serves by counting. */
    static final class Counting extends AppendCombiner<AppendCombinerThrowTest.Counted> {
        @Override
        void beginPass(AppendCombinerThrowTest.Counted server) {}

        @Override
        void serve(AppendCombinerThrowTest.Counted server, AppendCombinerThrowTest.Counted r) {
            r.served.incrementAndGet();
        }

        @Override
        void endPass() {}
    }

    /** Submits at every depth on the way back up from a stack overflow; counts the overflows that came out. */
    static final class Depths {
        int overflows;

        void submitAtEveryDepth(AppendCombiner<AppendCombinerThrowTest.Counted> c, AppendCombinerThrowTest.Counted r) {
            try {
                submitAtEveryDepth(c, r);
            } catch (StackOverflowError deepest) {
                // the way back up starts here
            }
            try {
                c.submit(r);
            } catch (StackOverflowError e) {
                overflows++;
            }
        }
    }

    @Test
    void aStackOverflowAtAnyPointOfASubmissionLeavesTheLockFree() throws Exception {
        for (int round = 0; round < 5; round++) {
            Counting c = new Counting();
            AppendCombinerThrowTest.Counted deepOne = new AppendCombinerThrowTest.Counted();
            AppendCombinerThrowTest.Counted other = new AppendCombinerThrowTest.Counted();
            c.register(deepOne);
            c.register(other);
            Depths depths = new Depths();
            Thread deep = new Thread(null, () -> depths.submitAtEveryDepth(c, deepOne), "deep", 256 << 10);
            deep.start();
            deep.join(60_000);
            assertThat(deep.isAlive()).isFalse();
            assertThat(depths.overflows)
                    .as("the overflow came out of submissions")
                    .isPositive();
            assertThat(c.isLocked())
                    .as("round %d: the append lock is free after the overflows", round)
                    .isFalse();
            CompletableFuture<Void> next = CompletableFuture.runAsync(() -> c.submit(other));
            next.get(10, TimeUnit.SECONDS); // before the fix: waited for ever
            assertThat(other.served).hasValue(1);
        }
    }
}
