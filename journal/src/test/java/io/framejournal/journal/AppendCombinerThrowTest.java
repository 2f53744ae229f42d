package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serving that throws in the middle of a pass (a {@code StackOverflowError} in the writer's last steps of an append,
 * past its own catch): the request it was serving for another thread must count as served, never be served again (the
 * append may have been written before the throw: serving it again would write the record twice), and its owner must be
 * told. Before the fix the request stayed PENDING, the throw left the pass, and the owner, finding the lock free,
 * served its own request a second time.
 */
class AppendCombinerThrowTest {
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    /** A request that counts how often it was served. */
    static final class Counted extends AppendCombiner.Request {
        final AtomicInteger served = new AtomicInteger();
    }

    /**
     * Serves by counting; while serving its own request the server waits for the other thread's request to be posted
     * (so that the pass serves it), and serving {@code throwFor} for another thread throws after counting it, as an
     * append that wrote its record and then failed would.
     */
    static final class ThrowingCombiner extends AppendCombiner<Counted> {
        Counted throwFor;
        Counted waitFor;
        Runnable startOther;
        final AtomicReference<Throwable> told = new AtomicReference<>();

        @Override
        void beginPass(Counted server) {}

        @Override
        void serve(Counted server, Counted r) {
            r.served.incrementAndGet();
            if (r == server && waitFor != null) {
                Counted posted = waitFor;
                waitFor = null;
                startOther.run();
                await("the other thread's request posted")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> posted.state == AppendCombiner.PENDING);
            }
            if (r == throwFor && r != server) {
                throw new StackOverflowError("thrown while serving another thread's request");
            }
        }

        @Override
        void endPass() {}

        @Override
        void servingThrew(Counted server, Counted request, Throwable thrown) {
            told.set(thrown);
        }
    }

    @Test
    void aThrowWhileServingAnotherThreadsRequestServesItOnceAndTellsItsOwner() throws Exception {
        ThrowingCombiner c = new ThrowingCombiner();
        Counted mine = new Counted();
        Counted theirs = new Counted();
        c.register(mine);
        c.register(theirs);
        c.throwFor = theirs;
        c.waitFor = theirs;
        AtomicReference<Future<?>> submitted = new AtomicReference<>();
        c.startOther = () -> submitted.set(other.submit(() -> c.submit(theirs)));

        // serves itself, then the other thread's request, which throws
        Throwable serverGot = catchThrowable(() -> c.submit(mine));
        Throwable ownerGot = catchThrowable(() -> submitted.get().get(30, java.util.concurrent.TimeUnit.SECONDS));

        assertThat(theirs.served)
                .as("served once: never again after its serving threw (the record may be written already)")
                .hasValue(1);
        assertThat(ownerGot)
                .as("the owner is told that its request's serving threw")
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StackOverflowError.class)
                .hasMessageContaining("another thread's request");
        assertThat(serverGot)
                .as("the server's own request was served: nothing is thrown to it")
                .isNull();
        assertThat(mine.served).hasValue(1);
        assertThat(c.told.get()).isInstanceOf(StackOverflowError.class);
        assertThat(theirs.state).isEqualTo(AppendCombiner.IDLE);
        assertThat(theirs.thrown).as("cleared once thrown").isNull();

        // both go on: the next submissions are served once each, and throw nothing
        c.throwFor = null;
        c.submit(mine);
        other.submit(() -> c.submit(theirs)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(mine.served).hasValue(2);
        assertThat(theirs.served).hasValue(2);
    }

    /**
     * The writer's side: a serving that threw past its catch fails the writer as an append that threw does, so that no
     * later record follows one that may or may not have been written.
     */
    @Test
    void theWriterRefusesEveryRecordAfterAServingThatThrew() {
        try (JournalWriter w = JournalWriter.open(tmp.resolve("journal"), SyncMode.NONE)) {
            JournalEvent e = new JournalEvent().set(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 1, 1, 2, 7);
            w.append(e);
            AppendCombiner<JournalWriter.Lane> lock = w.appendLock();
            lock.lock();
            try {
                lock.servingThrew(w.lane(), w.lane(), new StackOverflowError("past the writer's catch"));
            } finally {
                lock.unlock();
            }

            assertThatThrownBy(() -> w.append(e))
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("an earlier journal append failed")
                    .hasMessageContaining("StackOverflowError");
        }
    }
}
