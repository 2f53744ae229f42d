package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.replay.Support.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A region whose {@code region.status} is garbage or missing (damaged in transit, or never copied) was read as "OPEN or
 * not closed cleanly" with no word that the file could not be read, exit 0 or 1; without the status a journal cut
 * where the region was closed also reads as complete (found 2026-11-27 by exploratory testing). Now {@code audit},
 * {@code stats}, {@code state}, {@code report} and {@code export} warn, naming the file and why, and exit 2 after their
 * report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreadableStatusTest {
    Path tmp;
    Path region;

    @BeforeAll
    void simulate(@TempDir Path dir) {
        tmp = dir;
        region = tmp.resolve("region");
        Result sim = Support.cli(
                "simulate", "--dir", region.toString(), "--max-paddr", "0x100000", "--ops", "500", "--seed", "4");
        assertThat(sim.exit()).as(sim.err()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "garbage",
                "state=closed\nsession=1\ncheckpoint=7\n",
                "state=clean\nsession=1\ncheckpoint=-5\n",
                "missing"
            })
    void audit_stats_and_state_say_the_status_is_unreadable(String status) throws IOException {
        Path copy = tmp.resolve("copy-" + Integer.toHexString(status.hashCode()));
        Support.copyTree(region, copy);
        if (status.equals("missing")) {
            Files.delete(copy.resolve("region.status"));
        } else {
            Files.writeString(copy.resolve("region.status"), status);
        }
        Map<String, String> before = Support.checksums(copy);
        for (String[] args : List.of(
                new String[] {"audit", copy.toString()},
                new String[] {"audit", copy.toString(), "--json"},
                new String[] {"stats", copy.toString()},
                new String[] {"state", copy.toString()},
                new String[] {"state", copy.toString(), "--frame", "1"},
                new String[] {"report", copy.toString(), "-o", copy + ".html"},
                new String[] {"export", copy.toString(), "--to", copy + ".export"})) {
            Result r = Support.cli(args);
            assertThat(r.exit()).as("%s: %s", List.of(args), r.err()).isEqualTo(2);
            assertThat(r.out()).as("the report is written first").isNotEmpty();
            assertThat(r.errLines()).as("%s", List.of(args)).hasSize(1);
            assertThat(r.err())
                    .as("%s", List.of(args))
                    .startsWith("framejournal: warning: region status unreadable (")
                    .contains("region.status")
                    .contains("the region is taken as not closed cleanly");
        }
        for (String command : List.of("audit", "stats", "state")) {
            Result json = Support.cli(command, copy.toString(), "--json");
            assertThat(json.exit()).isEqualTo(2);
            assertThat(json.out())
                    .as("%s --json", command)
                    .containsPattern("\"warnings\": \\[\\s*\"region status unreadable \\(");
        }
        assertThat(Support.checksums(copy)).isEqualTo(before);
    }
}
