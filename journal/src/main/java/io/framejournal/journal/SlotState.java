package io.framejournal.journal;

/**
 * The owner's state of one meta slot, as plain mutable fields: the unit {@link Transition#apply} works on.
 * Both the allocator (loading from and storing to the memory-mapped slot table) and replay (loading from
 * compact primitive arrays) move a slot through this one type, so an event means the same thing to both.
 */
public final class SlotState {
    public long refCount = RefCount.UNUSED;
    public byte usage = 0;
    public int inList;
    /** 0 = metadata not initialized; otherwise the metadata type id. */
    public short metaType;

    public long meta0;
    public long meta1;
    /** References forgotten with into_raw and not yet restored. */
    public long raw;
    /** Live handles' obligations on this slot. */
    public long obligations;
    /** Journal index of the last event applied to this slot. */
    public long lastIndex = JournalIndex.NONE;

    public void copyFrom(SlotState o) {
        refCount = o.refCount;
        usage = o.usage;
        inList = o.inList;
        metaType = o.metaType;
        meta0 = o.meta0;
        meta1 = o.meta1;
        raw = o.raw;
        obligations = o.obligations;
        lastIndex = o.lastIndex;
    }

    public boolean metaInitialized() {
        return metaType != 0;
    }

    public boolean isFree() {
        return refCount == RefCount.UNUSED;
    }

    /** Same owner state; {@code lastIndex} is compared too when {@code withIndex}. */
    public boolean sameAs(SlotState o, boolean withIndex) {
        return refCount == o.refCount
                && usage == o.usage
                && inList == o.inList
                && metaType == o.metaType
                && meta0 == o.meta0
                && meta1 == o.meta1
                && raw == o.raw
                && obligations == o.obligations
                && (!withIndex || lastIndex == o.lastIndex);
    }

    /**
     * Whether each field but {@code lastIndex} holds the value it has in {@code a} or the one it has in {@code b}: a
     * slot whose store was cut short, each field written or not yet.
     */
    public boolean eachFieldFrom(SlotState a, SlotState b) {
        return oneOf(refCount, a.refCount, b.refCount)
                && oneOf(usage, a.usage, b.usage)
                && oneOf(inList, a.inList, b.inList)
                && oneOf(metaType, a.metaType, b.metaType)
                && oneOf(meta0, a.meta0, b.meta0)
                && oneOf(meta1, a.meta1, b.meta1)
                && oneOf(raw, a.raw, b.raw)
                && oneOf(obligations, a.obligations, b.obligations);
    }

    private static boolean oneOf(long v, long a, long b) {
        return v == a || v == b;
    }

    /** Names the fields where this state and another differ, e.g. {@code refCount 2≠1, obligations 2≠1}. */
    public String diff(SlotState o) {
        StringBuilder sb = new StringBuilder();
        field(sb, "refCount", RefCount.describe(refCount), RefCount.describe(o.refCount), refCount != o.refCount);
        field(sb, "usage", Usage.nameOf(usage), Usage.nameOf(o.usage), usage != o.usage);
        field(sb, "inList", inList, o.inList, inList != o.inList);
        field(sb, "metaType", metaType, o.metaType, metaType != o.metaType);
        field(sb, "meta", meta0 + "/" + meta1, o.meta0 + "/" + o.meta1, meta0 != o.meta0 || meta1 != o.meta1);
        field(sb, "raw", raw, o.raw, raw != o.raw);
        field(sb, "obligations", obligations, o.obligations, obligations != o.obligations);
        field(
                sb,
                "lastIndex",
                JournalIndex.format(lastIndex),
                JournalIndex.format(o.lastIndex),
                lastIndex != o.lastIndex);
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, Object a, Object b, boolean differs) {
        if (differs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(name).append(' ').append(a).append('\u2260').append(b);
        }
    }

    @Override
    public String toString() {
        return "refCount=" + RefCount.describe(refCount) + " usage=" + Usage.nameOf(usage) + " inList=" + inList
                + " meta=" + (metaType == 0 ? "none" : metaType + ":" + meta0 + "/" + meta1) + " raw=" + raw
                + " obligations=" + obligations + " lastIndex=" + JournalIndex.format(lastIndex);
    }
}
