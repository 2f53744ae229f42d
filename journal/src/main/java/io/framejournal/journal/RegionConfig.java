package io.framejournal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A region's geometry, fixed at creation and written as a small versioned text file ({@code region.conf}).
 *
 * @param formatVersion journal and slot-table format version
 * @param pageSize      bytes per frame (4096, as in OSTD)
 * @param maxPaddr      end of physical memory; frames are {@code [0, maxPaddr)}
 * @param cycle         how the journal is cut into queue files ({@code rollCycle=}; absent in older files, which
 *                      means {@link JournalCycle#LEGACY}, the daily cycle every journal was written with then)
 */
public record RegionConfig(int formatVersion, int pageSize, long maxPaddr, JournalCycle cycle) {
    /** The format this build writes: 2 (one record per public call). */
    public static final int FORMAT_VERSION = RecordFormat.VERSION;
    /** The oldest format this build still reads (read-only commands only). */
    public static final int OLDEST_READABLE_FORMAT = JournalEvent.V1;

    public static final int PAGE_SIZE = 4096;
    /** OSTD x86's MAX_PADDR: 2 GiB, 524,288 frames. */
    public static final long DEFAULT_MAX_PADDR = 0x8000_0000L;

    public RegionConfig {
        if (cycle == null) {
            throw new RegionException("a region needs a roll cycle; known: " + JournalCycle.names());
        }
        if (pageSize != PAGE_SIZE) {
            throw new RegionException(
                    "page size " + pageSize + " is not supported; FrameJournal models 4096-byte frames");
        }
        if (maxPaddr <= 0 || maxPaddr % pageSize != 0) {
            throw new RegionException(
                    "maxPaddr " + maxPaddr + " must be a positive multiple of the page size " + pageSize);
        }
        if (maxPaddr / pageSize > (1 << 28)) {
            throw new RegionException("maxPaddr 0x" + Long.toHexString(maxPaddr) + " is too large: at most 2^28 frames"
                    + " (1 TiB), what replay holds in one array");
        }
    }

    public static RegionConfig defaults() {
        return of(DEFAULT_MAX_PADDR);
    }

    public static RegionConfig of(long maxPaddr) {
        return new RegionConfig(FORMAT_VERSION, PAGE_SIZE, maxPaddr, JournalCycle.DEFAULT);
    }

    /** This geometry with another roll cycle (e.g. {@link JournalCycle#TEST_SECONDLY} in tests). */
    public RegionConfig withCycle(JournalCycle newCycle) {
        return new RegionConfig(formatVersion, pageSize, maxPaddr, newCycle);
    }

    /**
     * Fails unless this build can append to a region of this config: it writes format {@value #FORMAT_VERSION} only, so
     * an older region stays read-only evidence (every read-only command still reads it).
     */
    public void requireWritable(Path dir) {
        if (formatVersion != FORMAT_VERSION) {
            throw new RegionException(dir + " is a format-" + formatVersion + " region; this build appends format "
                    + FORMAT_VERSION
                    + " only, so it cannot open, recover or write it (every read-only command still reads it:"
                    + " audit, history, state, dump, diff, stats, report, export, sql)");
        }
    }

    public int nrSlots() {
        return (int) (maxPaddr / pageSize);
    }

    public void write(Path file) throws IOException {
        String text = "# FrameJournal region configuration: fixed at creation, do not edit.\n"
                + "format=" + formatVersion + '\n'
                + "pageSize=" + pageSize + '\n'
                + "maxPaddr=0x" + Long.toHexString(maxPaddr) + '\n'
                + "rollCycle=" + cycle.confName() + '\n';
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Reads and validates a config file; every problem is a one-line {@link RegionException}. */
    public static RegionConfig read(Path file) {
        String text;
        try {
            if (Files.size(file) > 4096) {
                throw new RegionException(file + " is not a FrameJournal region config (too large)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RegionException(
                    file.getParent() + " is not a FrameJournal region (no " + file.getFileName() + ")");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new RegionException(file + " is not a FrameJournal region config (not text)");
        } catch (IOException e) {
            throw new RegionException("cannot read " + file + ": " + RegionException.reason(e, file));
        }
        Map<String, String> kv = parse(text, file);
        int format = intField(kv, "format", file);
        if (format < OLDEST_READABLE_FORMAT || format > FORMAT_VERSION) {
            throw new RegionException(
                    file.getParent() + " has format version " + format + "; this build reads versions "
                            + OLDEST_READABLE_FORMAT + " to " + FORMAT_VERSION
                            + (format > FORMAT_VERSION ? " (use a newer framejournal)" : ""));
        }
        int pageSize = intField(kv, "pageSize", file);
        long maxPaddr = longField(kv, "maxPaddr", file);
        String cycleName = kv.get("rollCycle");
        JournalCycle cycle;
        try {
            cycle = cycleName == null ? JournalCycle.LEGACY : JournalCycle.ofName(cycleName);
        } catch (RegionException e) {
            throw new RegionException(
                    file + ": rollCycle '" + abbreviate(cycleName) + "' is unknown; known: " + JournalCycle.names());
        }
        return new RegionConfig(format, pageSize, maxPaddr, cycle);
    }

    static Map<String, String> parse(String text, Path file) {
        Map<String, String> kv = new TreeMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new RegionException(
                        file + " is not a FrameJournal region file (bad line: " + abbreviate(l) + ")");
            }
            kv.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return kv;
    }

    static int intField(Map<String, String> kv, String key, Path file) {
        long v = longField(kv, key, file);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new RegionException(file + ": " + key + " is out of range");
        }
        return (int) v;
    }

    static long longField(Map<String, String> kv, String key, Path file) {
        String v = kv.get(key);
        if (v == null) {
            throw new RegionException(file + " is not a FrameJournal region file (no " + key + ")");
        }
        try {
            return JournalIndex.parse(v);
        } catch (NumberFormatException e) {
            throw new RegionException(file + ": " + key + " is not a number: " + abbreviate(v));
        }
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
