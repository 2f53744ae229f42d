package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by a build of 2026-11-26 before call sites (format version 1, ledger entries of 32 bytes, no
 * call site) is read, not taken for a cut file: {@code data/checkpoint-no-sites/old-build.fjcp} (made by 6fcd25e) holds
 * exactly what this build's checkpoint of the same journal at the same record holds ({@code this-build.fjcp}).
 */
class CheckpointWithoutSitesTest {
    private static final int FRAMES = 64;

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return Path.of(System.getProperty("framejournal.root"), "data", "checkpoint-no-sites", name);
    }

    @Test
    void anOlderBuildsCheckpointReadsAsThisBuildsOfTheSameRecord() {
        CheckpointFile.Loaded old = CheckpointFile.read(fixture("old-build.fjcp"), FRAMES);
        CheckpointFile.Loaded now = CheckpointFile.read(fixture("this-build.fjcp"), FRAMES);

        assertThat(old.header().withoutSites()).isTrue();
        assertThat(now.header().withoutSites()).isFalse();
        assertThat(old.header().obligations()).isPositive();
        assertThat(List.of(
                        old.header().index(),
                        old.header().seq(),
                        old.header().recordCrc(),
                        old.header().slots(),
                        old.header().counters(),
                        old.header().obligations(),
                        old.header().raw()))
                .isEqualTo(List.of(
                        now.header().index(),
                        now.header().seq(),
                        now.header().recordCrc(),
                        now.header().slots(),
                        now.header().counters(),
                        now.header().obligations(),
                        now.header().raw()));

        LedgerReplay a = old.replay();
        LedgerReplay b = now.replay();
        assertThat(a.counters).isEqualTo(b.counters);
        for (int slot = 0; slot < FRAMES; slot++) {
            for (int k = 0; k < 8; k++) {
                assertThat(a.state().word(slot, k))
                        .as("slot %d word %d", slot, k)
                        .isEqualTo(b.state().word(slot, k));
            }
            assertThat(a.lastOp(slot)).isEqualTo(b.lastOp(slot));
            assertThat(a.lastHandle(slot)).isEqualTo(b.lastHandle(slot));
        }
        assertThat(entries(a.obligations())).isNotEmpty().isEqualTo(entries(b.obligations()));
        assertThat(entries(a.raw())).isEqualTo(entries(b.raw()));
    }

    @Test
    void anOlderBuildsCheckpointCutOrDamagedIsStillRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("old-build.fjcp"));

        Path cut = tmp.resolve("cut.fjcp");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> CheckpointFile.read(cut, FRAMES))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("cut.fjcp");

        Path flipped = tmp.resolve("flipped.fjcp");
        byte[] damaged = bytes.clone();
        damaged[damaged.length - 40] ^= 0x10; // inside the last ledger entry
        Files.write(flipped, damaged);
        assertThatThrownBy(() -> CheckpointFile.read(flipped, FRAMES))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("CRC-32C");
    }

    private static List<String> entries(SlotLedger ledger) {
        List<String> out = new ArrayList<>();
        for (int slot = 0; slot < FRAMES; slot++) {
            ledger.forEachOldestFirst(
                    slot,
                    (s, handle, op, index, count, site) ->
                            out.add(s + ":" + handle + ":" + op + ":" + index + ":" + count + ":" + site));
        }
        return out;
    }
}
