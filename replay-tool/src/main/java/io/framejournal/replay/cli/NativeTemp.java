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
        return null;
    }
}
