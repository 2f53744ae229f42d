package io.framejournal.journal;

import java.util.Arrays;

/**
 * Who holds what on each slot, for attribution: a list of entries (handle, op, journal index, count) per slot, newest
 * first, kept in pooled primitive arrays (freed entries reused), so that adding and removing allocates nothing once
 * the pool has grown to the peak number of live entries.
 *
 * <p>A slot's list is singly linked and walked to find a handle's entry while it is short (under {@value #INDEX_AT}
 * entries: the usual case, and the audit's hot path, which this keeps as lean as a walk of a few entries). A slot that
 * holds many (one frame cloned under thousands of live handles, or a hostile journal minting on one slot under as many
 * handles) is <em>indexed</em> instead: its list is also linked backward (so its oldest entry is at hand), and a hash
 * table maps (slot, handle) to the handle's newest entry there, each entry linked to the same handle's next older one
 * on the slot. Finding a handle then costs one probe, not a walk of the list, so a replay stays linear in the journal
 * however many handles share a slot (walking made it quadratic: 80,000 handles on one slot took half a minute). The
 * table's hash is seeded per ledger, so a journal cannot choose handles that collide. A slot goes back to a plain list
 * at {@value #UNINDEX_AT} entries.
 *
 * <p>The slots' list heads are kept in pages of 4,096 slots made when a slot in them first gets an entry, so memory
 * follows the slots the journal touched, not the region's size (a region.conf may claim 2^28 frames).
 */
public final class SlotLedger {
    private static final int NIL = -1;
    /** A slot with this many entries is indexed ... */
    static final int INDEX_AT = 16;
    /** ... and stops being indexed when it is down to this many (apart, so that a slot at the edge does not flap). */
    static final int UNINDEX_AT = 4;

    private static final int PAGE_BITS = 12;
    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;

    /**
     * Per slot, in pages of {@code 1 << PAGE_BITS} ({@code null}: no slot in it ever had an entry): the slot's newest
     * entry, {@link #NIL} for none, or for an indexed slot {@code -2 - n}, where {@code n} is its number in {@link
     * #bigs}, which holds its newest and oldest entry and their count.
     */
    private final int[][] heads;

    private long[] handle;
    private long[] index;
    private long[] count;
    private byte[] op;
    private int[] site;
    /** Toward the older entry on the slot. */
    private int[] next;
    /** Toward the newer entry on the slot (indexed slots only). */
    private int[] prev;
    /** The entry's slot (indexed slots only: the key of {@link #table}, with its handle). */
    private int[] slotOf;
    /** Toward the same handle's older entry on the slot (indexed slots only). */
    private int[] older;
    /** Toward the same handle's newer entry on the slot (indexed slots only). */
    private int[] newer;

    private int free = NIL;
    private int used;
    private long live;

    /** The indexed slots, by number; {@code null} where a number is free. */
    private Indexed[] bigs = new Indexed[8];

    private int bigsUsed;
    private int[] bigsFree = new int[8];
    private int bigsFreeCount;

    /** Open addressing (linear probing, backward-shift deletion): (slot, handle) to the handle's newest entry. */
    private int[] table = new int[16];

    private int tableSize;
    private final SeededHash hash = new SeededHash();

    private int[] scratch = new int[16];

    /** An indexed slot: its newest and oldest entries and how many it has. */
    private static final class Indexed {
        final int number;
        final int slot;
        int head;
        int tail;
        int size;

        Indexed(int number, int slot) {
            this.number = number;
            this.slot = slot;
        }
    }

    public SlotLedger(int nrSlots) {
        heads = new int[(nrSlots + PAGE_MASK) >>> PAGE_BITS][];
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
        int[] page = heads[slot >>> PAGE_BITS];
        int first = page == null ? NIL : page[slot & PAGE_MASK];
        if (first < NIL) {
            addIndexed(bigs[-2 - first], h, opCode, journalIndex, n, callSite);
            return;
        }
        int length = 0;
        for (int i = first; i != NIL; i = next[i]) {
            if (handle[i] == h && op[i] == (byte) opCode) {
                merge(i, n, callSite);
                return;
            }
            length++;
        }
        pushListed(slot, first, length, newEntry(h, opCode, journalIndex, n, callSite));
    }

