package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.OpenCompounds;
import io.framejournal.journal.SlotLedger;
import io.framejournal.replay.render.JsonWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The primitive structures behind the audit, against plain collections. */
class StructuresTest {
    @Test
    void slotLedgerAttributesByHandleAndReleasesNewestFirst() {
        SlotLedger l = new SlotLedger(4);
        l.add(1, 10, 2, 100, 1);
        l.add(1, 11, 4, 101, 1);
        l.add(1, 10, 2, 102, 1);
        assertThat(l.live()).isEqualTo(3);
        assertThat(l.removeOne(1, 10)).isTrue();
        assertThat(l.removeOne(1, 12)).as("a handle that holds nothing").isFalse();
        List<Long> left = new ArrayList<>();
        l.forEach(1, (slot, h, op, idx, n) -> left.add(h * 10 + n));
        assertThat(left)
                .as("handle 10 gave back both; the stranger's redeem took the oldest")
                .containsExactly(111L);
        l.add(2, 20, 6, 200, 3);
        l.add(2, 21, 6, 201, 1);
        l.removeNewest(2, 2);
        List<Long> raw = new ArrayList<>();
        l.forEach(2, (slot, h, op, idx, n) -> raw.add(h * 10 + n));
        assertThat(raw).containsExactly(202L);
        l.clear(2);
        assertThat(l.isEmpty(2)).isTrue();
        assertThat(l.live()).isEqualTo(1);
    }

    @Test
    void slotLedgerRemovesManyAsOneRemoveAtATimeWould() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 2000; round++) {
            SlotLedger many = new SlotLedger(2);
            SlotLedger ones = new SlotLedger(2);
            for (int i = 0, n = rnd.nextInt(6); i < n; i++) {
                long h = rnd.nextLong(1, 4);
                int op = rnd.nextInt(1, 3);
                long count = rnd.nextLong(1, 4);
                many.add(1, h, op, i, count);
                ones.add(1, h, op, i, count);
            }
            long h = rnd.nextLong(1, 4);
            long n = rnd.nextLong(1, 12);
            long missing = 0;
            for (long k = 0; k < n; k++) {
                missing += ones.removeOne(1, h) ? 0 : 1;
            }
            assertThat(many.removeFrom(1, h, n)).as("round %d", round).isEqualTo(missing);
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            many.forEach(1, (slot, hh, op, idx, c) -> a.add(hh + "/" + op + "/" + idx + "/" + c));
            ones.forEach(1, (slot, hh, op, idx, c) -> b.add(hh + "/" + op + "/" + idx + "/" + c));
            assertThat(a).as("round %d", round).isEqualTo(b);
            assertThat(many.live()).isEqualTo(ones.live());
        }
        SlotLedger empty = new SlotLedger(1);
        assertThat(empty.removeFrom(0, 7, Long.MAX_VALUE))
                .as("a count from a hostile journal costs one step, not one per unit")
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void slotLedgerGrowsAndReusesEntries() {
        SlotLedger l = new SlotLedger(1);
        for (int i = 0; i < 5000; i++) {
            l.add(0, i, 1, i, 1);
        }
        assertThat(l.live()).isEqualTo(5000);
        for (int i = 0; i < 5000; i += 2) {
            assertThat(l.removeOne(0, i)).isTrue();
        }
        assertThat(l.live()).isEqualTo(2500);
    }

    @Test
    void openCompoundsBehavesLikeAMap() {
        OpenCompounds oc = new OpenCompounds();
        Map<Long, Long> model = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            long id = 1 + rnd.nextInt(300);
            if (rnd.nextBoolean()) {
                oc.put(id, 1, 2, 3, 4, id * 7);
                model.put(id, id * 7);
            } else {
                assertThat(oc.remove(id)).isEqualTo(model.remove(id) != null);
            }
            assertThat(oc.size()).isEqualTo(model.size());
        }
        List<Long> begins = new ArrayList<>();
        oc.forEachByBegin((id, op, slot, pages, h, idx) -> begins.add(idx));
        assertThat(begins).isSorted().hasSize(model.size());
    }

    @Test
    void jsonWriterNestsAndEscapes() {
        JsonWriter w = new JsonWriter(false);
        w.beginObject()
                .field("a", "x\"y\n")
                .name("b")
                .beginArray()
                .value(1)
                .value(true)
                .value((String) null)
                .endArray()
                .name("c")
                .beginObject()
                .endObject()
                .endObject();
        assertThat(w.take()).isEqualTo("{\"a\":\"x\\\"y\\n\",\"b\":[1,true,null],\"c\":{}}");
    }

    @Test
    void jsonWriterKeepsSixtyFourBitValuesAndNanosecondsExact() {
        JsonWriter w = new JsonWriter(true);
        w.beginObject()
                .int64("handle", Long.MAX_VALUE)
                .int64("refCount", -2)
                .index("index", 0x512f_0000_0001L)
                .index("none", io.framejournal.journal.JournalIndex.NONE)
                .time("time", 1_764_180_000_000_000_001L)
                .name("empty")
                .beginArray()
                .endArray()
                .endObject();
        assertThat(w.take())
                .isEqualTo("{\n  \"handle\": \"9223372036854775807\",\n  \"refCount\": \"-2\",\n"
                        + "  \"index\": \"0x512f00000001\",\n  \"none\": null,\n"
                        + "  \"time\": \"2025-11-26T18:00:00.000000001Z\",\n  \"empty\": []\n}");
    }

    @Test
    void isoTimeKeepsNineDigitsAcrossSecondsAndBeforeTheEpoch() {
        io.framejournal.replay.analysis.IsoTime t = new io.framejournal.replay.analysis.IsoTime();
        assertThat(t.appendTo(new StringBuilder(), 0).toString()).isEqualTo("1970-01-01T00:00:00.000000000Z");
        assertThat(t.appendTo(new StringBuilder(), 999_999_999L).toString())
                .isEqualTo("1970-01-01T00:00:00.999999999Z");
        assertThat(t.appendTo(new StringBuilder(), 1_000_000_000L).toString())
                .isEqualTo("1970-01-01T00:00:01.000000000Z");
        assertThat(t.appendTo(new StringBuilder(), -1).toString()).isEqualTo("1969-12-31T23:59:59.999999999Z");
        assertThat(t.appendTo(new StringBuilder(), Long.MIN_VALUE).toString())
                .isEqualTo(java.time.Instant.ofEpochSecond(Math.floorDiv(Long.MIN_VALUE, 1_000_000_000L), 145_224_192)
                        .toString());
    }
}
