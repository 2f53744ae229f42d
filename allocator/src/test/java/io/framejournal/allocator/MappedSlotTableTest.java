package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The slot table read in place agrees with Chronicle Map's own reading, slot for slot, and changes no byte. */
class MappedSlotTableTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 256, 4096, 100_000, 1 << 19})
    void every_slot_reads_as_chronicle_map_reads_it(int nrSlots) throws Exception {
        Path file = tmp.resolve("slots.cm3");
        SplittableRandom rnd = new SplittableRandom(nrSlots);
        try (SlotTable table = SlotTable.create(file, nrSlots)) {
            SlotState s = new SlotState();
            for (int i = 0; i < nrSlots; i += 1 + rnd.nextInt(3)) {
                table.load(i, s);
                s.refCount = rnd.nextLong();
                s.lastIndex = rnd.nextLong();
                s.meta0 = rnd.nextLong();
                s.meta1 = rnd.nextLong();
                s.raw = rnd.nextLong();
                s.obligations = rnd.nextLong();
                s.inList = rnd.nextInt();
                s.metaType = (short) rnd.nextInt();
                s.usage = (byte) rnd.nextInt();
                table.store(i, s);
            }
        }
        String before = sha256(file);
        SlotState inPlace = new SlotState();
        SlotState viaMap = new SlotState();
        try (MappedSlotTable mapped = MappedSlotTable.open(file, nrSlots);
                SlotTable copy = SlotTable.openCopy(file, nrSlots)) {
            for (int i = 0; i < nrSlots; i++) {
                mapped.load(i, inPlace);
                copy.load(i, viaMap);
                assertThat(inPlace.sameAs(viaMap, true))
                        .as("slot %d: %s", i, inPlace.diff(viaMap))
                        .isTrue();
                assertThat(mapped.lastIndex(i)).isEqualTo(viaMap.lastIndex);
            }
        }
        try (MappedSlotTable mapped = MappedSlotTable.open(file, nrSlots);
                SlotTable copy = SlotTable.openCopy(file, nrSlots)) {
            java.util.BitSet seen = new java.util.BitSet(nrSlots);
            mapped.forEach((slot, s) -> {
                assertThat(seen.get(slot)).as("slot %d once", slot).isFalse();
                seen.set(slot);
                copy.load(slot, viaMap);
                assertThat(s.sameAs(viaMap, true))
                        .as("slot %d in bulk: %s", slot, s.diff(viaMap))
                        .isTrue();
            });
            assertThat(seen.cardinality()).isEqualTo(nrSlots);
        }
        assertThat(sha256(file)).as("not a byte changed").isEqualTo(before);
    }

    @Test
    void one_slot_maps_one_segment_only() throws Exception {
        Path file = tmp.resolve("slots.cm3");
        SlotTable.create(file, 1 << 20).close();
        try (MappedSlotTable mapped = MappedSlotTable.open(file, 1 << 20)) {
            int afterOpen = mapped.mappedSegments(); // open probes three slots
            mapped.lastIndex(12345);
            assertThat(mapped.mappedSegments())
                    .isLessThanOrEqualTo(afterOpen + 1)
                    .isLessThanOrEqualTo(4);
        }
    }

    @Test
    void damage_is_a_one_line_error_and_changes_nothing() throws Exception {
        Path file = tmp.resolve("slots.cm3");
        SlotTable.create(file, 4096).close();
        Path flipped = tmp.resolve("flipped.cm3");
        Files.copy(file, flipped);
        try (RandomAccessFile raf = new RandomAccessFile(flipped.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 1);
        }
        String before = sha256(flipped);
        assertThatThrownBy(() -> MappedSlotTable.open(flipped, 4096))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("damaged header (checksum mismatch)");
        assertThat(sha256(flipped)).isEqualTo(before);

        Path cut = tmp.resolve("cut.cm3");
        Files.copy(file, cut);
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        assertThatThrownBy(() -> MappedSlotTable.open(cut, 4096))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("truncated");

        Path zeroed = tmp.resolve("zeroed.cm3");
        Files.write(zeroed, new byte[8192]);
        assertThatThrownBy(() -> MappedSlotTable.open(zeroed, 4096)).isInstanceOf(RegionException.class);

        assertThatThrownBy(() -> MappedSlotTable.open(file, 8192))
                .as("another region's table")
                .isInstanceOf(RegionException.class);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /**
     * A table another map of this process still holds (a region dropped without close, not yet collected) is named as
     * held, not as unreadable: nothing is wrong with the file.
     */
    @Test
    void aTableStillHeldByAnotherMapIsNamedAsHeldNotAsUnreadable() throws Exception {
        Path file = tmp.resolve("held.cm3");
        int nrSlots = 64;
        SlotTable.create(file, nrSlots).close();
        try (SlotTable holder = SlotTable.open(file, nrSlots, false)) {
            byte[] before = Files.readAllBytes(file);
            assertThatThrownBy(() -> SlotTable.open(file, nrSlots, true))
                    .isInstanceOf(RegionException.class)
                    .hasMessageContaining("still held by another open Chronicle Map")
                    .hasMessageContaining("close that region first")
                    .hasMessageNotContaining("unreadable")
                    .hasMessageNotContaining("\n");
            assertThat(Files.readAllBytes(file))
                    .as("the refused open changed nothing")
                    .isEqualTo(before);
            assertThat(holder.nrSlots()).isEqualTo(nrSlots);
        }
        // Chronicle marks the header "not complete" before it asks for the lock; left so, a plain open then refused it
        try (SlotTable again = SlotTable.open(file, nrSlots, false)) {
            assertThat(again.nrSlots()).isEqualTo(nrSlots);
        }
    }
}
