package io.framejournal.replay.analysis;

import io.framejournal.journal.OpCode;

/**
 * One finding about one slot at one journal position.
 *
 * @param kind   what was found (a {@link io.framejournal.journal.Verdict} name, {@code INVARIANT}, {@code LEDGER},
 *               {@code TORN_SLOT}, {@code DIVERGENCE}, ...)
 * @param slot   the slot (frame index); paddr is {@code slot * 4096}
 * @param index  journal index of the event it concerns
 * @param op     op code of that event
 * @param handle handle behind that event (0 for none)
 * @param detail a one-line explanation
 */
public record SlotFinding(String kind, int slot, long index, int op, long handle, String detail) {
    public long paddr() {
        return Fmt.paddrOf(slot);
    }

    public String opName() {
        return OpCode.nameOf(op);
    }
}
