package io.framejournal.journal;

import java.util.Arrays;

/**
 * Who holds what on each slot, for attribution: a list of entries (handle, op, journal index, count) per slot,
 * kept in pooled primitive arrays (doubly linked per slot, newest first, freed entries reused), so that adding
 * and removing allocates nothing once the pool has grown to the peak number of live entries.
 *
 * <p>A slot's list is walked to find a handle's entry while it is short (a few entries: the usual case). A slot that
 * holds many (one frame cloned under thousands of live handles, or a hostile journal minting on one slot under as many
 * handles) is indexed instead: a hash table from (slot, handle) to the handle's newest entry there, each entry linked
 * to the same handle's next older one on the slot. Finding a handle then costs one probe, not a walk of the list, so
 * a replay stays linear in the journal however many handles share a slot (walking made it quadratic: 80,000 handles on
 * one slot took half a minute). The table's hash is seeded per ledger, so a journal cannot choose handles that collide.
 */
public final class SlotLedger {
    private static final int NIL = -1;
    /** A slot with this many entries is indexed ... */
    static final int INDEX_AT = 16;
    /** ... and stops being indexed when it is down to this many (apart, so that a slot at the edge does not flap). */
    static final int UNINDEX_AT = 4;

    /** Words per slot in {@link #slots}: its newest entry, its oldest, its number of entries, whether indexed. */
    private static final int HEAD = 0;

    private static final int TAIL = 1;
    private static final int SIZE = 2;
    private static final int INDEXED = 3;
    private static final int WORDS = 4;
    /** Slots per page of {@link #slots}: a page is made when a slot in it first gets an entry. */
    private static final int PAGE_BITS = 12;

    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;

    /**
     * Pages of {@code 1 << PAGE_BITS} slots, {@link #WORDS} ints each; {@code null} while no slot in it ever had an
     * entry, so memory follows the slots the journal touched, not the region's size (as {@link ReplayState}'s).
     */
    private final int[][] slots;

    private long[] handle;
    private long[] index;
    private long[] count;
    private byte[] op;
    private int[] site;
    /** Toward the older entry on the slot. */
    private int[] next;
    /** Toward the newer entry on the slot. */
    private int[] prev;
    /** The entry's slot (the key of {@link #table}, with its handle). */
    private int[] slotOf;
    /** Toward the same handle's older entry on the slot (indexed slots only). */
    private int[] older;
    /** Toward the same handle's newer entry on the slot (indexed slots only). */
    private int[] newer;

    private int free = NIL;
    private int used;
    private long live;

    /** Open addressing (linear probing, backward-shift deletion): (slot, handle) to the handle's newest entry. */
    private int[] table = new int[16];

    private int tableSize;
    private final long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;

    public SlotLedger(int nrSlots) {
        slots = new int[(nrSlots + PAGE_MASK) >>> PAGE_BITS][];
        Arrays.fill(table, NIL);
        int cap = 1024;
        handle = new long[cap];
        index = new long[cap];
        count = new long[cap];
        op = new byte[cap];
        site = new int[cap];
        next = new int[cap];
        prev = new int[cap];
        slotOf = new int[cap];
        older = new int[cap];
        newer = new int[cap];
    }

    /** Adds {@code n} held by {@code h} on {@code slot}; merges into the handle's entry when it has one. */
    public void add(int slot, long h, int opCode, long journalIndex, long n) {
        add(slot, h, opCode, journalIndex, n, 0);
    }

