package io.framejournal.replay.analysis;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.JvmFlags;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A region opened for reading only: its config and status files are parsed, its journal is read through a
 * read-only {@link JournalReader}, and nothing here ever writes to it. Every problem is a {@link RegionException}.
 *
 * @param layout where the region keeps its parts
 * @param config its geometry
 * @param status its status, or {@code null} when the status file is missing or unreadable
 * @param statusProblem why the status could not be read, or {@code null}
 * @param origin        the directory the user named: the region, or an archive of retired journal files (then
 *                      {@code layout} is a temporary directory it was decompressed into)
 */
public record RegionInput(
        RegionLayout layout, RegionConfig config, RegionStatus status, String statusProblem, Path origin) {
    static {
        Chronicle.quiet();
    }

    /** Validates that {@code dir} is a region this build reads; does not open the journal yet. */
    public static RegionInput open(Path dir) {
        JvmFlags.require();
        if (io.framejournal.journal.Retention.isArchive(dir)) {
            return openArchive(dir);
        }
        RegionLayout layout = new RegionLayout(dir).requireRegion();
        RegionConfig config = RegionConfig.read(layout.config());
        io.framejournal.journal.JournalGeometryCheck.verifyIfReadable(layout.journal(), config);
        RegionStatus status = null;
        String problem = null;
        try {
            status = RegionStatus.read(layout.status());
        } catch (RegionException e) {
            problem = e.getMessage();
        }
        return new RegionInput(layout, config, status, problem, dir);
    }

    /**
     * An archive of retired journal files ({@code framejournal retain --archive}): decompressed into a temporary
     * region directory (deleted when the JVM exits) and read like a region without a slot table or status.
     */
    private static RegionInput openArchive(Path archive) {
        Path expanded = io.framejournal.journal.Retention.expandArchive(archive);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> io.framejournal.journal.Trees.deleteQuietly(expanded)));
        RegionLayout layout = new RegionLayout(expanded).requireRegion();
        RegionConfig config = RegionConfig.read(layout.config());
        return new RegionInput(layout, config, null, "an archive of retired journal files has no status", archive);
    }

    /** The same region with its status read again (as it is now: a writer may have closed it since); an archive as is. */
    public RegionInput statusNow() {
        if (archive()) {
            return this;
        }
        try {
            return new RegionInput(layout, config, RegionStatus.read(layout.status()), null, origin);
        } catch (RegionException e) {
            return new RegionInput(layout, config, null, e.getMessage(), origin);
        }
    }

    /**
     * For a region (not an archive) whose {@code region.status} is missing or unreadable, a one-line warning saying so
     * (it is then read as not closed cleanly, and where a clean close put the journal's end is unknown, so a journal
     * cut there cannot be told from a shorter one); else {@code null}.
     */
    public String statusWarning() {
        if (statusProblem == null || archive()) {
            return null;
        }
        return "region status unreadable (" + statusProblem + "): the region is taken as not closed cleanly, and"
                + " whether its journal ends where it was closed cannot be checked";
    }

    /** Whether this is an archive of retired journal files (no status, no slot table), read from a temporary copy. */
    public boolean archive() {
        return !layout.dir().equals(origin);
    }

    /** The directory the user named (an archive's own, not the temporary one it was read from). */
    public Path dir() {
        return origin;
    }

    public int nrSlots() {
        return config.nrSlots();
    }

    /** Whether the region was closed cleanly (or recovered) and nobody has it open for writing. */
    public boolean clean() {
        return status != null && status.clean();
    }

    /**
     * Whether the region is closed, as of now, with its journal ending at {@code lastIndex}: its status, read again,
     * says clean (closed by its writer, or recovered) and names {@code lastIndex} as where it was left. A follow caught
     * up there has nothing more to wait for (a recovery writes no REGION_CLOSE). An archive never is.
     */
    public boolean closedAt(long lastIndex) {
        if (archive() || lastIndex == io.framejournal.journal.JournalIndex.NONE) {
            return false;
        }
        RegionInput now = statusNow();
        return now.clean() && now.status().checkpoint() == lastIndex;
    }

    public boolean hasSlotTable() {
        return Files.isRegularFile(layout.slots());
    }

    /**
     * The region's call-site table, read and checked (never changed); empty when the region has none. Its
     * {@code problem()} says why reading it stopped early (a damaged or hostile table).
     */
    public io.framejournal.journal.SiteTable.Sites sites() {
        return io.framejournal.journal.SiteTable.read(layout.sites());
    }

    /** A read-only reader over the journal, positioned at its first event. */
    public JournalReader journal() {
        return JournalReader.open(layout.journal());
    }

    /** Slot index of a paddr, checked against this region. */
    public int slotOfPaddr(long paddr) {
        if (paddr < 0 || paddr % config.pageSize() != 0) {
            throw new RegionException(
                    "paddr " + Fmt.hex(paddr) + " is not page-aligned (page size " + config.pageSize() + ")");
        }
        if (paddr >= config.maxPaddr()) {
            throw new RegionException(
                    "paddr " + Fmt.hex(paddr) + " is outside the region (maxPaddr " + Fmt.hex(config.maxPaddr()) + ")");
        }
        return (int) (paddr / config.pageSize());
    }

    public int checkedFrame(long frame) {
        if (frame < 0 || frame >= config.nrSlots()) {
            throw new RegionException(
                    "frame " + frame + " is outside the region (frames 0.." + (config.nrSlots() - 1) + ")");
        }
        return (int) frame;
    }

    /** A journal event touches a slot in range, or names a region-wide/compound slot. */
    static boolean inRange(JournalEvent e, int nrSlots) {
        return e.slot >= 0 && e.slot < nrSlots;
    }
}
