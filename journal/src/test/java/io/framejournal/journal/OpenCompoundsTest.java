package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenCompounds}' hash is seeded per table: compound ids a crafted journal chose to collide under the fixed
 * multiplier the table once used spread out, so a lookup stays short (counted in probes, not timed).
 */
class OpenCompoundsTest {
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    /** The table's hash before it was seeded: the id times a fixed odd constant, folded to 32 bits. */
    private static int unseededHash(long key) {
        long h = key * MULTIPLIER;
        return (int) (h ^ (h >>> 32));
    }

    /** The inverse of {@link #MULTIPLIER} modulo 2^64 (Newton's iteration; an odd number is invertible). */
    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 6; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    /**
     * {@code n} distinct, non-zero ids whose unseeded hash is 0: each is {@code ((x << 32) | x)} times the multiplier's
     * inverse, so times the multiplier its halves are equal and fold to 0. Under the old hash they all had home 0 in a
     * table of any size.
     */
    static List<Long> idsCollidingUnseeded(int n) {
        long inv = inverse(MULTIPLIER);
        assertThat(MULTIPLIER * inv).isEqualTo(1L);
        List<Long> ids = new ArrayList<>();
        for (long x = 1; ids.size() < n; x++) {
            long id = ((x << 32) | x) * inv;
            assertThat(unseededHash(id)).isZero();
            ids.add(id);
        }
        return ids;
    }

    @Test
    void idsCollidingUnderTheUnseededHashSpreadOutAndAreAllFound() {
        List<Long> ids = idsCollidingUnseeded(20_000);
        OpenCompounds open = new OpenCompounds();
        for (int i = 0; i < ids.size(); i++) {
            open.put(ids.get(i), 1, i, 1, ids.get(i), i);
        }
        assertThat(open.size()).isEqualTo(ids.size());
        // unseeded, every id had home 0: the last put probed past the 19,999 before it, and so did every lookup of it
        assertThat(open.longestProbe()).isLessThan(200);
        for (long id : ids) {
            assertThat(open.remove(id)).isTrue();
        }
        assertThat(open.size()).isZero();
        assertThat(open.remove(ids.get(0))).isFalse();
    }

    @Test
    void twoTablesPlaceTheSameIdsDifferently() {
        OpenCompounds a = new OpenCompounds();
        OpenCompounds b = new OpenCompounds();
        SplittableRandom r = new SplittableRandom(1);
        List<Integer> homesA = new ArrayList<>();
        List<Integer> homesB = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long id = r.nextLong() | 1;
            homesA.add(a.home(id));
            homesB.add(b.home(id));
        }
        // with the same seed (or none) the two lists would be equal; with two random seeds, all 16 of 64 homes
        // agreeing has a chance of 2^-96
        assertThat(homesA).isNotEqualTo(homesB);
    }

    @Test
    void backwardShiftDeletionKeepsEveryOtherIdFindableAndBeginOrderHolds() {
        OpenCompounds open = new OpenCompounds();
        SplittableRandom r = new SplittableRandom(7);
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long id = r.nextLong() | 1;
            open.put(id, 2, i, 3, id, i);
            live.add(id);
            if (r.nextInt(3) == 0) {
                long gone = live.remove(r.nextInt(live.size()));
                assertThat(open.remove(gone)).isTrue();
            }
        }
        assertThat(open.size()).isEqualTo(live.size());
        List<Long> visited = new ArrayList<>();
        long[] lastBegin = {-1};
        open.forEachByBegin((id, op, slot, pages, handle, begin) -> {
            assertThat(begin).isGreaterThan(lastBegin[0]);
            lastBegin[0] = begin;
            visited.add(id);
        });
        assertThat(visited).containsExactlyElementsOf(live);
    }
}
