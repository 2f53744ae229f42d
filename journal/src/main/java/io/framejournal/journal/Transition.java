package io.framejournal.journal;

/**
 * The one place that says what a journal event means. The allocator applies every event it journals through
 * {@link #apply} before it stores the slot; replay and audit rebuild state through the same call; recovery
 * redoes events past a slot's {@code lastIndex} with {@link #redo}; {@link ReplayState} applies events to its packed
 * words with {@link #applyToWords}, the same meaning for its layout. Pure: no I/O, no allocation.
 */
public final class Transition {
    private static final int RECLAIM = OpCode.RECOVERY_RECLAIM.code();

    private Transition() {}

    /**
     * Applies {@code e} to {@code s}, checking that the event follows from the state. The event's effect is
     * applied whatever the verdict (the "after" values win), so a replay can go on past a finding.
     */
    public static Verdict apply(SlotState s, JournalEvent e) {
        Verdict v = check(s, e);
        redo(s, e);
        return v;
    }

    /** Sets the state the event leaves behind, without checks. Idempotent: redoing an event twice is harmless. */
    public static void redo(SlotState s, JournalEvent e) {
        switch (EFFECT[e.kind.code() & 0xff]) {
            case SET_REF:
                s.refCount = e.after;
                break;
            case SET_USAGE:
                s.usage = (byte) e.after;
                break;
            case SET_META:
                s.metaType = e.metaType;
                s.meta0 = e.before;
                s.meta1 = e.after;
                break;
            case CLEAR_META:
                s.metaType = 0;
                s.meta0 = 0;
                s.meta1 = 0;
                break;
            case SET_OBLIGATIONS:
                s.obligations = e.after;
                break;
            case SET_RAW:
                s.raw = e.after;
                break;
            case SET_LIST:
                s.inList = (int) e.after;
                break;
            default:
                return; // region, compound and leak events leave slots alone
        }
        s.lastIndex = e.index;
    }

    /** One more than the largest number {@link #undoneField} returns: fields numbered 0..FIELDS-1. */
    public static final int FIELDS = 8;

    /**
     * The field an event of {@code kind} is about, when its {@code before} is that field's previous value (refcount,
     * usage, obligations, raw references, list): a number below {@link #FIELDS}, the same for every kind about the same
     * field (MINT and REDEEM, RAW_FORGET and RAW_RESTORE). -1 for a kind whose {@code before} is not a previous value
     * (META_WRITE and META_DROP carry payloads) or that changes no slot.
     */
    public static int undoneField(EventKind kind) {
        byte effect = EFFECT[kind.code() & 0xff];
        return effect == SET_META || effect == CLEAR_META || effect == NO_EFFECT ? -1 : effect;
    }

    /**
     * Sets the field {@code e} is about back to the value it held before {@code e} ({@code e.before}); nothing for a
     * kind {@link #undoneField} says -1 of. {@code lastIndex} is left as it is. A state taken back through the first
     * event about each field after a point is the state at that point (journal continuity), for those fields.
     */
    public static void undo(SlotState s, JournalEvent e) {
        switch (EFFECT[e.kind.code() & 0xff]) {
            case SET_REF:
                s.refCount = e.before;
                break;
            case SET_USAGE:
                s.usage = (byte) e.before;
                break;
            case SET_OBLIGATIONS:
                s.obligations = e.before;
                break;
            case SET_RAW:
                s.raw = e.before;
                break;
            case SET_LIST:
                s.inList = (int) e.before;
                break;
            default:
                break; // metadata payloads, and events that change no slot: nothing to take back from
        }
    }

    // What each kind does to a slot, as an effect code: the one mapping from kinds to the fields they set, read by
    // redo (a SlotState), redoEntry (ReplayState's packed words) and undo alike.
    private static final byte NO_EFFECT = 0;
    private static final byte SET_REF = 1;
    private static final byte SET_USAGE = 2;
    private static final byte SET_META = 3;
    private static final byte CLEAR_META = 4;
    private static final byte SET_OBLIGATIONS = 5;
    private static final byte SET_RAW = 6;
    private static final byte SET_LIST = 7;
    /** By entry kind byte ({@link RecordFormat}: the kind's code, high bit for a wide entry): its effect. */
    private static final byte[] EFFECT = new byte[256];

    /** The field a kind sets. */
    private static byte effectOf(EventKind k) {
        switch (k) {
            case REFCOUNT:
                return SET_REF;
            case USAGE:
                return SET_USAGE;
            case META_WRITE:
                return SET_META;
            case META_DROP:
                return CLEAR_META;
            case MINT:
            case REDEEM:
                return SET_OBLIGATIONS;
            case RAW_FORGET:
            case RAW_RESTORE:
                return SET_RAW;
            case LIST:
                return SET_LIST;
            default:
                return NO_EFFECT;
        }
    }