    /**
     * Puts an entry in front of the slot's list as it is, without merging: for rebuilding a ledger from a checkpoint,
     * oldest entry first, so that the list ends up as it was saved.
     */
    public void push(int slot, long h, int opCode, long journalIndex, long n, int callSite) {
        int first = rawHead(slot);
        int e = newEntry(h, opCode, journalIndex, n, callSite);
        if (first < NIL) {
            pushIndexed(bigs[-2 - first], e);
            return;
        }
        int length = 0;
        for (int i = first; i != NIL && length < INDEX_AT; i = next[i]) {
            length++;
        }
        pushListed(slot, first, length, e);
    }

    private void merge(int i, long n, int callSite) {
        count[i] += n;
        live += n;
        if (site[i] == 0) {
            site[i] = callSite;
        }
    }

    private int newEntry(long h, int opCode, long journalIndex, long n, int callSite) {
        int e = allocate();
        handle[e] = h;
        op[e] = (byte) opCode;
        site[e] = callSite;
        index[e] = journalIndex;
        count[e] = n;
        live += n;
        return e;
    }

    /** Links {@code e} in front of a plain list of {@code length} entries starting at {@code first}. */
    private void pushListed(int slot, int first, int length, int e) {
        next[e] = first;
        setRawHead(slot, e);
        if (length + 1 >= INDEX_AT) {
            index(slot, e, length + 1);
        }
    }

    /** Number of entries on a slot. */
    public int entries(int slot) {
        int first = rawHead(slot);
        if (first < NIL) {
            return bigs[-2 - first].size;
        }
        int n = 0;
        for (int i = first; i != NIL; i = next[i]) {
            n++;
        }
        return n;
    }

    /** Visits the slot's entries oldest first (the order {@link #push} rebuilds them in). */
    public void forEachOldestFirst(int slot, SiteEntryVisitor visitor) {
        int first = rawHead(slot);
        if (first < NIL) {
            for (int i = bigs[-2 - first].tail; i != NIL; i = prev[i]) {
                visitor.visit(slot, handle[i], op[i] & 0xff, index[i], count[i], site[i]);
            }
            return;
        }
        int n = 0;
        for (int i = first; i != NIL; i = next[i]) {
            if (n == scratch.length) {
                scratch = Arrays.copyOf(scratch, n * 2);
            }
            scratch[n++] = i;
        }
        int[] order = scratch;
        for (int j = n - 1; j >= 0; j--) {
            int i = order[j];
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
            int first = rawHead(slot);
            int before = NIL;
            int i;
            if (first < NIL) {
                i = table[find(slot, h)]; // the handle's newest entry there
            } else {
                for (i = first; i != NIL && handle[i] != h; i = next[i]) {
                    before = i;
                }
            }
            if (i == NIL) {
                removeOldest(slot, n);
                return n;
            }
            long k = Math.min(n, count[i]);
            take(slot, first, before, i, k);
            n -= k;
        }
        return 0;
    }

    /** Removes {@code n}, newest entries first (raw references carry no handle when restored). */
    public void removeNewest(int slot, long n) {
        for (int first = rawHead(slot); n > 0 && first != NIL; first = rawHead(slot)) {
            int i = first < NIL ? bigs[-2 - first].head : first;
            long k = Math.min(n, count[i]);
            take(slot, first, NIL, i, k);
            n -= k;
        }
    }

    private void removeOldest(int slot, long n) {
        for (int first = rawHead(slot); n > 0 && first != NIL; first = rawHead(slot)) {
            int before = NIL;
            int i;
            if (first < NIL) {
                i = bigs[-2 - first].tail;
            } else {
                for (i = first; next[i] != NIL; i = next[i]) { // a plain list is short: walked to its end
                    before = i;
                }
            }
            long k = Math.min(n, count[i]);
            take(slot, first, before, i, k);
            n -= k;
        }
    }

    /** Forgets everything on a slot (recovery's reclaim releases it all at once). */
    public void clear(int slot) {
        for (int first = rawHead(slot); first != NIL; first = rawHead(slot)) {
            int i = first < NIL ? bigs[-2 - first].head : first;
            take(slot, first, NIL, i, count[i]);
        }
    }

    /**
     * Takes {@code k} from entry {@code i} of the slot whose head word is {@code first}: of its plain list (the entry
     * before {@code i} is {@code before}) or of its indexed one.
     */
    private void take(int slot, int first, int before, int i, long k) {
        if (first < NIL) {
            takeIndexed(bigs[-2 - first], i, k);
        } else {
            takeListed(slot, before, i, k);
        }
    }

