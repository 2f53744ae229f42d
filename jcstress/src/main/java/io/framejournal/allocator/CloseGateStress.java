package io.framejournal.allocator;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The close handshake ({@link CloseGate}): a call entering while the region closes. The outcome that would unmap the
 * slot table under a call, "the call got in and closing saw no call active", must never happen.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the call got in; closing saw it active and waits for it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the call was refused; closing saw no call")
@Outcome(
        id = "0, 0",
        expect = ACCEPTABLE_INTERESTING,
        desc = "refused, but closing saw its pin raised for a moment" + " (it waits, then finds it gone)")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the call got in and closing saw it quiet: unmapped under a call")
@State
public class CloseGateStress {
    private final CloseGate gate = new CloseGate();
    private final CloseGate.Pin pin = gate.register(new CloseGate.Pin());

    @Actor
    public void call(II_Result r) {
        r.r1 = gate.enter(pin) ? 1 : 0; // stays inside: the call is in flight
    }

    @Actor
    public void close(II_Result r) {
        r.r2 = gate.shutAndCheckQuiet() ? 1 : 0;
    }
}
