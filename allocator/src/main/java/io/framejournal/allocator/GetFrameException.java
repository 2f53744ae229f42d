package io.framejournal.allocator;

/** A seed {@code Err(GetFrameError)}: checked, and the slot table and ledger are as they were before the call. */
public final class GetFrameException extends Exception {
    private static final long serialVersionUID = 1L;
    private final GetFrameError error;
    private final long paddr;

    public GetFrameException(GetFrameError error, long paddr) {
        super(error + " at paddr 0x" + Long.toHexString(paddr));
        this.error = error;
        this.paddr = paddr;
    }

    public GetFrameError error() {
        return error;
    }

    public long paddr() {
        return paddr;
    }
}
