package io.framejournal.allocator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Opens a private copy of a slot-table file with plain Chronicle Map {@code recoverPersistedTo}, taking the map's
 * configuration from the file itself, and reports what a crash left: entry count, whether entry checksums are on
 * (they must be off: in-place updates do not refresh them, so recovery would drop every changed slot), and the
 * slots whose value is missing or lacks the slot magic.
 */
public final class SlotMapProbe {
    /**
     * What the probe found.
     *
     * @param size            entries in the map
     * @param checksumEntries whether the persisted map checksums its entries
     * @param badSlots        slots with no value, a value of the wrong size or a bad magic (first few)
     */
    public record Result(long size, boolean checksumEntries, List<String> badSlots) {}

    private SlotMapProbe() {}

    public static Result probe(Path slotsFile, int nrSlots) throws IOException {
        Path dir = Files.createTempDirectory("framejournal-probe");
        Path copy = dir.resolve(slotsFile.getFileName());
        Files.copy(slotsFile, copy);
        try (ChronicleMap<Integer, byte[]> map =
                ChronicleMap.of(Integer.class, byte[].class).recoverPersistedTo(copy.toFile(), false)) {
            boolean checksums = ((VanillaChronicleHash<?, ?, ?, ?>) map).checksumEntries;
            List<String> bad = new ArrayList<>();
            for (int slot = 0; slot < nrSlots && bad.size() < 5; slot++) {
                byte[] v = map.get(slot);
                if (v == null || v.length != SlotTable.VALUE_SIZE) {
                    bad.add("slot " + slot + ": " + (v == null ? "no value" : v.length + " bytes"));
                    continue;
                }
                int magic = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(SlotTable.MAGIC);
                if (magic != SlotTable.MAGIC_VALUE) {
                    bad.add("slot " + slot + ": magic 0x" + Integer.toHexString(magic));
                }
            }
            return new Result(map.size(), checksums, bad);
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(dir);
        }
    }
}
