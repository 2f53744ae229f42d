package io.framejournal.replay;

import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.cli.FrameJournalCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers: run the CLI in-process or the real jar in a child JVM, checksum a region, read its journal. */
public final class Support {
    private Support() {}

    /**
     * What one run printed and returned.
     *
     * @param exit   exit code
     * @param out    stdout
     * @param err    stderr
     */
    public record Result(int exit, String out, String err) {
        public List<String> errLines() {
            return err.isBlank() ? List.of() : List.of(err.strip().split("\n"));
        }
    }

    /** Runs one command line in this JVM. */
    public static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = FrameJournalCli.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The repository root, from the {@code framejournal.root} property Surefire and Failsafe set. */
    public static Path root() {
        String r = System.getProperty("framejournal.root");
        if (r == null) {
            throw new IllegalStateException("system property framejournal.root is not set (run through Maven)");
        }
        return Path.of(r).toAbsolutePath().normalize();
    }

    /** SHA-256 of every file under {@code dir}, by relative path. */
    public static Map<String, String> checksums(Path dir) {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                sums.put(dir.relativize(p).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return sums;
    }

    /** Every event of a region's journal with its volatile fields (timestamp, thread) cleared. */
    public static List<String> events(Path region) {
        List<String> out = new ArrayList<>();
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(new RegionLayout(region).journal())) {
            while (r.next(e)) {
                out.add(e.kind + " " + e.op + " " + e.flags + " " + e.slot + " " + e.metaType + " " + e.before + " "
                        + e.after + " " + e.handle);
            }
            if (r.stopReason() != null) {
                throw new AssertionError(r.stopReason());
            }
        }
        return out;
    }

    /** How many events of a region's journal match {@code filter}. */
    public static long eventsWhere(Path region, java.util.function.Predicate<JournalEvent> filter) {
        long n = 0;
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(new RegionLayout(region).journal())) {
            while (r.next(e)) {
                if (filter.test(e)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Copies a directory tree. */
    public static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A crafted region of {@code frames} frames with no slot table: {@code region.conf}, a journal of its REGION_OPEN
     * and one FRAME_CLONE call per entry of {@code slotOfCall} (each a MINT continuing that slot's count), and a clean
     * status at the last record. For regions too large to simulate (2^24 frames and more).
     */
    public static Path craftedRegion(Path dir, int frames, int... slotOfCall) {
        try {
            io.framejournal.journal.RegionLayout layout = new io.framejournal.journal.RegionLayout(dir);
            Files.createDirectories(layout.journal());
            long maxPaddr = (long) frames * io.framejournal.journal.RegionConfig.PAGE_SIZE;
            io.framejournal.journal.RegionConfig.of(maxPaddr).write(layout.config());
            long lastIndex;
            Map<Integer, Long> minted = new java.util.HashMap<>();
            Map<Integer, Long> lastOfSlot = new java.util.HashMap<>(); // each call names its slot's previous record
            try (io.framejournal.journal.JournalWriter writer = io.framejournal.journal.JournalWriter.open(
                    layout.journal(), net.openhft.chronicle.bytes.SyncMode.NONE)) {
                io.framejournal.journal.JournalWriter.Lane lane = writer.lane();
                lane.record()
                        .marker(
                                io.framejournal.journal.EventKind.REGION_OPEN,
                                io.framejournal.journal.OpCode.REGION,
                                1,
                                JournalEvent.NO_SLOT,
                                maxPaddr,
                                io.framejournal.journal.RegionConfig.PAGE_SIZE,
                                (short) 0);
                lastIndex = lane.append();
                for (int i = 0; i < slotOfCall.length; i++) {
                    int slot = slotOfCall[i];
                    long before = minted.merge(slot, 1L, Long::sum) - 1;
                    lane.record()
                            .beginCall(io.framejournal.journal.OpCode.FRAME_CLONE, 100 + i, 0)
                            .beginSlot(slot, lastOfSlot.getOrDefault(slot, io.framejournal.journal.JournalIndex.NONE))
                            .entry(io.framejournal.journal.EventKind.MINT, 0, (short) 0, before, before + 1);
                    lastIndex = lane.appendCall();
                    lane.applied();
                    lastOfSlot.put(slot, lastIndex);
                }
            }
            new io.framejournal.journal.RegionStatus(true, 1, lastIndex).write(layout.status());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
