package io.framejournal.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Scratch directories and the repository root. */
final class Dirs {
    /** Parent of every scratch directory; the runner sets it for its forks and children. */
    static final String WORK_DIR_PROPERTY = "framejournal.bench.dir";

    static final String ARGFILE = "config/chronicle.jvmopts";

    private Dirs() {}

    static Path temp(String prefix) throws IOException {
        String parent = System.getProperty(WORK_DIR_PROPERTY);
        if (parent == null) {
            return Files.createTempDirectory("fj-" + prefix);
        }
        Path p = Paths.get(parent);
        Files.createDirectories(p);
        return Files.createTempDirectory(p, prefix);
    }

    static void delete(Path dir) {
        try {
            io.framejournal.journal.Trees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete scratch directory " + dir, e);
        }
    }

    /** Recursive copy (the copy is not sparse; the regions copied here are small). */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /**
     * The repository root: system property {@code framejournal.root}, else the first directory holding
     * {@value #ARGFILE} going up from the working directory.
     */
    static Path root() {
        String prop = System.getProperty("framejournal.root");
        if (prop != null) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(ARGFILE))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no " + ARGFILE
                + " above the working directory); run from the repository or pass -Dframejournal.root=<dir>");
    }
}