    /**
     * {@link #redo} on {@link ReplayState}'s packed words ({@code w[b..b+6]}) for one entry of a format-2 record as
     * stored: its entry kind byte (high bit for wide), metaType (0 for a narrow entry), before and after. What a
     * record-at-a-time replay applies, without a verdict and without the lastIndex, which the caller writes once per
     * slot group (every entry of a group sets it to the record's index). An entry kind that changes no slot does
     * nothing. A test checks it against {@link #redo} for every kind.
     */
    static void redoEntry(long[] w, int b, int kindByte, int metaType, long before, long after) {
        switch (EFFECT[kindByte & 0xff]) {
            case SET_REF:
                w[b + ReplayState.REF] = after;
                return;
            case SET_OBLIGATIONS:
                w[b + ReplayState.OBLIGATIONS] = after;
                return;
            case SET_RAW:
                w[b + ReplayState.RAW] = after;
                return;
            case SET_USAGE:
                w[b + ReplayState.PACKED] = ReplayState.withUsage(w[b + ReplayState.PACKED], after);
                return;
            case SET_LIST:
                w[b + ReplayState.PACKED] = ReplayState.withInList(w[b + ReplayState.PACKED], after);
                return;
            case SET_META:
                w[b + ReplayState.PACKED] = ReplayState.withMetaType(w[b + ReplayState.PACKED], metaType);
                w[b + ReplayState.META0] = before;
                w[b + ReplayState.META1] = after;
                return;
            case CLEAR_META:
                w[b + ReplayState.PACKED] = ReplayState.withMetaType(w[b + ReplayState.PACKED], 0);
                w[b + ReplayState.META0] = 0;
                w[b + ReplayState.META1] = 0;
                return;
            default:
        }
    }

    /**
     * {@link #apply} on a slot kept as {@link ReplayState}'s packed words ({@code w[b..b+6]}): the verdict from the one
     * field the kind is about (the same per-kind methods as {@link #check}), then the effect {@link #redoEntry} gives
     * for the kind and lastIndex. A test checks it against {@link #check} and {@link #redo} on random events.
     */
    static Verdict applyToWords(long[] w, int b, JournalEvent e) {
        int kindByte = e.kind.code();
        Verdict v = checkEntry(w, b, kindByte, e.op, e.flags, e.metaType, e.before, e.after);
        redoEntry(w, b, kindByte, e.metaType, e.before, e.after);
        w[b + ReplayState.LAST] = e.index;
        return v;
    }

    // Which per-kind verdict an entry kind byte takes (checkEntry): a table like EFFECT, since MINT and REDEEM (and the
    // two raw kinds) set one field but are judged apart.
    private static final byte CHECK_NONE = 0;
    private static final byte CHECK_REF = 1;
    private static final byte CHECK_USAGE = 2;
    private static final byte CHECK_META_WRITE = 3;
    private static final byte CHECK_META_DROP = 4;
    private static final byte CHECK_MINT = 5;
    private static final byte CHECK_REDEEM = 6;
    private static final byte CHECK_RAW_FORGET = 7;
    private static final byte CHECK_RAW_RESTORE = 8;
    private static final byte CHECK_LIST = 9;
    private static final byte[] CHECK = new byte[256];

    // both tables by entry kind byte (a kind's code, the high bit set for a wide entry), built from the kinds once
    static {
        for (int kb = 0; kb < 256; kb++) {
            EventKind k = EventKind.ofCode(kb & ~RecordFormat.WIDE_BIT);
            EFFECT[kb] = k == null ? NO_EFFECT : effectOf(k);
            CHECK[kb] = k == null ? CHECK_NONE : checkOf(k);
        }
    }

    /** The per-kind verdict a kind takes. */
    private static byte checkOf(EventKind k) {
        switch (k) {
            case REFCOUNT:
                return CHECK_REF;
            case USAGE:
                return CHECK_USAGE;
            case META_WRITE:
                return CHECK_META_WRITE;
            case META_DROP:
                return CHECK_META_DROP;
            case MINT:
                return CHECK_MINT;
            case REDEEM:
                return CHECK_REDEEM;
            case RAW_FORGET:
                return CHECK_RAW_FORGET;
            case RAW_RESTORE:
                return CHECK_RAW_RESTORE;
            case LIST:
                return CHECK_LIST;
            default:
                return CHECK_NONE;
        }
    }