    /** {@link #add(int, long, int, long, long)}, noting the call site of the record (0 for none). */
    public void add(int slot, long h, int opCode, long journalIndex, long n, int callSite) {
        int i = newestOf(slot, h);
        while (i != NIL && op[i] != (byte) opCode) {
            i = isIndexed(slot) ? older[i] : olderOfHandle(i, h);
        }
        if (i != NIL) {
            count[i] += n;
            live += n;
            if (site[i] == 0) {
                site[i] = callSite;
            }
            return;
        }
        push(slot, h, opCode, journalIndex, n, callSite);
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
        slotOf[e] = slot;
        prev[e] = NIL;
        int h0 = head(slot);
        next[e] = h0;
        if (h0 != NIL) {
            prev[h0] = e;
        } else {
            set(slot, TAIL, e);
        }
        set(slot, HEAD, e);
        live += n;
        int size = get(slot, SIZE) + 1;
        set(slot, SIZE, size);
        if (isIndexed(slot)) {
            linkHandle(e);
        } else if (size >= INDEX_AT) {
            index(slot);
        }
    }

    /** Number of entries on a slot. */
    public int entries(int slot) {
        return get(slot, SIZE);
    }

    /** Visits the slot's entries oldest first (the order {@link #push} rebuilds them in). */
    public void forEachOldestFirst(int slot, SiteEntryVisitor visitor) {
        for (int i = get(slot, TAIL); i != NIL; i = prev[i]) {
            visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i], site[i]);
        }
    }

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
            int i = newestOf(slot, h);
            if (i == NIL) {
                removeOldest(slot, n);
                return n;
            }
            long k = Math.min(n, count[i]);
            take(slot, i, k);
            n -= k;
        }
        return 0;
    }

    /** Removes {@code n}, newest entries first (raw references carry no handle when restored). */
    public void removeNewest(int slot, long n) {
        while (n > 0 && head(slot) != NIL) {
            int i = head(slot);
            long k = Math.min(n, count[i]);
            take(slot, i, k);
            n -= k;
        }
    }

    private void removeOldest(int slot, long n) {
        while (n > 0 && get(slot, TAIL) != NIL) {
            int i = get(slot, TAIL);
            long k = Math.min(n, count[i]);
            take(slot, i, k);
            n -= k;
        }
    }

    /** Forgets everything on a slot (recovery's reclaim releases it all at once). */
    public void clear(int slot) {
        while (head(slot) != NIL) {
            int i = head(slot);
            take(slot, i, count[i]);
        }
    }

    /** The newest entry of {@code h} on {@code slot}, or NIL. */
    private int newestOf(int slot, long h) {
        if (isIndexed(slot)) {
            return lookup(slot, h);
        }
        int i = head(slot);
        while (i != NIL && handle[i] != h) {
            i = next[i];
        }
        return i;
    }

    /** The next older entry of {@code h} after {@code i} on a slot that is not indexed, or NIL. */
    private int olderOfHandle(int i, long h) {
        i = next[i];
        while (i != NIL && handle[i] != h) {
            i = next[i];
        }
        return i;
    }

    private void take(int slot, int i, long k) {
        count[i] -= k;
        live -= k;
        if (count[i] > 0) {
            return;
        }
        if (isIndexed(slot)) {
            unlinkHandle(i);
        }
        int p = prev[i];
        int q = next[i];
        if (p == NIL) {
            set(slot, HEAD, q);
        } else {
            next[p] = q;
        }
        if (q == NIL) {
            set(slot, TAIL, p);
        } else {
            prev[q] = p;
        }
        next[i] = free;
        free = i;
        int size = get(slot, SIZE) - 1;
        set(slot, SIZE, size);
        if (size <= UNINDEX_AT && isIndexed(slot)) {
            unindex(slot);
        }
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
            prev = Arrays.copyOf(prev, cap);
            slotOf = Arrays.copyOf(slotOf, cap);
            older = Arrays.copyOf(older, cap);
            newer = Arrays.copyOf(newer, cap);
        }
        return used++;
    }

    // ---------------------------------------------------------------- the index of slots with many entries

    private boolean isIndexed(int slot) {
        return get(slot, INDEXED) != 0;
    }

    private int head(int slot) {
        return get(slot, HEAD);
    }

    private int get(int slot, int word) {
        int[] p = slots[slot >>> PAGE_BITS];
        return p == null ? (word == HEAD || word == TAIL ? NIL : 0) : p[(slot & PAGE_MASK) * WORDS + word];
    }

    private void set(int slot, int word, int value) {
        int[] p = slots[slot >>> PAGE_BITS];
        if (p == null) {
            p = new int[WORDS << PAGE_BITS];
            for (int b = 0; b < p.length; b += WORDS) {
                p[b + HEAD] = NIL;
                p[b + TAIL] = NIL;
            }
            slots[slot >>> PAGE_BITS] = p;
        }
        p[(slot & PAGE_MASK) * WORDS + word] = value;
    }

    /** Puts every entry of the slot in the table, oldest first, so that each handle's chain runs newest first. */
    private void index(int slot) {
        set(slot, INDEXED, 1);
        for (int i = get(slot, TAIL); i != NIL; i = prev[i]) {
            linkHandle(i);
        }
    }

    private void unindex(int slot) {
        for (int i = head(slot); i != NIL; i = next[i]) {
            unlinkHandle(i);
        }
        set(slot, INDEXED, 0);
    }

    /** Makes {@code e} the newest entry of its handle on its slot. */
    private void linkHandle(int e) {
        int t = find(slotOf[e], handle[e]);
        int was = table[t];
        newer[e] = NIL;
        older[e] = was;
        if (was != NIL) {
            newer[was] = e;
        } else {
            if ((tableSize + 1) * 2 > table.length) {
                grow();
                t = find(slotOf[e], handle[e]);
            }
            tableSize++;
        }
        table[t] = e;
    }

    private void unlinkHandle(int e) {
        int n = newer[e];
        int o = older[e];
        if (o != NIL) {
            newer[o] = n;
        }
        if (n != NIL) {
            older[n] = o;
            return;
        }
        int t = find(slotOf[e], handle[e]); // e was the handle's newest: the table names it
        if (o != NIL) {
            table[t] = o;
        } else {
            delete(t);
        }
    }

    private int lookup(int slot, long h) {
        return table[find(slot, h)];
    }

    /** The table position of (slot, h): where it is, or the empty one where it would go. */
    private int find(int slot, long h) {
        int mask = table.length - 1;
        int t = hash(slot, h) & mask;
        for (int e = table[t]; e != NIL; e = table[t]) {
            if (handle[e] == h && slotOf[e] == slot) {
                return t;
            }
            t = (t + 1) & mask;
        }
        return t;
    }

    private int hash(int slot, long h) {
        long x = (h ^ seed) * 0x9E3779B97F4A7C15L + slot;
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (int) (x ^ (x >>> 33));
    }

    private void delete(int t) {
        int mask = table.length - 1;
        table[t] = NIL;
        tableSize--;
        int j = t;
        while (true) {
            j = (j + 1) & mask;
            int e = table[j];
            if (e == NIL) {
                return;
            }
            int home = hash(slotOf[e], handle[e]) & mask;
            boolean movable = t <= j ? (home <= t || home > j) : (home <= t && home > j);
            if (movable) {
                table[t] = e;
                table[j] = NIL;
                t = j;
            }
        }
    }

    private void grow() {
        int[] old = table;
        table = new int[old.length * 2];
        Arrays.fill(table, NIL);
        for (int e : old) {
            if (e != NIL) {
                table[find(slotOf[e], handle[e])] = e;
            }
        }
    }

    /** Total held over all slots. */
    public long live() {
        return live;
    }

    public boolean isEmpty(int slot) {
        return head(slot) == NIL;
    }

    /** Visits every entry on a slot, newest first. */
    public void forEach(int slot, EntryVisitor visitor) {
        for (int i = head(slot); i != NIL; i = next[i]) {
            visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i]);
        }
    }

    /** Visits every entry on a slot, newest first, with the call site of the record that added it. */
    public void forEachWithSite(int slot, SiteEntryVisitor visitor) {
        for (int i = head(slot); i != NIL; i = next[i]) {
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
