package io.framejournal.journal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The journal writer's flat combining ({@link AppendCombiner}), without a queue: two threads submit two requests each
 * through one combiner, whose "append" numbers the requests it serves. Every submission must be served exactly once
 * (by its own thread or by the lock's holder), in order per thread, and its owner must see what the server wrote. A
 * request served twice (a holder finding a request still pending after its owner served it) or never, or a number
 * its owner does not see, is forbidden.
 */
@JCStressTest
@Outcome(id = "1, 1, 4, 4", expect = ACCEPTABLE, desc = "each submission served once, in order, and seen by its owner")
@Outcome(expect = FORBIDDEN, desc = "a submission served twice or never, or its result not seen by its owner")
@State
public class AppendCombinerStress {
    /** A request: how often it was served, and the number of its last serving. */
    static final class Numbered extends AppendCombiner.Request {
        int served;
        int number;
    }

    /** The combiner's "append": numbers each request it serves, under the lock. */
    static final class Numbering extends AppendCombiner<Numbered> {
        int next;

        @Override
        void beginPass(Numbered server) {}

        @Override
        void serve(Numbered server, Numbered r) {
            r.served++;
            r.number = ++next;
        }

        @Override
        void endPass() {}
    }

    private final Numbering combiner = new Numbering();
    private final Numbered a = new Numbered();
    private final Numbered b = new Numbered();

    public AppendCombinerStress() {
        combiner.register(a);
        combiner.register(b);
    }

    /** 1 when both of a thread's submissions got numbers, the second after the first, else 0. */
    private int twice(Numbered r) {
        combiner.submit(r);
        int first = r.number;
        combiner.submit(r);
        int second = r.number;
        return first >= 1 && second > first ? 1 : 0;
    }

    @Actor
    public void actor1(IIII_Result r) {
        r.r1 = twice(a);
    }

    @Actor
    public void actor2(IIII_Result r) {
        r.r2 = twice(b);
    }

    @Arbiter
    public void served(IIII_Result r) {
        combiner.lock();
        try {
            r.r3 = a.served + b.served;
            r.r4 = combiner.next;
        } finally {
            combiner.unlock();
        }
    }
}
