package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SlotLedger} against a plain list per slot (what it was before slots with many entries were indexed), and a
 * slot held under many handles: the attack a journal from an untrusted machine can make on {@code audit}.
 */
class SlotLedgerTest {
    /** The ledger as plain lists, newest entry first: the model. */
    private static final class Model {
        final List<List<long[]>> slots = new ArrayList<>(); // {handle, op, index, count, site}
        long live;

        Model(int n) {
            for (int i = 0; i < n; i++) {
                slots.add(new ArrayList<>());
            }
        }

        void add(int slot, long h, int op, long idx, long n, int site) {
            for (long[] e : slots.get(slot)) {
                if (e[0] == h && e[1] == op) {
                    e[3] += n;
                    live += n;
                    if (e[4] == 0) {
                        e[4] = site;
                    }
                    return;
                }
            }
            push(slot, h, op, idx, n, site);
        }

        void push(int slot, long h, int op, long idx, long n, int site) {
            slots.get(slot).add(0, new long[] {h, op, idx, n, site});
            live += n;
        }

        long removeFrom(int slot, long h, long n) {
            List<long[]> l = slots.get(slot);
            while (n > 0) {
                long[] e = l.stream().filter(x -> x[0] == h).findFirst().orElse(null);
                if (e == null) {
                    for (long k = n; k > 0 && !l.isEmpty(); ) {
                        long[] oldest = l.get(l.size() - 1);
                        long t = Math.min(k, oldest[3]);
                        take(l, oldest, t);
                        k -= t;
                    }
                    return n;
                }
                long t = Math.min(n, e[3]);
                take(l, e, t);
                n -= t;
            }
            return 0;
        }

        void removeNewest(int slot, long n) {
            List<long[]> l = slots.get(slot);
            while (n > 0 && !l.isEmpty()) {
                long[] e = l.get(0);
                long t = Math.min(n, e[3]);
                take(l, e, t);
                n -= t;
            }
        }

        void clear(int slot) {
            for (long[] e : slots.get(slot)) {
                live -= e[3];
            }
            slots.get(slot).clear();
        }

        private void take(List<long[]> l, long[] e, long t) {
            e[3] -= t;
            live -= t;
            if (e[3] == 0) {
                l.remove(e);
            }
        }

        List<String> newestFirst(int slot) {
            List<String> out = new ArrayList<>();
            for (long[] e : slots.get(slot)) {
                out.add(e[0] + "/" + e[1] + "/" + e[2] + "/" + e[3] + "/" + e[4]);
            }
            return out;
        }
    }

    @Test
    void indexedOrNotItAttributesAsAPlainListDoes() {
        SplittableRandom rnd = new SplittableRandom(17);
        int nrSlots = 3;
        SlotLedger ledger = new SlotLedger(nrSlots);
        Model model = new Model(nrSlots);
        boolean wasIndexed = false;
        for (int step = 0; step < 60_000; step++) {
            int slot = rnd.nextInt(nrSlots);
            // phases that fill slots past the index threshold and drain them below it again
            boolean filling = (step / 3000) % 2 == 0;
            long h = rnd.nextLong(1, filling ? 80 : 12);
            int op = rnd.nextInt(1, 4);
            int r = rnd.nextInt(100);
            if (r < (filling ? 60 : 25)) {
                long n = rnd.nextLong(1, 4);
                int site = rnd.nextInt(3);
                if (rnd.nextInt(20) == 0) {
                    ledger.push(slot, h, op, step, n, site);
                    model.push(slot, h, op, step, n, site);
                } else {
                    ledger.add(slot, h, op, step, n, site);
                    model.add(slot, h, op, step, n, site);
                }
            } else if (r < 90) {
                long n = rnd.nextLong(1, 6);
                assertThat(ledger.removeFrom(slot, h, n)).as("step %d", step).isEqualTo(model.removeFrom(slot, h, n));
            } else if (r < 99) {
                long n = rnd.nextLong(1, 4);
                ledger.removeNewest(slot, n);
                model.removeNewest(slot, n);
            } else {
                ledger.clear(slot);
                model.clear(slot);
            }
            wasIndexed |= ledger.entries(slot) >= SlotLedger.INDEX_AT;
            List<String> got = new ArrayList<>();
            ledger.forEachWithSite(
                    slot, (s, hh, o, idx, c, site) -> got.add(hh + "/" + o + "/" + idx + "/" + c + "/" + site));
            List<String> want = model.newestFirst(slot);
            if (!got.equals(want)) {
                assertThat(got).as("slot %d after step %d", slot, step).isEqualTo(want);
            }
            assertThat(ledger.entries(slot)).isEqualTo(want.size());
            assertThat(ledger.isEmpty(slot)).isEqualTo(want.isEmpty());
            assertThat(ledger.live()).isEqualTo(model.live);
            if (step % 997 == 0) {
                List<String> oldest = new ArrayList<>();
                ledger.forEachOldestFirst(
                        slot,
                        (s, hh, o, idx, c, site) -> oldest.add(0, hh + "/" + o + "/" + idx + "/" + c + "/" + site));
                assertThat(oldest).isEqualTo(want);
            }
        }
        assertThat(wasIndexed).as("the slots went past the index threshold").isTrue();
    }

    @Test
    void oneSlotUnderHundredsOfThousandsOfHandlesStaysLinear() {
        int handles = 200_000;
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> { // a hang guard: this took minutes when walked
                    SlotLedger ledger = new SlotLedger(2);
                    for (int i = 0; i < handles; i++) {
                        ledger.add(1, 1_000 + i, 1, i, 1, 0); // one frame, cloned under as many live handles
                    }
                    assertThat(ledger.entries(1)).isEqualTo(handles);
                    // every other handle gives its obligation back; a stranger's redeems come off the oldest entries
                    for (int i = 0; i < handles; i += 2) {
                        assertThat(ledger.removeOne(1, 1_000 + i)).isTrue();
                    }
                    for (int i = 0; i < handles / 4; i++) {
                        assertThat(ledger.removeOne(1, -1 - i)).isFalse();
                    }
                    assertThat(ledger.live()).isEqualTo(handles / 4);
                    List<Long> left = new ArrayList<>();
                    ledger.forEachOldestFirst(1, (s, h, op, idx, n, site) -> left.add(h));
                    assertThat(left).hasSize(handles / 4).first().isEqualTo(1_000L + handles / 2 + 1);
                    assertThat(ledger.removeFrom(1, -7, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
                    assertThat(ledger.isEmpty(1)).isTrue();
                    assertThat(ledger.live()).isZero();
                });
    }

    @Test
    void aHugeRegionCostsNothingPerSlotUntouched() {
        SlotLedger ledger = new SlotLedger(ReplayState.MAX_SLOTS); // 2^28 frames: the per-slot words are paged
        ledger.add(ReplayState.MAX_SLOTS - 1, 5, 1, 0, 1, 0);
        assertThat(ledger.entries(ReplayState.MAX_SLOTS - 1)).isEqualTo(1);
        assertThat(ledger.isEmpty(0)).isTrue();
        assertThat(ledger.removeOne(ReplayState.MAX_SLOTS - 1, 5)).isTrue();
        assertThat(ledger.live()).isZero();
    }
}