    /** Takes {@code k} from entry {@code i} of a plain list, whose entry before it is {@code before}. */
    private void takeListed(int slot, int before, int i, long k) {
        count[i] -= k;
        live -= k;
        if (count[i] > 0) {
            return;
        }
        if (before == NIL) {
            setRawHead(slot, next[i]);
        } else {
            next[before] = next[i];
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
            prev = Arrays.copyOf(prev, cap);
            slotOf = Arrays.copyOf(slotOf, cap);
            older = Arrays.copyOf(older, cap);
            newer = Arrays.copyOf(newer, cap);
        }
        return used++;
    }

    private int rawHead(int slot) {
        int[] page = heads[slot >>> PAGE_BITS];
        return page == null ? NIL : page[slot & PAGE_MASK];
    }

    private void setRawHead(int slot, int value) {
        int[] page = heads[slot >>> PAGE_BITS];
        if (page == null) {
            page = heads[slot >>> PAGE_BITS] = new int[1 << PAGE_BITS];
            Arrays.fill(page, NIL);
        }
        page[slot & PAGE_MASK] = value;
    }

    /** The slot's newest entry, or NIL. */
    private int head(int slot) {
        int first = rawHead(slot);
        return first < NIL ? bigs[-2 - first].head : first;
    }

    // ---------------------------------------------------------------- slots with many entries

    /** Indexes a slot whose plain list (newest entry {@code first}) has grown to {@code size} entries. */
    private void index(int slot, int first, int size) {
        int number = bigsFreeCount > 0 ? bigsFree[--bigsFreeCount] : bigsUsed++;
        if (number == bigs.length) {
            bigs = Arrays.copyOf(bigs, number * 2);
        }
        Indexed b = bigs[number] = new Indexed(number, slot);
        b.head = first;
        b.size = size;
        int last = NIL;
        for (int i = first; i != NIL; i = next[i]) {
            prev[i] = last;
            slotOf[i] = slot;
            last = i;
        }
        b.tail = last;
        for (int i = last; i != NIL; i = prev[i]) { // oldest first, so that each handle's chain runs newest first
            linkHandle(i);
        }
        setRawHead(slot, -2 - number);
    }

    private void unindex(Indexed b) {
        for (int i = b.head; i != NIL; i = next[i]) {
            unlinkHandle(i);
        }
        setRawHead(b.slot, b.head);
        bigs[b.number] = null;
        if (bigsFreeCount == bigsFree.length) {
            bigsFree = Arrays.copyOf(bigsFree, bigsFreeCount * 2);
        }
        bigsFree[bigsFreeCount++] = b.number;
    }

    private void addIndexed(Indexed b, long h, int opCode, long journalIndex, long n, int callSite) {
        for (int i = table[find(b.slot, h)]; i != NIL; i = older[i]) {
            if (op[i] == (byte) opCode) {
                merge(i, n, callSite);
                return;
            }
        }
        pushIndexed(b, newEntry(h, opCode, journalIndex, n, callSite));
    }

    private void pushIndexed(Indexed b, int e) {
        slotOf[e] = b.slot;
        prev[e] = NIL;
        next[e] = b.head;
        if (b.head != NIL) {
            prev[b.head] = e;
        } else {
            b.tail = e;
        }
        b.head = e;
        b.size++;
        linkHandle(e);
    }

    private void takeIndexed(Indexed b, int i, long k) {
        count[i] -= k;
        live -= k;
        if (count[i] > 0) {
            return;
        }
        unlinkHandle(i);
        int p = prev[i];
        int q = next[i];
        if (p == NIL) {
            b.head = q;
        } else {
            next[p] = q;
        }
        if (q == NIL) {
            b.tail = p;
        } else {
            prev[q] = p;
        }
        next[i] = free;
        free = i;
        if (--b.size <= UNINDEX_AT) {
            unindex(b);
        }
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

    /** The table position of (slot, h): where it is, or the empty one where it would go. */
    private int find(int slot, long h) {
        int mask = table.length - 1;
        int t = hash.of(h, slot) & mask;
        for (int e = table[t]; e != NIL; e = table[t]) {
            if (handle[e] == h && slotOf[e] == slot) {
                return t;
            }
            t = (t + 1) & mask;
        }
        return t;
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
            int home = hash.of(handle[e], slotOf[e]) & mask;
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
        return rawHead(slot) == NIL;
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
