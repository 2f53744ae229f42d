package io.framejournal.tests.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.allocator.FrameStatus;
import io.framejournal.allocator.SlotView;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.Usage;
import io.framejournal.replay.Region;
import io.framejournal.tests.support.FileHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Region} on the shipped sample: the CLI's exact reports, readable slots, and not a byte changed. */
class RegionFacadeTest {
    static Path root() {
        return Path.of(System.getProperty("framejournal.root")).toAbsolutePath().normalize();
    }

    @Test
    void audit_is_exactly_what_the_cli_prints() throws Exception {
        Path sample = root().resolve("data/sample");
        Map<String, String> before = FileHashes.of(sample);
        Region.Audit audit = Region.audit(sample);
        // the committed expectations were printed by `framejournal audit data/sample` run from the root: they name
        // the region as data/sample where this names it by its absolute path
        assertThat(audit.text().replace(sample.toString(), "data/sample"))
                .isEqualTo(Files.readString(root().resolve("data/sample.audit.txt")));
        assertThat(audit.json().replace(sample.toString(), "data/sample"))
                .isEqualTo(Files.readString(root().resolve("data/sample.audit.json")));
        assertThat(audit.findings()).isEqualTo(10);
        assertThat(audit.clean()).isFalse();
        assertThat(audit.warnings()).isEmpty();
        assertThat(FileHashes.of(sample)).isEqualTo(before);
    }

    @Test
    void inspect_reads_slots_with_enums_and_changes_nothing() throws Exception {
        Path sample = root().resolve("data/sample");
        Map<String, String> before = FileHashes.of(sample);
        try (Region region = Region.inspect(sample)) {
            assertThat(region.frames()).isEqualTo(1024);
            assertThat(region.closedCleanly()).isTrue();
            // `framejournal history data/sample --paddr 0x33000`: now shared, refCount 1, usage FRAME, raw 1
            SlotView s = region.slot(0x33000);
            assertThat(s.frame()).isEqualTo(51);
            assertThat(s.status()).isEqualTo(FrameStatus.SHARED);
            assertThat(s.usage()).isEqualTo(Usage.FRAME);
            assertThat(s.refCount()).isEqualTo(1);
            assertThat(s.raw()).isEqualTo(1);
            assertThat(s.obligations()).isZero();
            assertThat(s.metaType()).isEqualTo(1);
            assertThat(s.ledgerBalanced()).isTrue();

            List<SlotView> all = region.slots();
            List<SlotView> used = region.inUse();
            assertThat(all).hasSize(1024);
            assertThat(used)
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v.isFree()).isFalse())
                    .hasSize((int) all.stream().filter(v -> !v.isFree()).count());
            Map<FrameStatus, Long> counts = region.countByStatus();
            assertThat(counts.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(1024);
            assertThat(counts.get(FrameStatus.FREE)).isEqualTo(1024 - used.size());
            assertThat(region.audit().findings()).isEqualTo(10);
        }
        assertThat(FileHashes.of(sample)).isEqualTo(before);
    }

    @Test
    void a_directory_that_is_not_a_region_is_one_clear_exception(@TempDir Path tmp) {
        assertThatThrownBy(() -> Region.inspect(tmp)).isInstanceOf(RegionException.class);
        assertThatThrownBy(() -> Region.audit(tmp.resolve("missing"))).isInstanceOf(RegionException.class);
        try (Region region = Region.inspect(root().resolve("data/sample"))) {
            assertThatThrownBy(() -> region.slot(0x1001))
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("not page-aligned");
        }
    }
}
