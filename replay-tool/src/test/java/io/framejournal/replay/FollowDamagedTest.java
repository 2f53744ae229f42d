package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.Support.Result;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit --follow} on a closed region whose journal is damaged ends at the damage with one line on stderr, as
 * every other command does; it printed the reason twice, once as how the follow ended and once as the report's stop
 * (found 2026-11-27 by exploratory testing).
 */
class FollowDamagedTest {
    @TempDir
    Path tmp;

    @Test
    void a_follow_that_meets_damage_says_so_once() throws Exception {
        Path dir = tmp.resolve("r");
        Result sim = Support.cli(
                "simulate", "--dir", dir.toString(), "--max-paddr", "0x400000", "--ops", "20000", "--seed", "5");
        assertThat(sim.exit()).as(sim.err()).isZero();
        Path cq4;
        try (Stream<Path> s = Files.list(new RegionLayout(dir).journal())) {
            cq4 = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.seek(200_000); // inside the records, well before their end
            int b = f.read();
            f.seek(200_000);
            f.write(b ^ 0x10);
        }
        Map<String, String> before = Support.checksums(dir);
        Result r = Support.cli("audit", dir.toString(), "--follow");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("journal:       reading STOPPED after");
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("framejournal: journal reading stopped early: record at index");
        assertThat(Support.checksums(dir)).isEqualTo(before);
    }
}
