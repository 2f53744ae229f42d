package io.framejournal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Retention: removes (or moves to an archive, gzip-compressed) every journal queue file that lies entirely before
 * the oldest checkpoint kept, while writers keep running. It never touches a file that the newest valid checkpoint
 * needs (the one holding its record and every later one), so every replay still has a start: the newest checkpoint
 * and the journal after it. A checkpoint whose record was retired is deleted with it.
 *
 * <p>An archive directory holds {@code region.conf}, {@code journal/<file>.cq4.gz} and a copy of the region's call-site
 * table ({@code sites.fjs}, refreshed at every pass that archives); the read-only commands read it like a region
 * without a status or slot table ({@link #expandArchive}); the commands that write refuse it ({@link #notARegion}).
 */
public final class Retention {
    public static final String ARCHIVE_SUFFIX = ".cq4.gz";

    private Retention() {}

    /**
     * What one retention pass did.
     *
     * @param checkpointsKept   valid checkpoints left
     * @param checkpointsDeleted checkpoint files deleted (beyond the number kept, or whose record was retired)
     * @param filesRetired      queue files removed from the journal, oldest first
     * @param bytesRetired      their size on disk
     * @param archivedTo        the archive they were moved to, or {@code null} when they were deleted
     * @param protectedFrom     the oldest journal index every kept checkpoint still needs (nothing at or after it goes)
     * @param journalBytes      the journal's size on disk after the pass
     * @param note              why nothing (more) could be retired, or {@code null}
     */
    public record Result(
            int checkpointsKept,
            int checkpointsDeleted,
            List<Path> filesRetired,
            long bytesRetired,
            Path archivedTo,
            long protectedFrom,
            long journalBytes,
            String note) {
        /**
         * What the pass kept, in words, whatever it did: everything from the oldest checkpoint kept, or, with no valid
         * checkpoint, the whole journal (the one wording of the CLI's {@code kept:} line and its JSON {@code kept}).
         */
        public String kept() {
            return protectedFrom == JournalIndex.NONE
                    ? "the whole journal (no valid checkpoint: every file is still needed)"
                    : "everything from the oldest checkpoint kept, " + JournalIndex.format(protectedFrom);
        }
    }

    /**
     * Refuses an archive directory retention could never use: one inside the region {@code regionDir} (links
     * followed), or a path that exists and is not a directory. {@code null} (delete instead) passes.
     */
    public static void checkArchive(Path regionDir, Path archive) {
        if (archive != null && RegionLayout.isInside(regionDir, archive)) {
            throw new RegionException("archive " + archive + " is inside the region " + regionDir
                    + ": name a directory outside it (retired files must leave the region)");
        }
        if (archive != null && Files.exists(archive) && !Files.isDirectory(archive)) {
            throw new RegionException("archive " + archive + " exists and is not a directory: name a directory");
        }
    }

    /**
     * @param layout          the region
     * @param nrSlots         its frames (to check checkpoints)
     * @param keepCheckpoints checkpoint files kept (the oldest kept bounds what is retired)
     * @param maxJournalBytes when positive: retire further files, oldest first, up to the newest valid checkpoint,
     *                        until the journal is at most this size (older checkpoints then go with them)
     * @param archive         move retired files here (gzip-compressed) instead of deleting them; {@code null} deletes
     */
    public static Result retire(
            RegionLayout layout, int nrSlots, int keepCheckpoints, long maxJournalBytes, Path archive) {
        if (keepCheckpoints < 1) {
            throw new RegionException("--keep-checkpoints must be at least 1, not " + keepCheckpoints);
        }
        checkArchive(layout.dir(), archive);
        List<QueueFile> files = queueFiles(layout.journal());
        // first the checkpoints an earlier pass, killed between retiring their record's file and deleting them, left
        // behind: never usable again, they would count among the K kept and be warned about by every replay
        int deleted = deleteOrphans(layout, files, nrSlots);
        deleted += Checkpointer.prune(layout.checkpoints(), keepCheckpoints);
        List<CheckpointFile.Entry> valid = new ArrayList<>();
        for (CheckpointFile.Entry e : CheckpointFile.list(layout.checkpoints())) {
            if (usable(layout, e, nrSlots)) {
                valid.add(e);
            }
        }
        if (valid.isEmpty()) {
            return new Result(
                    0,
                    deleted,
                    List.of(),
                    0,
                    archive,
                    JournalIndex.NONE,
                    sizeOf(files),
                    "the region has no valid checkpoint, so every journal file is still needed; take one with"
                            + " `framejournal checkpoint` first");
        }
        long oldestKept = valid.get(0).index();
        long newest = valid.get(valid.size() - 1).index();
        int cycleOfOldest = cycleOf(layout.journal(), oldestKept);
        int cycleOfNewest = cycleOf(layout.journal(), newest);
        List<QueueFile> retire = new ArrayList<>();
        long size = sizeOf(files);
        for (QueueFile f : files) {
            boolean beforeOldest = f.cycle < cycleOfOldest;
            boolean overSize = maxJournalBytes > 0 && size > maxJournalBytes && f.cycle < cycleOfNewest;
            if (beforeOldest || overSize) {
                retire.add(f);
                size -= f.bytes;
            } else {
                break;
            }
        }
        if (archive != null && !retire.isEmpty()) {
            // before the checkpoints of the records retired go: an archive that cannot be made retires nothing
            prepareArchive(layout, archive);
        }
        int lastRetiredCycle = retire.isEmpty() ? Integer.MIN_VALUE : retire.get(retire.size() - 1).cycle;
        // the checkpoints whose record goes with those files are deleted first: a kill in between then leaves files
        // the next pass retires, never a checkpoint that names a record no longer there (the newest valid one stays:
        // its file is never retired)
        int kept = 0;
        long protectedFrom = JournalIndex.NONE;
        for (CheckpointFile.Entry e : valid) {
            if (cycleOf(layout.journal(), e.index()) <= lastRetiredCycle) {
                deleteCheckpoint(e.file());
                deleted++;
            } else {
                kept++;
                protectedFrom = protectedFrom == JournalIndex.NONE ? e.index() : protectedFrom;
            }
        }
        long bytes = 0;
        List<Path> retired = new ArrayList<>();
        try {
            for (QueueFile f : retire) {
                if (archive != null) {
                    gzip(f.path, archive.resolve(RegionLayout.JOURNAL).resolve(f.path.getFileName() + ".gz"));
                }
                Files.delete(f.path);
                bytes += f.bytes;
                retired.add(f.path);
            }
        } catch (IOException e) {
            throw new RegionException(
                    "retention stopped after " + retired.size() + " file(s): " + RegionException.oneLine(e) + "; "
                            + RERUN,
                    e);
        } finally {
            if (!retired.isEmpty()) {
                refreshListing(layout.journal());
            }
        }
        String note = retire.isEmpty()
                ? "every journal file holds records at or after the oldest checkpoint kept ("
                        + JournalIndex.format(oldestKept) + "): nothing to retire yet"
                : null;
        return new Result(
                kept,
                deleted,
                List.copyOf(retired),
                bytes,
                archive,
                protectedFrom,
                sizeOf(queueFiles(layout.journal())),
                note);
    }

    /**
     * The remedy of a pass that stopped part-way: every step is whole or not done (a file is archived and forced before
     * it is deleted, a checkpoint deleted before its file), so a pass run again goes on from where this one stopped.
     */
    static final String RERUN =
            "fix that and run `framejournal retain` again, which is safe: it goes on with what is" + " left to retire";

    /** Deletes a checkpoint whose record is (or is about to be) retired: it could never be resumed from. */
    private static void deleteCheckpoint(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException failure) {
            throw new RegionException(
                    "cannot delete checkpoint " + file + " whose record is retired: "
                            + RegionException.reason(failure, file) + "; " + RERUN,
                    failure);
        }
    }

    /**
     * Deletes the checkpoints whose record lies in a cycle before the journal's first file (retired by an earlier pass
     * that was stopped before it deleted them) and that cannot be used; returns how many.
     */
    private static int deleteOrphans(RegionLayout layout, List<QueueFile> files, int nrSlots) {
        if (files.isEmpty()) {
            return 0;
        }
        int first = files.get(0).cycle;
        int n = 0;
        for (CheckpointFile.Entry e : CheckpointFile.list(layout.checkpoints())) {
            if (cycleOf(layout.journal(), e.index()) < first && !usable(layout, e, nrSlots)) {
                deleteCheckpoint(e.file());
                n++;
            }
        }
        return n;
    }

    private static boolean usable(RegionLayout layout, CheckpointFile.Entry e, int nrSlots) {
        try {
            CheckpointFile.Header h = CheckpointFile.read(e.file(), nrSlots).header();
            try (JournalReader reader = JournalReader.open(layout.journal())) {
                return h.index() == e.index() && reader.resumeAfter(h.index(), h.seq(), h.recordCrc()) == null;
            }
        } catch (RegionException unusable) {
            return false;
        }
    }

    /** A queue file of the journal and its roll cycle. */
    record QueueFile(Path path, int cycle, long bytes) {}

    /** The journal's queue files, oldest cycle first. */
    static List<QueueFile> queueFiles(Path journal) {
        List<QueueFile> out = new ArrayList<>();
        try (SingleChronicleQueue queue = Chronicle.readOnlyQueue(journal);
                var list = Files.list(journal)) {
            RollCycle cycle = queue.rollCycle();
            DateTimeFormatter names = namesOf(cycle);
            long epoch = queue.epoch();
            for (Path p : (Iterable<Path>) list::iterator) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".cq4")) {
                    continue;
                }
                long millis;
                try {
                    millis = LocalDateTime.parse(n.substring(0, n.length() - 4), names)
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                } catch (java.time.format.DateTimeParseException notOurs) {
                    continue;
                }
                out.add(new QueueFile(p, (int) Math.floorDiv(millis - epoch, cycle.lengthInMillis()), Files.size(p)));
            }
        } catch (IOException e) {
            throw new RegionException(
                    "cannot list journal " + journal + ": " + RegionException.reason(e, journal) + "; " + remedy(e), e);
        }
        out.sort(java.util.Comparator.comparingInt(QueueFile::cycle));
        return out;
    }

    private static DateTimeFormatter namesOf(RollCycle cycle) {
        return new DateTimeFormatterBuilder()
                .appendPattern(cycle.format())
                .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
                .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
                .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
                .toFormatter()
                .withZone(ZoneOffset.UTC);
    }

    private static int cycleOf(Path journal, long index) {
        try (SingleChronicleQueue queue = Chronicle.readOnlyQueue(journal)) {
            return queue.rollCycle().toCycle(index);
        }
    }

    private static long sizeOf(List<QueueFile> files) {
        long n = 0;
        for (QueueFile f : files) {
            n += f.bytes;
        }
        return n;
    }

    /**
     * Chronicle keeps the journal's lowest cycle in its metadata file; a writable open rescans the directory, so
     * readers opened later start at the first file left. (Readers opened before, and a crash in between, are handled
     * by {@link JournalReader}, which skips to the first cycle that exists.)
     */
    private static void refreshListing(Path journal) {
        try (SingleChronicleQueue q = Chronicle.writableQueue(journal, SyncMode.NONE)) {
            q.refreshDirectoryListing();
        } catch (Exception | AssertionError e) {
            // readers skip retired cycles on their own; the listing is refreshed by the next writer too
        }
    }

    /**
     * What to do when retention's own reading or writing failed: {@link RegionException#writeAccessRemedy} for an
     * access refused, else {@link #RERUN}.
     */
    private static String remedy(IOException e) {
        String access = RegionException.writeAccessRemedy(e);
        return access != null ? access : RERUN;
    }

    /**
     * Makes the archive's journal directory and copies the region's config (and call-site table) into it, before the
     * first file is retired. A failure retires nothing and is told as the archive's, with what to do: an archive
     * refused for want of access (another user's directory, a read-only disk) needs another archive, or none; it said
     * {@code retention stopped after 0 file(s)} and only the cause.
     */
    private static void prepareArchive(RegionLayout layout, Path archive) {
        try {
            copyIntoArchive(layout, archive);
        } catch (IOException e) {
            throw new RegionException(
                    "cannot prepare archive " + archive + ": " + RegionException.reason(e, archive)
                            + "; nothing was retired: "
                            + (RegionException.writeAccessRemedy(e) != null
                                    ? "give an archive directory this user may write, or none to delete the retired"
                                            + " files"
                                    : RERUN),
                    e);
        }
    }

    private static void copyIntoArchive(RegionLayout layout, Path archive) throws IOException {
        Files.createDirectories(archive.resolve(RegionLayout.JOURNAL));
        Path conf = archive.resolve(RegionLayout.CONFIG);
        if (!Files.exists(conf)) {
            Files.copy(layout.config(), conf);
        }
        // the call-site table, replaced whole: it only grows, and every site a retired record names was written to it
        // before that record (a torn last entry of a live writer's table is ignored by readers, as in the region)
        if (Files.isRegularFile(layout.sites())) {
            Path sites = archive.resolve(RegionLayout.SITES);
            Path tmp = archive.resolve("." + RegionLayout.SITES + ".tmp");
            Files.copy(layout.sites(), tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, sites, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, sites, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Archives {@code from} as {@code to}: a temporary sibling written and forced, renamed, and the archive's directory
     * forced, so that the archived file's name is on disk before the caller deletes the original. A failure deletes the
     * temporary file (on a full disk it would hold the space the next pass needs) and is thrown: the original stays.
     */
    private static void gzip(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
        try {
            try (InputStream in = Files.newInputStream(from);
                    OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                in.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Durable.replace(tmp, to);
            Durable.forceDirectory(to.getParent());
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the failure is thrown; a later pass writes the temporary file anew
            }
            throw e;
        }
    }

    /** What a command that writes to a region says of an archive it was given. */
    public static RegionException notARegion(Path archive) {
        return new RegionException(archive + " is an archive of retired journal files (written by `framejournal retain"
                + " --archive`), not a region: it cannot be opened for writing, recovered or checkpointed; audit, stats,"
                + " history, state, dump, diff, export and report read it as it is");
    }

    /** Whether {@code dir} is an archive retention wrote (a config and compressed queue files, no queue files). */
    public static boolean isArchive(Path dir) {
        Path journal = dir.resolve(RegionLayout.JOURNAL);
        if (!Files.isRegularFile(dir.resolve(RegionLayout.CONFIG)) || !Files.isDirectory(journal)) {
            return false;
        }
        // a plain loop, no stream or lambda: every read-only command asks this first, in a JVM just started
        boolean archived = false;
        try (var files = Files.newDirectoryStream(journal)) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (n.endsWith(".cq4")) {
                    return false;
                }
                archived |= n.endsWith(ARCHIVE_SUFFIX);
            }
            return archived;
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            return false;
        }
    }

    /**
     * Decompresses an archive into a new temporary region directory (config and journal, no slot table) for the
     * read-only commands; the caller deletes it. Nothing in the archive is changed.
     */
    public static Path expandArchive(Path archive) {
        try {
            Path tmp = StaleTemps.createTempDirectory("framejournal-archive");
            Files.copy(archive.resolve(RegionLayout.CONFIG), tmp.resolve(RegionLayout.CONFIG));
            if (Files.isRegularFile(archive.resolve(RegionLayout.SITES))) {
                Files.copy(archive.resolve(RegionLayout.SITES), tmp.resolve(RegionLayout.SITES));
            }
            Path journal = Files.createDirectories(tmp.resolve(RegionLayout.JOURNAL));
            try (var files = Files.list(archive.resolve(RegionLayout.JOURNAL))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String n = p.getFileName().toString();
                    if (!n.endsWith(ARCHIVE_SUFFIX) || n.startsWith(".")) {
                        continue;
                    }
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16)) {
                        Files.copy(in, journal.resolve(n.substring(0, n.length() - 3)));
                    } catch (IOException | RuntimeException damaged) {
                        throw new RegionException("archive file " + p + " is damaged: " + damaged.getMessage());
                    }
                }
            }
            return tmp;
        } catch (IOException e) {
            throw new RegionException("cannot read archive " + archive + ": " + RegionException.reason(e, archive), e);
        }
    }
}
