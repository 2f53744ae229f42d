package io.framejournal.journal;

import java.util.Arrays;

/**
 * Who holds what on each slot, for attribution: a list of entries (handle, op, journal index, count) per slot,
 * kept in pooled primitive arrays (singly linked per slot, newest first, freed entries reused), so that adding
 * and removing allocates nothing once the pool has grown to the peak number of live entries.
 */
public final class SlotLedger {
    private static final int NIL = -1;

    private final int[] head;
    private long[] handle;
    private long[] index;
    private long[] count;
    private byte[] op;
    private int[] site;
    private int[] next;
    private int free = NIL;
    private int used;
    private long live;

    public SlotLedger(int nrSlots) {
        head = new int[nrSlots];
        Arrays.fill(head, NIL);
        int cap = 1024;
        handle = new long[cap];
        index = new long[cap];
        count = new long[cap];
        op = new byte[cap];
        site = new int[cap];
        next = new int[cap];
    }

    /** Adds {@code n} held by {@code h} on {@code slot}; merges into the handle's entry when it has one. */
    public void add(int slot, long h, int opCode, long journalIndex, long n) {
        add(slot, h, opCode, journalIndex, n, 0);
    }

    /** {@link #add(int, long, int, long, long)}, noting the call site of the record (0 for none). */
    public void add(int slot, long h, int opCode, long journalIndex, long n, int callSite) {
        for (int i = head[slot]; i != NIL; i = next[i]) {
            if (handle[i] == h && op[i] == (byte) opCode) {
                count[i] += n;
                live += n;
                if (site[i] == 0) {
                    site[i] = callSite;
                }
                return;
            }
        }
        int e = allocate();
        handle[e] = h;
        op[e] = (byte) opCode;
        site[e] = callSite;
        index[e] = journalIndex;
        count[e] = n;
        next[e] = head[slot];
        head[slot] = e;
        live += n;
    }

    /**
     * Puts an entry in front of the slot's list as it is, without merging: for rebuilding a ledger from a checkpoint,
     * oldest entry first, so that the list ends up as it was saved.
     */
    public void push(int slot, long h, int opCode, long journalIndex, long n, int callSite) {
        int e = allocate();
        site[e] = callSite;
        handle[e] = h;
        op[e] = (byte) opCode;
        index[e] = journalIndex;
        count[e] = n;
        next[e] = head[slot];
        head[slot] = e;
        live += n;
    }

    /** Number of entries on a slot. */
    public int entries(int slot) {
        int n = 0;
        for (int i = head[slot]; i != NIL; i = next[i]) {
            n++;
        }
        return n;
    }

    /** Visits the slot's entries oldest first (the order {@link #push} rebuilds them in). */
    public void forEachOldestFirst(int slot, SiteEntryVisitor visitor) {
        int n = entries(slot);
        if (n == 0) {
            return;
        }
        int[] order = n <= scratch.length ? scratch : (scratch = new int[Integer.highestOneBit(n) << 1]);
        int k = 0;
        for (int i = head[slot]; i != NIL; i = next[i]) {
            order[k++] = i;
        }
        for (int j = n - 1; j >= 0; j--) {
            int i = order[j];
            visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i], site[i]);
        }
    }

    private int[] scratch = new int[16];

    /**
     * Removes one held by {@code h} on {@code slot}.
     *
     * @return true when {@code h} held one there; false when it held none (then the oldest entry gives one up)
     */
    public boolean removeOne(int slot, long h) {
        return removeFrom(slot, h, 1) == 0;
    }

    /**
     * Removes {@code n} held by {@code h} on {@code slot}, from its newest entries on; what {@code h} does not hold
     * comes off the slot's oldest entries instead ({@link #removeOne} {@code n} times, in as many steps as entries).
     *
     * @return how many of the {@code n} {@code h} did not hold
     */
    public long removeFrom(int slot, long h, long n) {
        while (n > 0) {
            int prev = NIL;
            int i = head[slot];
            while (i != NIL && handle[i] != h) {
                prev = i;
                i = next[i];
            }
            if (i == NIL) {
                removeOldest(slot, n);
                return n;
            }
            long k = Math.min(n, count[i]);
            take(slot, prev, i, k);
            n -= k;
        }
        return 0;
    }

    /** Removes {@code n}, newest entries first (raw references carry no handle when restored). */
    public void removeNewest(int slot, long n) {
        while (n > 0 && head[slot] != NIL) {
            int i = head[slot];
            long k = Math.min(n, count[i]);
            take(slot, NIL, i, k);
            n -= k;
        }
    }

    private void removeOldest(int slot, long n) {
        while (n > 0 && head[slot] != NIL) {
            int prev = NIL;
            int i = head[slot];
            while (next[i] != NIL) {
                prev = i;
                i = next[i];
            }
            long k = Math.min(n, count[i]);
            take(slot, prev, i, k);
            n -= k;
        }
    }

    /** Forgets everything on a slot (recovery's reclaim releases it all at once). */
    public void clear(int slot) {
        while (head[slot] != NIL) {
            int i = head[slot];
            take(slot, NIL, i, count[i]);
        }
    }

    private void take(int slot, int prev, int i, long k) {
        count[i] -= k;
        live -= k;
        if (count[i] > 0) {
            return;
        }
        if (prev == NIL) {
            head[slot] = next[i];
        } else {
            next[prev] = next[i];
        }
        next[i] = free;
        free = i;
    }

    private int allocate() {
        if (free != NIL) {
            int e = free;
            free = next[e];
            return e;
        }
        if (used == handle.length) {
            int cap = handle.length * 2;
            handle = Arrays.copyOf(handle, cap);
            index = Arrays.copyOf(index, cap);
            count = Arrays.copyOf(count, cap);
            op = Arrays.copyOf(op, cap);
            site = Arrays.copyOf(site, cap);
            next = Arrays.copyOf(next, cap);
        }
        return used++;
    }

    /** Total held over all slots. */
    public long live() {
        return live;
    }

    public boolean isEmpty(int slot) {
        return head[slot] == NIL;
    }

    /** Visits every entry on a slot, newest first. */
    public void forEach(int slot, EntryVisitor visitor) {
        for (int i = head[slot]; i != NIL; i = next[i]) {
            visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i]);
        }
    }

    /** Visits every entry on a slot, newest first, with the call site of the record that added it. */
    public void forEachWithSite(int slot, SiteEntryVisitor visitor) {
        for (int i = head[slot]; i != NIL; i = next[i]) {
            visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i], site[i]);
        }
    }

    /** One ledger entry and its call site (0 for none). */
    @FunctionalInterface
    public interface SiteEntryVisitor {
        void visit(int slot, long handle, int op, long index, long count, int site);
    }

    /** One ledger entry. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(int slot, long handle, int op, long index, long count);
    }
}
