package io.framejournal.journal;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a region keeps its parts, all inside one directory. */
public record RegionLayout(Path dir) {
    public static final String CONFIG = "region.conf";
    public static final String STATUS = "region.status";
    public static final String SLOTS = "slots.cm3";
    public static final String JOURNAL = "journal";
    public static final String LOCK = "region.lock";
    public static final String CHECKPOINTS = "checkpoints";
    /** The call-site table ({@link SiteTable}); absent in regions that never captured a site. */
    public static final String SITES = "sites.fjs";
    /** The redo point ({@link RedoPointFile}); absent in regions whose writers never recorded one. */
    public static final String REDO_POINT = "redo.point";
    /**
     * Where {@code recover --salvage} copies the records it keeps; once the copy is whole, the damaged journal is moved
     * aside and this directory takes the journal's place. Found beside a missing journal, it is a salvage killed between
     * those two moves, which the next {@code recover} finishes.
     */
    public static final String SALVAGING = "journal.salvaging";

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path status() {
        return dir.resolve(STATUS);
    }

    public Path slots() {
        return dir.resolve(SLOTS);
    }

    public Path journal() {
        return dir.resolve(JOURNAL);
    }

    /** Where checkpoints are kept ({@link CheckpointFile}). */
    public Path checkpoints() {
        return dir.resolve(CHECKPOINTS);
    }

    public Path redoPoint() {
        return dir.resolve(REDO_POINT);
    }

    public Path sites() {
        return dir.resolve(SITES);
    }

    public Path lock() {
        return dir.resolve(LOCK);
    }

    /** See {@link #SALVAGING}. */
    public Path salvaging() {
        return dir.resolve(SALVAGING);
    }

    /** A salvage stopped between moving the damaged journal aside and putting its copy in place ({@link #SALVAGING}). */
    public boolean salvageInterrupted() {
        return !Files.exists(journal(), java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(salvaging());
    }

    /**
     * Whether {@code path} is {@code dir} or lies inside it, once symbolic links are followed as far as the path
     * exists (so that a link into the region, or a region reached through a link, counts too), and where a part of
     * the region is a symbolic link to elsewhere (its {@code journal/} on another disk) that part counts as the region
     * too. For the commands that must never write into the region they read ({@code report -o}, {@code export --to},
     * {@code retain --archive}).
     */
    public static boolean isInside(Path dir, Path path) {
        Path d = dir.toAbsolutePath().normalize();
        Path p = path.toAbsolutePath().normalize();
        if (p.startsWith(d)) {
            return true;
        }
        Path real = realOrNormal(p);
        if (real.startsWith(realOrNormal(d))) {
            return true;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(d, Files::isSymbolicLink)) {
            for (Path linked : entries) {
                if (real.startsWith(realOrNormal(linked))) {
                    return true;
                }
            }
        } catch (java.io.IOException | RuntimeException unlisted) {
            // a region that cannot be listed has no links we could follow: the checks above stand
        }
        return false;
    }

    /** The real path of {@code p}, or of its longest existing ancestor with the rest appended. */
    private static Path realOrNormal(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (java.io.IOException | RuntimeException e) {
            Path parent = abs.getParent();
            return parent == null ? abs : realOrNormal(parent).resolve(abs.getFileName());
        }
    }

    /** Fails with a one-line message unless {@code dir} looks like a region: a directory with a config file. */
    public RegionLayout requireRegion() {
        if (!Files.exists(dir)) {
            try {
                Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new RegionException("cannot read " + dir + ": " + RegionException.reason(e, dir));
            } catch (java.io.IOException | RuntimeException absent) {
                // it does not exist: said below
            }
            throw new RegionException(
                    dir + " does not exist; create a region with `framejournal simulate --dir " + dir + "`");
        }
        if (!Files.isDirectory(dir)) {
            throw new RegionException(dir + " is not a directory, so not a FrameJournal region");
        }
        if (!Files.exists(config())) {
            try {
                Files.readAttributes(config(), java.nio.file.attribute.BasicFileAttributes.class);
            } catch (java.nio.file.AccessDeniedException e) {
                // a directory the user may not search (a writer's umask 077): not "no region.conf"
                throw new RegionException("cannot read " + config() + ": " + RegionException.reason(e, config()));
            } catch (java.io.IOException | RuntimeException absent) {
                // it does not exist: said below
            }
            throw new RegionException(dir + " is not a FrameJournal region (no " + CONFIG + ")");
        }
        if (!Files.isReadable(config())) {
            throw new RegionException("cannot read " + config() + ": permission denied");
        }
        if (salvageInterrupted()) {
            throw new RegionException(dir + " has no journal: a `recover --salvage` was stopped after it moved the"
                    + " damaged journal aside and before it put the records it kept (" + SALVAGING + "/) in its place;"
                    + " run `framejournal recover " + dir + "` to finish it");
        }
        if (!Files.isDirectory(journal())) {
            throw new RegionException(dir + " has no journal (" + JOURNAL + "/ is missing)");
        }
        return this;
    }

    /**
     * For a writer (open, recover), before it takes the region's lock, so that nothing is created in a directory that
     * is not a region: {@link #requireRegion()}, and the status file exists. An archive of retired journal files
     * ({@link Retention#isArchive}) is named as such.
     */
    public RegionLayout requireWritableRegion() {
        requireRegion();
        if (!Files.exists(status())) {
            if (Retention.isArchive(dir)) {
                throw Retention.notARegion(dir);
            }
            throw new RegionException(dir + " is not a FrameJournal region (no " + STATUS + ")");
        }
        return this;
    }
}
