package io.framejournal.replay.cli;

import io.framejournal.journal.RegionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The one check of the commands whose libraries unpack native code into {@code java.io.tmpdir} before they load it
 * (zstd-jni for Parquet: {@code export}, and {@code sql} of a region; DuckDB's JDBC driver: {@code sql}). Without a
 * writable directory there, zstd-jni failed deep in the export ({@code NoClassDefFoundError: Could not initialize class
 * com.github.luben.zstd.ZstdCompressCtx}) and {@code sql} in a line that named a spill directory and no remedy. Made
 * before any work: one line that names the directory, what is wrong with it and the option that gives another.
 */
final class NativeTemp {
    private NativeTemp() {}

    /** How to give another directory, through the launcher or to {@code java} itself. */
    static final String REMEDY =
            "give another with FRAMEJOURNAL_JAVA_OPTS=-Djava.io.tmpdir=DIR (java -Djava.io.tmpdir=DIR -jar …)";

    /**
     * Refuses, in one line ({@link RegionException}), a {@code java.io.tmpdir} that is missing, not a directory or not
     * writable (a file is created in it and deleted: that answers for a read-only file system and for root too).
     *
     * @param command   the command, for the message ({@code export})
     * @param libraries what it unpacks there ({@code zstd's native library})
     */
    static void require(String command, String libraries) {
        String dir = System.getProperty("java.io.tmpdir", "");
        String why = problem(dir);
        if (why != null) {
            throw new RegionException(command + " cannot unpack " + libraries + " into java.io.tmpdir " + dir + " ("
                    + why + "): " + REMEDY);
        }
    }

    /** What is wrong with {@code dir} as a place to unpack native libraries, or {@code null}. */
    static String problem(String dir) {
        if (dir.isEmpty()) {
            return "it is empty";
        }
        Path d;
        try {
            d = Path.of(dir);
        } catch (InvalidPathException e) {
            return "not a valid path";
        }
        if (!Files.exists(d)) {
            return "it does not exist";
        }
        if (!Files.isDirectory(d)) {
            return "it is not a directory";
        }
        try {
            Files.delete(Files.createTempFile(d, "framejournal-tmpdir-check", ".tmp"));
        } catch (IOException | SecurityException e) {
            return "it is not writable: " + RegionException.reason(e);
        }
        String mount = noexecMount(d);
        if (mount != null) {
            return "it is on " + mount + ", mounted noexec: a native library unpacked there cannot be loaded";
        }
        return null;
    }

    /**
     * The mount point of the file system {@code dir} is on when that is mounted {@code noexec} (Linux: the last, longest
     * mount point in {@code /proc/self/mountinfo} that contains the directory's real path), else {@code null}: also
     * where there is no such file to read.
     */
    static String noexecMount(Path dir) {
        Path real;
        java.util.List<String> lines;
        try {
            real = dir.toRealPath();
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return null;
        }
        String best = null;
        boolean noexec = false;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            String point = unescape(f[4]);
            Path p;
            try {
                p = Path.of(point);
            } catch (java.nio.file.InvalidPathException e) {
                continue;
            }
            // a later mount on the same point hides the earlier one: ties go to the later line
            if (real.startsWith(p) && (best == null || point.length() >= best.length())) {
                best = point;
                noexec = java.util.Arrays.asList(f[5].split(",")).contains("noexec");
            }
        }
        return noexec ? best : null;
    }

    /** A mountinfo field with its octal escapes ({@code \040} for a space) undone. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
