package io.framejournal.journal;

import java.util.Arrays;

/**
 * Compound operations that have begun and not yet ended, keyed by compound id: an open-addressing table
 * (linear probing, backward-shift deletion) over primitive arrays, so BEGIN/END cost no allocation. The hash is seeded
 * per table ({@link SeededHash}, as {@link SlotLedger}'s is): compound ids come from the journal, and a crafted format-1 journal could
 * otherwise choose ids that all probe from one home and make {@code audit} and {@code history} quadratic.
 */
public final class OpenCompounds {
    private static final long EMPTY = 0; // compound ids are session << 40 | counter, never 0

    private long[] id;
    private long[] beginIndex;
    private long[] handle;
    private long[] pages;
    private int[] slot;
    private byte[] op;
    private int size;
    private int mask;
    private final SeededHash hash = new SeededHash();

    public OpenCompounds() {
        resize(64);
    }

    private void resize(int cap) {
        long[] oldId = id;
        long[] oldBegin = beginIndex;
        long[] oldHandle = handle;
        long[] oldPages = pages;
        int[] oldSlot = slot;
        byte[] oldOp = op;
        id = new long[cap];
        beginIndex = new long[cap];
        handle = new long[cap];
        pages = new long[cap];
        slot = new int[cap];
        op = new byte[cap];
        mask = cap - 1;
        size = 0;
        if (oldId != null) {
            for (int i = 0; i < oldId.length; i++) {
                if (oldId[i] != EMPTY) {
                    put(oldId[i], oldOp[i], oldSlot[i], oldPages[i], oldHandle[i], oldBegin[i]);
                }
            }
        }
    }

    /** Where {@code compoundId} starts probing in this table as it is now. */
    int home(long compoundId) {
        return hash.of(compoundId, 0) & mask;
    }

    /** The farthest any open compound lies from its home: the longest probe a lookup makes (for tests). */
    int longestProbe() {
        int longest = 0;
        for (int i = 0; i < id.length; i++) {
            if (id[i] != EMPTY) {
                longest = Math.max(longest, (i - home(id[i])) & mask);
            }
        }
        return longest;
    }

    public void put(long compoundId, int opCode, int startSlot, long nrPages, long h, long index) {
        if (compoundId == EMPTY) {
            return;
        }
        if ((size + 1) * 2 > id.length) {
            resize(id.length * 2);
        }
        int i = home(compoundId);
        while (id[i] != EMPTY && id[i] != compoundId) {
            i = (i + 1) & mask;
        }
        if (id[i] == EMPTY) {
            size++;
        }
        id[i] = compoundId;
        op[i] = (byte) opCode;
        slot[i] = startSlot;
        pages[i] = nrPages;
        handle[i] = h;
        beginIndex[i] = index;
    }

    /** @return whether the compound was open */
    public boolean remove(long compoundId) {
        if (compoundId == EMPTY) {
            return false;
        }
        int i = home(compoundId);
        while (id[i] != compoundId) {
            if (id[i] == EMPTY) {
                return false;
            }
            i = (i + 1) & mask;
        }
        id[i] = EMPTY;
        size--;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (id[j] == EMPTY) {
                return true;
            }
            int home = home(id[j]);
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                id[i] = id[j];
                op[i] = op[j];
                slot[i] = slot[j];
                pages[i] = pages[j];
                handle[i] = handle[j];
                beginIndex[i] = beginIndex[j];
                id[j] = EMPTY;
                i = j;
            }
        }
    }

    public int size() {
        return size;
    }

    /** Visits the open compounds in the order they began. */
    public void forEachByBegin(Visitor v) {
        int[] order = new int[size];
        int n = 0;
        for (int i = 0; i < id.length; i++) {
            if (id[i] != EMPTY) {
                order[n++] = i;
            }
        }
        Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Long.compare(beginIndex[a], beginIndex[b]));
        for (int i : boxed) {
            v.visit(id[i], op[i] & 0xff, slot[i], pages[i], handle[i], beginIndex[i]);
        }
    }

    /** One open compound. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long compoundId, int op, int startSlot, long pages, long handle, long beginIndex);
    }
}
