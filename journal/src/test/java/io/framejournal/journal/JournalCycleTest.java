package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import net.openhft.chronicle.queue.RollCycle;
import org.junit.jupiter.api.Test;

/** Our numbers for each roll cycle (used to find records without Chronicle) are Chronicle's own. */
class JournalCycleTest {
    @Test
    void every_cycle_has_chronicles_arithmetic_and_file_names() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (JournalCycle c : JournalCycle.values()) {
            RollCycle r = c.rollCycle();
            assertThat(c.lengthMillis()).as("%s", c).isEqualTo(r.lengthInMillis());
            assertThat(c.maxRecordsPerCycle()).as("%s", c).isEqualTo(r.maxMessagesPerCycle());
            DateTimeFormatter chronicle =
                    DateTimeFormatter.ofPattern(r.format()).withZone(ZoneOffset.UTC);
            long now = System.currentTimeMillis() / c.lengthMillis();
            for (int i = 0; i < 20_000; i++) {
                long cycle = i < 10_000
                        ? now - 5_000 + i
                        : rnd.nextLong(Math.min(Integer.MAX_VALUE, 2_900_000L * 86_400_000L / c.lengthMillis()));
                long seq = rnd.nextLong(c.maxRecordsPerCycle());
                long index = r.toIndex((int) cycle, seq);
                assertThat(c.cycleOf(index)).as("%s cycle of %x", c, index).isEqualTo(r.toCycle(index));
                assertThat(index & c.sequenceMask()).isEqualTo(r.toSequenceNumber(index));
                String name = chronicle.format(Instant.ofEpochMilli(cycle * c.lengthMillis())) + ".cq4";
                assertThat(c.fileName(cycle)).as("%s cycle %d", c, cycle).isEqualTo(name);
                assertThat(c.cycleOfFileName(name)).as("%s %s", c, name).isEqualTo(cycle);
            }
            assertThat(c.cycleOfFileName("metadata.cq4t")).isEqualTo(-1);
            assertThat(c.cycleOfFileName("x" + c.fileName(now))).isEqualTo(-1);
        }
        assertThat(JournalCycle.DAILY.cycleOfFileName(JournalCycle.FIVE_MINUTELY.fileName(1)))
                .isEqualTo(-1);
        assertThat(JournalCycle.FIVE_MINUTELY.cycleOfFileName("20261126-2121V.cq4"))
                .as("not a 5-minute boundary")
                .isEqualTo(-1);
    }
}
