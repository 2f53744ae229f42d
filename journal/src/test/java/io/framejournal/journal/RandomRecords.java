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

    private static final OpCode[] OPS = OpCode.values();

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

    /** Builds one record; {@code model} given, its entries continue from the model's replayed slots. */
    static void record(RecordEncoder encoder, SplittableRandom rnd, int slots, LedgerReplay model) {
        if (rnd.nextInt(25) == 0) {
            encoder.marker(
                    MARKERS[rnd.nextInt(MARKERS.length)],
                    OPS[rnd.nextInt(OPS.length)],
                    rnd.nextLong(1, 6),
                    rnd.nextInt(slots),
                    rnd.nextLong(3),
                    rnd.nextLong(3),
                    (short) 0);
            return;
        }
        OpCode op = rnd.nextInt(40) == 0 ? OpCode.RECOVERY_RECLAIM : OPS[rnd.nextInt(OPS.length)];
        encoder.beginCall(op, rnd.nextInt(30) == 0 ? 0 : rnd.nextLong(1, 6), rnd.nextInt(4));
        if (rnd.nextInt(4) == 0) {
            encoder.fromHandle(rnd.nextLong(0, 6));
        }
        int groups = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 20 : 3);
        // ascending slots in a small range (so that slots come back), a few past the region's end
        int slot = rnd.nextInt(model == null ? slots : 200);
        SlotState s = new SlotState();
        for (int g = 0; g < groups; g++) {
            slot += 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 3000 : 10);
            long randomPrev = rnd.nextInt(3) == 0 ? JournalIndex.NONE : rnd.nextLong(1 << 20);
            // a plausible record names the slot's previous record, as the writer does; a random one breaks the chain
            encoder.beginSlot(
                    slot, model != null && slot < slots ? model.state().lastIndex(slot) : randomPrev);
            if (model != null && slot < slots) {
                model.state().load(slot, s);
            }
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                EventKind kind = SLOT_KINDS[rnd.nextInt(SLOT_KINDS.length)];
                int flags = rnd.nextInt(4) == 0 ? RecordFormat.ENTRY_UPDATE : 0;
                short metaType =
                        kind == EventKind.META_WRITE || kind == EventKind.META_DROP ? (short) rnd.nextInt(1, 4) : 0;
                long before;
                long after;
                if (model != null && slot < slots) {
                    before = field(s, kind);
                    after = next(kind, before, rnd);
                    s.refCount = kind == EventKind.REFCOUNT ? after : s.refCount;
                    s.obligations = kind == EventKind.MINT || kind == EventKind.REDEEM ? after : s.obligations;
                    s.raw = kind == EventKind.RAW_FORGET || kind == EventKind.RAW_RESTORE ? after : s.raw;
                    s.usage = kind == EventKind.USAGE ? (byte) after : s.usage;
                    s.inList = kind == EventKind.LIST ? (int) after : s.inList;
                    s.metaType = kind == EventKind.META_WRITE ? metaType : kind == EventKind.META_DROP ? 0 : s.metaType;
                    if (kind == EventKind.META_DROP && rnd.nextInt(3) != 0) {
                        metaType = s.metaType == 0 ? metaType : s.metaType;
                    }
                } else {
                    before = value(rnd);
                    after = value(rnd);
                }
                if (kind == EventKind.META_WRITE || kind == EventKind.META_DROP) {
                    before = rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(100);
                    after = rnd.nextInt(100);
                }
                encoder.entry(kind, flags, metaType, before, after);
            }
        }
    }

    /** A usually legal next value for a kind's field (sometimes an illegal one). */
    private static long next(EventKind kind, long before, SplittableRandom rnd) {
        if (rnd.nextInt(15) == 0) {
            return value(rnd);
        }
        switch (kind) {
            case REFCOUNT:
                return before == RefCount.UNUSED ? (rnd.nextBoolean() ? RefCount.UNIQUE : 1) : before + 1;
            case USAGE:
                return rnd.nextInt(3);
            case MINT:
            case RAW_FORGET:
                return before + 1;
            case REDEEM:
            case RAW_RESTORE:
                return Math.max(0, before - 1 - rnd.nextInt(2));
            case LIST:
                return before == 0 ? rnd.nextInt(1, 50) : 0;
            default:
                return 0;
        }
    }
}
