package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.JournalCycle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.Support.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cleanly closed region copied from another machine without its last queue file (a copy cut short): the journal
 * reads to the end of the files that are there, and only the region's status says more was written. A time or the
 * default end of a window must not quietly become the last readable event: found 2026-11-27 by exploratory testing,
 * {@code state --at 2030-01-01T00:00:00Z} answered with the state one file before the close and exit 0, and
 * {@code diff DIR --from I} and {@code diff DIR_A DIR_B} reported a shorter run as complete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MissingQueueFileTest {
    Path whole;
    Path cut;
    long closedAt;
    long firstIndex;
    String firstTime;
    Map<String, String> before;

    @BeforeAll
    void writeTwoQueueFilesAndLoseTheLast(@TempDir Path tmp) throws IOException {
        whole = tmp.resolve("whole");
        JournalCycle cycle = JournalCycle.TEST_SECONDLY;
        try (MetaRegion region =
                MetaRegion.create(whole, RegionConfig.of(1L << 20).withCycle(cycle))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            for (int i = 0; i < 50; i++) {
                alloc.allocFrame().close();
            }
            long first = cycle.cycleOf(region.lastJournalIndex());
            await("the journal rolls to its next one-second queue file")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        alloc.allocFrame().close();
                        return cycle.cycleOf(region.lastJournalIndex()) > first;
                    });
            for (int i = 0; i < 20; i++) {
                alloc.allocFrame().intoRaw(); // forgotten in the file that goes missing
            }
        }
        cut = tmp.resolve("cut");
        Support.copyTree(whole, cut);
        List<Path> files = queueFiles(cut);
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        Files.delete(files.get(files.size() - 1));
        closedAt =
                io.framejournal.replay.analysis.RegionInput.open(cut).status().checkpoint();
        try (JournalReader reader = JournalReader.open(new RegionLayout(cut).journal())) {
            JournalEvent e = new JournalEvent();
            assertThat(reader.next(e)).isTrue();
            firstIndex = e.index;
            firstTime = Instant.ofEpochSecond(0, e.timestamp).toString();
        }
        before = Support.checksums(cut);
    }

    @Test
    void a_time_past_the_readable_files_is_refused_with_the_reason() {
        for (String[] args : List.of(
                new String[] {"state", cut.toString(), "--at", "2030-01-01T00:00:00Z"},
                new String[] {"state", cut.toString(), "--at", "2030-01-01T00:00:00Z", "--frame", "3"},
                new String[] {"audit", cut.toString(), "--at", "2030-01-01T00:00:00Z"},
                new String[] {
                    "diff", cut.toString(), "--from", JournalIndex.format(firstIndex), "--to", "2030-01-01T00:00:00Z"
                })) {
            Result r = Support.cli(args);
            assertThat(r.exit()).as("%s", List.of(args)).isEqualTo(2);
            assertThat(r.out()).as("%s", List.of(args)).isEmpty();
            assertThat(r.errLines()).as("%s", List.of(args)).hasSize(1);
            assertThat(r.err())
                    .contains("2030-01-01T00:00:00.000000000Z lies past where the journal could be read")
                    .contains("but the region was closed at " + JournalIndex.format(closedAt));
        }
        assertThat(Support.checksums(cut)).isEqualTo(before);
    }

    @Test
    void a_time_the_readable_files_answer_is_answered() {
        Result r = Support.cli("state", cut.toString(), "--at", firstTime);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("state of " + cut + " as of journal index " + JournalIndex.format(firstIndex));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void the_close_index_is_named_as_past_the_readable_journal_not_outside_it() {
        Result r = Support.cli("state", cut.toString(), "--at", JournalIndex.format(closedAt));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("lies past where the journal can be read")
                .contains("but not past the region's close at " + JournalIndex.format(closedAt));
    }

    @Test
    void a_window_to_the_end_says_where_reading_stopped() {
        Result r = Support.cli("diff", cut.toString(), "--from", JournalIndex.format(firstIndex));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("journal: reading STOPPED: the journal ends after");
        assertThat(r.err()).contains("but the region was closed at " + JournalIndex.format(closedAt));
        Result json = Support.cli("diff", cut.toString(), "--from", JournalIndex.format(firstIndex), "--json");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.out()).contains("but the region was closed at");
        assertThat(Support.checksums(cut)).isEqualTo(before);
    }

    @Test
    void two_regions_part_where_the_cut_one_stops_and_it_says_so() {
        Result r = Support.cli("diff", cut.toString(), whole.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("A ends after").contains("reading STOPPED: A: the journal ends after");
        Result swapped = Support.cli("diff", whole.toString(), cut.toString());
        assertThat(swapped.exit()).isEqualTo(2);
        assertThat(swapped.out()).contains("reading STOPPED: B: the journal ends after");
        Result same = Support.cli("diff", whole.toString(), whole.toString());
        assertThat(same.exit()).isZero();
        assertThat(same.err()).isEmpty();
    }

    private static List<Path> queueFiles(Path region) throws IOException {
        try (Stream<Path> s = Files.list(new RegionLayout(region).journal())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".cq4"))
                    .sorted()
                    .toList();
        }
    }
}
