package io.framejournal.allocator;

import io.framejournal.journal.RefCount;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.util.Arrays;

/**
 * A plain in-memory model of the slot table for the state-machine test: what each public call should do to each slot,
 * by this test's own simple rules (never through {@code Transition}). Every slot holds {@link LongMeta} when used.
 */
final class SlotModel {
    final int nrSlots;
    final long[] refCount;
    final long[] obligations;
    final long[] raw;
    final int[] inList;
    final long[] tag;
    final long[] value;

    SlotModel(int nrSlots) {
        this.nrSlots = nrSlots;
        refCount = new long[nrSlots];
        obligations = new long[nrSlots];
        raw = new long[nrSlots];
        inList = new int[nrSlots];
        tag = new long[nrSlots];
        value = new long[nrSlots];
        Arrays.fill(refCount, RefCount.UNUSED);
    }

    boolean isFree(int slot) {
        return refCount[slot] == RefCount.UNUSED;
    }

    boolean isShared(int slot) {
        return refCount[slot] > 0;
    }

    int freeCount() {
        int n = 0;
        for (int s = 0; s < nrSlots; s++) {
            n += isFree(s) ? 1 : 0;
        }
        return n;
    }

    int longestFreeRun() {
        int longest = 0;
        int run = 0;
        for (int s = 0; s < nrSlots; s++) {
            run = isFree(s) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** A free frame becomes used: refcount 1 (or UNIQUE), one handle owes it, metadata written. */
    void claim(int slot, boolean unique, LongMeta meta) {
        if (!isFree(slot)) {
            throw new AssertionError("model: slot " + slot + " claimed while " + RefCount.describe(refCount[slot]));
        }
        refCount[slot] = unique ? RefCount.UNIQUE : 1;
        obligations[slot] = 1;
        tag[slot] = meta.tag();
        value[slot] = meta.value();
    }

    /** Another handle (clone, from_in_use, segment clone/slice). */
    void acquire(int slot) {
        refCount[slot]++;
        obligations[slot]++;
    }

    /** A handle dropped; the last reference frees the frame. */
    void drop(int slot) {
        obligations[slot]--;
        if (refCount[slot] == 1 || refCount[slot] == RefCount.UNIQUE) {
            refCount[slot] = RefCount.UNUSED;
            inList[slot] = 0;
            tag[slot] = 0;
            value[slot] = 0;
        } else {
            refCount[slot]--;
        }
    }

    void forget(int slot) {
        obligations[slot]--;
        raw[slot]++;
    }

    void restore(int slot) {
        raw[slot]--;
        obligations[slot]++;
    }

    /**
     * The slot as the table should hold it, compared field by field.
     *
     * @return null when equal, else what differs
     */
    String mismatch(int slot, SlotState s) {
        StringBuilder sb = new StringBuilder();
        boolean free = isFree(slot);
        compare(sb, "refCount", refCount[slot], s.refCount);
        compare(sb, "obligations", obligations[slot], s.obligations);
        compare(sb, "raw", raw[slot], s.raw);
        compare(sb, "inList", inList[slot], s.inList);
        compare(sb, "usage", free ? Usage.UNUSED.code() : Usage.FRAME.code(), s.usage);
        compare(sb, "metaType", free ? 0 : LongMeta.CODEC.typeId(), s.metaType);
        compare(sb, "meta0", tag[slot], s.meta0);
        compare(sb, "meta1", value[slot], s.meta1);
        return sb.length() == 0 ? null : "slot " + slot + " model vs table: " + sb;
    }

    private static void compare(StringBuilder sb, String field, long model, long table) {
        if (model != table) {
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(field)
                    .append(' ')
                    .append(model)
                    .append("\u2260")
                    .append(table);
        }
    }
}
