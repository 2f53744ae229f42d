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
}