    /**
     * {@link #check} on {@link ReplayState}'s packed words for one entry of a format-2 record as stored (its entry kind
     * byte, the entry's flags, metaType, before and after; the record's op): the same per-kind verdicts, for a replay
     * that judges a record in place without filling an event ({@link LedgerReplay}). A test checks it against
     * {@link #check} for every kind.
     */
    static Verdict checkEntry(
            long[] w, int b, int kindByte, int op, int flags, short metaType, long before, long after) {
        switch (CHECK[kindByte & 0xff]) {
            case CHECK_REF:
                return refCount(w[b + ReplayState.REF], op, before, after);
            case CHECK_MINT:
                return mint(w[b + ReplayState.OBLIGATIONS], before, after);
            case CHECK_REDEEM:
                return redeem(w[b + ReplayState.OBLIGATIONS], before, after);
            case CHECK_LIST:
                return list(ReplayState.inListOf(w[b + ReplayState.PACKED]), before, after);
            case CHECK_USAGE:
                return usage(ReplayState.usageOf(w[b + ReplayState.PACKED]), before, after);
            case CHECK_META_WRITE:
                return metaWrite(ReplayState.metaTypeOf(w[b + ReplayState.PACKED]), flags, metaType);
            case CHECK_META_DROP:
                return metaDrop(ReplayState.metaTypeOf(w[b + ReplayState.PACKED]), metaType);
            case CHECK_RAW_FORGET:
                return rawForget(w[b + ReplayState.RAW], before, after);
            case CHECK_RAW_RESTORE:
                return rawRestore(w[b + ReplayState.RAW], before, after);
            default:
                return Verdict.OK;
        }
    }

    /**
     * The verdict {@link #apply} would give, without changing anything. One small method per kind, each given only the
     * field the kind is about (so {@link ReplayState} checks a slot in its packed words through the same methods), and
     * a dispatch small enough for the JIT to inline into every replay loop.
     */
    public static Verdict check(SlotState s, JournalEvent e) {
        switch (CHECK[e.kind.code() & 0xff]) { // the one mapping of kinds to verdicts (checkOf), as checkEntry reads it
            case CHECK_REF:
                return refCount(s.refCount, e.op, e.before, e.after);
            case CHECK_USAGE:
                return usage(s.usage, e.before, e.after);
            case CHECK_META_WRITE:
                return metaWrite(s.metaType, e.flags, e.metaType);
            case CHECK_META_DROP:
                return metaDrop(s.metaType, e.metaType);
            case CHECK_MINT:
                return mint(s.obligations, e.before, e.after);
            case CHECK_REDEEM:
                return redeem(s.obligations, e.before, e.after);
            case CHECK_RAW_FORGET:
                return rawForget(s.raw, e.before, e.after);
            case CHECK_RAW_RESTORE:
                return rawRestore(s.raw, e.before, e.after);
            case CHECK_LIST:
                return list(s.inList, e.before, e.after);
            default:
                return Verdict.OK;
        }
    }

    static Verdict refCount(long current, int op, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        if (op == RECLAIM) {
            return after == 0 || after == RefCount.UNUSED ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
        }
        if (before > 0 && after < 0 && after != RefCount.UNIQUE) {
            return Verdict.OVERFLOW;
        }
        if (before == 0 && after < 0 && after != RefCount.UNIQUE && after != RefCount.UNUSED) {
            return Verdict.UNDERFLOW;
        }
        return RefCount.isLegalStep(before, after) ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }

    static Verdict usage(byte current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        return Usage.ofCode(after) == null ? Verdict.ILLEGAL_TRANSITION : Verdict.OK;
    }

    static Verdict metaWrite(short current, int flags, short metaType) {
        if ((flags & JournalEvent.FLAG_UPDATE) != 0) {
            return current == metaType ? Verdict.OK : Verdict.META_MISMATCH;
        }
        return current == 0 && metaType != 0 ? Verdict.OK : Verdict.META_MISMATCH;
    }

    static Verdict metaDrop(short current, short metaType) {
        return current == metaType && current != 0 ? Verdict.OK : Verdict.META_MISMATCH;
    }

    static Verdict mint(long current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        return after == before + 1 ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }

    static Verdict redeem(long current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        if (after < 0) {
            return Verdict.UNDERFLOW;
        }
        return after < before ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }

    static Verdict rawForget(long current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        return after > before ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }

    static Verdict rawRestore(long current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        if (before == 0 || after < 0) {
            return Verdict.DOUBLE_FREE;
        }
        return after < before ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }

    static Verdict list(int current, long before, long after) {
        if (current != before) {
            return Verdict.CONTINUITY;
        }
        return after == 0 || before == 0 ? Verdict.OK : Verdict.ILLEGAL_TRANSITION;
    }
}
