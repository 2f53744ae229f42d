package io.framejournal.journal;

import java.util.SplittableRandom;

/** What the random-record and random-event tests of this package draw from. */
final class RandomRecords {
    /** Every kind a call record's slot entry can have. */
    static final EventKind[] SLOT_KINDS = {
        EventKind.REFCOUNT,
        EventKind.USAGE,
        EventKind.META_WRITE,
        EventKind.META_DROP,
        EventKind.MINT,
        EventKind.REDEEM,
        EventKind.RAW_FORGET,
        EventKind.RAW_RESTORE,
        EventKind.LIST
    };
    /** Every kind a marker record can have. */
    static final EventKind[] MARKERS = {
        EventKind.REGION_OPEN, EventKind.REGION_CLOSE, EventKind.LEAKED_HANDLE, EventKind.RECOVERY
    };

    private RandomRecords() {}

    /** Values that fit a narrow entry most of the time, and wide ones and negatives too. */
    static long value(SplittableRandom rnd) {
        switch (rnd.nextInt(5)) {
            case 0:
                return rnd.nextLong();
            case 1:
                return -rnd.nextInt(3);
            default:
                return rnd.nextInt(300);
        }
    }

    /** The field of a slot an event of {@code kind} is about (meta0 for the metadata kinds). */
    static long field(SlotState s, EventKind kind) {
        switch (kind) {
            case REFCOUNT:
                return s.refCount;
            case USAGE:
                return s.usage;
            case MINT:
            case REDEEM:
                return s.obligations;
            case RAW_FORGET:
            case RAW_RESTORE:
                return s.raw;
            case LIST:
                return s.inList;
            default:
                return s.meta0;
        }
    }
}
