package io.framejournal.allocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Deleting scratch directory trees (a region being built, a salvage copy, a temporary slot table). */
final class Trees {
    private Trees() {}

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {@link #delete}, ignoring failures (a temporary copy left behind is harmless). */
    static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException ignored) {
            // left behind
        }
    }
}
