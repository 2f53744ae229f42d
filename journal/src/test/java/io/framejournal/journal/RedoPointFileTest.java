package io.framejournal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedoPointFileTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingFileIsNoPointAndNoProblem() {
        RedoPointFile.Read r = RedoPointFile.read(tmp.resolve("redo.point"));
        assertThat(r.point()).isNull();
        assertThat(r.problem()).isNull();
    }

    @Test
    void theNewestPointWinsAndGenerationsContinueAcrossOpens() {
        Path f = tmp.resolve("redo.point");
        RedoPoint a = new RedoPoint(0x1234_0000_0005L, 5, 0xcafe, false);
        RedoPoint b = new RedoPoint(0x1234_0000_0009L, 9, 0xbeef, true);
        RedoPoint c = new RedoPoint(0x1235_0000_0000L, 10, -1, false);
        try (RedoPointFile w = RedoPointFile.openForWrite(f)) {
            w.write(a);
            assertThat(RedoPointFile.read(f).point()).isEqualTo(a);
            w.write(b);
            assertThat(RedoPointFile.read(f).point()).isEqualTo(b);
            assertThat(RedoPointFile.read(f).generation()).isEqualTo(2);
        }
        try (RedoPointFile w = RedoPointFile.openForWrite(f)) {
            w.write(c); // generation 3 goes to slot 1, over a; b (generation 2) stays in slot 0
        }
        RedoPointFile.Read r = RedoPointFile.read(f);
        assertThat(r.point()).isEqualTo(c);
        assertThat(r.generation()).isEqualTo(3);
        assertThat(r.problem()).isNull();
    }

    @Test
    void aWriteAnInterruptFailedClosesNothingForGood() {
        Path f = tmp.resolve("redo.point");
        RedoPoint a = new RedoPoint(100, 1, 7, false);
        RedoPoint b = new RedoPoint(200, 2, 8, true);
        try (RedoPointFile w = RedoPointFile.openForWrite(f)) {
            w.write(a);
            Thread.currentThread().interrupt();
            try {
                // the interrupt closes the channel under the write (ClosedByInterruptException)
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.write(b))
                        .isInstanceOf(RegionException.class);
            } finally {
                Thread.interrupted();
            }
            assertThat(RedoPointFile.read(f).point())
                    .as("the failed write took no generation")
                    .isEqualTo(a);
            w.write(b); // before the fix: ClosedChannelException at every later write
            assertThat(RedoPointFile.read(f).point()).isEqualTo(b);
            assertThat(RedoPointFile.read(f).generation()).isEqualTo(2);
        }
    }

    @Test
    void aTornOrFlippedSlotFallsBackToTheOtherOne() throws IOException {
        Path f = tmp.resolve("redo.point");
        RedoPoint older = new RedoPoint(100, 1, 7, false);
        RedoPoint newer = new RedoPoint(200, 2, 8, true);
        try (RedoPointFile w = RedoPointFile.openForWrite(f)) {
            w.write(older); // generation 1, slot 1
            w.write(newer); // generation 2, slot 0
        }
        for (int bit = 0; bit < RedoPointFile.SLOT * 8; bit += 13) {
            byte[] bytes = Files.readAllBytes(f);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8)); // one bit of the newer slot
            Path flipped = tmp.resolve("flipped-" + bit);
            Files.write(flipped, bytes);
            RedoPointFile.Read r = RedoPointFile.read(flipped);
            if (bit / 8 >= 60) {
                assertThat(r.point()).as("reserved bytes are outside the CRC").isEqualTo(newer);
            } else {
                assertThat(r.point()).as("bit %d flipped", bit).isEqualTo(older);
            }
        }
        Path cut = tmp.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(f), RedoPointFile.SLOT + 20));
        assertThat(RedoPointFile.read(cut).point()).isEqualTo(newer);
    }

    @Test
    void garbageIsAProblemNeverAPoint() throws IOException {
        Path f = tmp.resolve("redo.point");
        byte[] junk = new byte[2 * RedoPointFile.SLOT];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        Files.write(f, junk);
        assertThat(RedoPointFile.read(f).point()).isNull();
        assertThat(RedoPointFile.read(f).problem()).contains("no redo point magic");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(1 << 20);
        }
        assertThat(RedoPointFile.read(f).problem()).contains("not 128");
    }

    @Test
    void aFileNeverWrittenToHoldsNoPointAndIsNoProblem() throws IOException {
        Path f = tmp.resolve("redo.point");
        RedoPointFile.openForWrite(f).close(); // created, the writer died before its first point
        assertThat(RedoPointFile.read(f)).isEqualTo(new RedoPointFile.Read(null, 0, null));
        Files.write(f, new byte[2 * RedoPointFile.SLOT]);
        assertThat(RedoPointFile.read(f)).isEqualTo(new RedoPointFile.Read(null, 0, null));
    }

    @Test
    void aPointFromAnotherFormatVersionIsRefused() throws IOException {
        Path f = tmp.resolve("redo.point");
        try (RedoPointFile w = RedoPointFile.openForWrite(f)) {
            w.write(new RedoPoint(1, 1, 1, false));
        }
        byte[] bytes = Files.readAllBytes(f);
        int slot = RedoPointFile.SLOT; // generation 1 is in slot 1
        bytes[slot + 8] = 9; // version 9, CRC recomputed so only the version is wrong
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, slot, 56);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(slot + 56, (int) crc.getValue());
        Files.write(f, bytes);
        RedoPointFile.Read r = RedoPointFile.read(f);
        assertThat(r.point()).isNull();
        assertThat(r.problem()).contains("format version 9");
    }
}
