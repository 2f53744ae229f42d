package io.framejournal.allocator;

/** A frame or segment restored, or taken in use, as another metadata type than its slot holds. Nothing changed. */
public final class MetaTypeMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MetaTypeMismatchException(long paddr, int slotType, int requestedType) {
        super("frame at paddr 0x" + Long.toHexString(paddr) + " holds metadata type " + slotType
                + ", not the requested type " + requestedType);
    }
}
