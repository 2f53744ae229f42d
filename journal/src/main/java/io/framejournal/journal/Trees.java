package io.framejournal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deleting directory trees: scratch directories (a region being built, a salvage copy, a temporary slot table, an
 * archive expanded for reading, a DuckDB spill), and what a failed or interrupted command made. The one place that
 * walks a tree to delete it.
 */
public final class Trees {
    private Trees() {}

    /** Deletes {@code dir} and everything under it; nothing when it is {@code null} or does not exist. */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@link #delete}, ignoring failures (a temporary copy left behind is harmless). @return whether it is gone */
    public static boolean deleteQuietly(Path dir) {
        try {
            delete(dir);
            return true;
        } catch (IOException | RuntimeException leftBehind) {
            return false;
        }
    }

    /** Deletes everything under {@code dir}, keeping {@code dir} itself; failures are ignored. */
    public static void deleteContentsQuietly(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                deleteQuietly(p);
            }
        } catch (IOException | RuntimeException leftBehind) {
            // what could not be removed stays
        }
    }
}
