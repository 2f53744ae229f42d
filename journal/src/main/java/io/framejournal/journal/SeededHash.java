package io.framejournal.journal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The hash of the open-addressing tables whose keys come from a journal ({@link SlotLedger}'s index of busy slots,
 * {@link OpenCompounds}): seeded per table, so that a crafted journal cannot choose keys that all probe from one home
 * and make a replay quadratic, and finished with a 64-bit finalizer, so that every bit of the key reaches the low bits
 * a table's mask keeps.
 */
final class SeededHash {
    private final long seed = ThreadLocalRandom.current().nextLong() | 1;

    /** The hash of {@code key}, with {@code salt} (a second part of the key, or 0) mixed in after the seed. */
    int of(long key, long salt) {
        long x = (key ^ seed) * 0x9E3779B97F4A7C15L + salt;
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (int) (x ^ (x >>> 33));
    }
}
