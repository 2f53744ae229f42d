package io.framejournal.allocator;

import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.Chronicle;
import io.framejournal.journal.Durable;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.Interrupts;
import io.framejournal.journal.JournalEndCheck;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalGeometryCheck;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.JvmFlags;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.SiteTable;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Trees;
import io.framejournal.journal.WriterIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.SyncMode;

/**
 * A meta region: the slot table of {@code [0, maxPaddr)} in a memory-mapped Chronicle Map, its write-ahead journal
 * in a Chronicle Queue, and a versioned config, all in one directory. One process writes a region at a time.
 *
 * <pre>{@code
 * try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(64L << 20))) {
 *     FrameAllocOptions alloc = new FrameAllocOptions(region);
 *     try (Frame<NoMeta> frame = alloc.allocFrame(); Frame<NoMeta> twin = frame.clone()) {
 *         assert frame.referenceCount() == 2;
 *     }
 * }
 * }</pre>
 */
public final class MetaRegion implements AutoCloseable {
    static {
        Chronicle.quiet();
        // A class is initialized where it is first used, and a StackOverflowError in its static initializer marks it
        // unusable for the rest of the JVM's life (every later use: NoClassDefFoundError). RegionException compiles a
        // regular expression there, and its first use can come inside a call, on whatever stack the caller has left:
        // in the catch of an append that overflowed the stack. So it is initialized here, before any call.
        initialize(RegionException.class);
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RegionLayout layout;
    private final RegionConfig config;
    private final RegionLock lock;
    private final SlotTable table;
    private final JournalWriter journal;
    private final SlotEngine engine;
    private final LeakTracker leaks;
    /** The call-site table, open while the region is when leak detection is on; else {@code null}. */
    private final SiteTable sites;

    private final long session;
    /**
     * The config's geometry, as fields the calls read without dividing: {@code RegionConfig.nrSlots()} divides, and
     * the page size is a power of two (RegionConfig accepts 4096 only), so slot and paddr convert with shifts.
     */
    private final int nrSlots;

    private final long maxPaddr;
    private final int pageShift;
    private final long pageMask;
    private final AtomicLong handleIds = new AtomicLong();
    private final AtomicInteger listIds = new AtomicInteger();
    /**
     * The next-fit allocator's starting point: a hint (any value finds a free frame), so it is set with {@code lazySet}
     * (a release store, no store-load fence on the call's path).
     */
    final AtomicInteger allocCursor = new AtomicInteger();

    private RegionStatus status;
    private volatile boolean closed;

    private MetaRegion(
            RegionLayout layout,
            RegionConfig config,
            RegionLock lock,
            SlotTable table,
            RegionOptions options,
            RegionStatus previous)
            throws IOException {
        this.layout = layout;
        this.config = config;
        this.nrSlots = config.nrSlots();
        this.maxPaddr = config.maxPaddr();
        if (Integer.bitCount(config.pageSize()) != 1) {
            throw new RegionException("page size " + config.pageSize() + " is not a power of two");
        }
        this.pageShift = Integer.numberOfTrailingZeros(config.pageSize());
        this.pageMask = config.pageSize() - 1L;
        this.lock = lock;
        this.table = table;
        // the site table is checked first: a region refused for it is refused before the journal is touched
        this.sites = options.leakDetection() == LeakDetection.DISABLED
                ? null
                : SiteTable.openForAppend(layout.sites(), options.syncMode() != SyncMode.NONE);
        this.journal = openJournal(layout, options, sites);
        this.engine = new SlotEngine(
                table,
                journal,
                config.pageSize(),
                options.leakDetection(),
                sites == null ? null : new SiteCapture(sites));
        this.leaks = new LeakTracker(this, options.leakDetection());
        this.session = previous.session() + 1;
        long openIndex;
        try {
            openIndex = engine.marker(
                    EventKind.REGION_OPEN,
                    OpCode.REGION,
                    JournalEvent.NO_SLOT,
                    config.maxPaddr(),
                    config.pageSize(),
                    session,
                    (short) config.formatVersion());
        } catch (Exception | AssertionError e) {
            closeQuietly(journal);
            if (sites != null) {
                sites.close();
            }
            throw journalFailure(layout, e);
        }
        Checkpointer startedCheckpointer = null;
        RedoPointKeeper startedKeeper = null;
        try {
            this.status = previous.opened(openIndex);
            status.write(layout.status());
            WriterIdentity.claim(layout.dir(), status.session());
            journal.initializeForNewThreads(); // here, on this thread's stack, not on a caller's near its end
            startedCheckpointer = options.checkpoints() == null
                    ? null
                    : Checkpointer.start(layout, config.nrSlots(), options.checkpoints());
            startedKeeper = options.redoPointEvery() == null
                    ? null
                    : RedoPointKeeper.start(journal, layout.redoPoint(), layout.slots(), options.redoPointEvery());
        } catch (IOException | RuntimeException e) {
            // REGION_OPEN is journaled: the region cannot be left clean, but nothing of this session may outlive the
            // failed open (the caller closes the table and releases the lock)
            releaseSession(layout, startedKeeper, startedCheckpointer, journal, sites);
            throw new RegionException(
                    "cannot open region " + layout.dir() + " (" + RegionException.oneLine(e) + "); its journal has"
                            + " this session's REGION_OPEN, so it is left unclean: run `framejournal recover` on it"
                            + accessRemedy(e),
                    e);
        }
        this.checkpointer = startedCheckpointer;
        this.redoPoints = startedKeeper;
    }

    /** The background redo point keeper, or {@code null} when the region's options record no redo point. */
    private final RedoPointKeeper redoPoints;

    /** Redo points recorded in this session (0 when the options record none). */
    public long redoPointsWritten() {
        return redoPoints == null ? 0 : redoPoints.written();
    }

    /**
     * Why the redo point keeper's last try failed (it tries again every period, and this clears once a point is
     * written), or why it records no more points this session (the slot table could not be forced to disk: a later
     * flush would prove nothing about the writes that one lost), or {@code null} when all is well (also when there is
     * none). Still answered after {@link #close()}.
     */
    public String redoPointProblem() {
        return redoPoints == null ? null : redoPoints.problem();
    }

    /**
     * Records the redo point now rather than at the keeper's next period: the slot table is forced to disk, then the
     * point before which every call is in it is written to {@code redo.point}. For a writer that wants a short recovery
     * from a moment of its choosing (before a long pause, after a burst). Not cancellable: on an interrupted thread it
     * still records the point (with the interrupt status cleared meanwhile, set again for the caller).
     *
     * @return the point recorded (or the previous one, if no call ended since), {@code null} before any record
     * @throws IllegalStateException when the region is closed or its options record no redo point
     * @throws RegionException when the point cannot be recorded now (the keeper tries again at its next period), or
     *     at all any more in this session (the slot table could not be forced to disk once)
     */
    public io.framejournal.journal.RedoPoint recordRedoPoint() {
        ensureOpen();
        if (redoPoints == null) {
            throw new IllegalStateException(
                    "this region records no redo point: open it with RegionOptions.withRedoPoint(period)");
        }
        try {
            return redoPoints.keep();
        } catch (IOException | RuntimeException e) {
            if (closed) {
                // close() ran between the check above and the keeper (it stops the keeper and closes its files):
                // refused as any call after close is, not in the words of the keeper's internals
                throw new IllegalStateException(closedMessage(), e);
            }
            if (e instanceof IOException io) {
                throw new RegionException(
                        "cannot record the redo point of " + layout.dir() + ": " + RegionException.oneLine(io), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The keeper of the redo point, or {@code null}; for tests that must hold it while the region closes. */
    RedoPointKeeper redoPointKeeper() {
        return redoPoints;
    }

    /**
     * At a clean close, with every call drained: one last redo point at the last call, so that a crash of the next
     * session replays only that session's records.
     */
    private void finalRedoPoint() {
        if (redoPoints == null) {
            return;
        }
        try {
            redoPoints.keep();
        } catch (IOException | RuntimeException ignored) {
            // the previous point stays valid: recovery replays a little more
        } finally {
            redoPoints.close();
        }
    }

    /** The background checkpointer, or {@code null} when the region's options take no checkpoints. */
    private final Checkpointer checkpointer;

    /**
     * Stops the background checkpointer and takes a checkpoint at REGION_CLOSE, so the next replay starts there. That
     * checkpoint only shortens the next replay: one that cannot be written (a full disk) is skipped, reported by {@link
     * #checkpointProblem()}, and the region is still closed clean, its journal ending in REGION_CLOSE.
     */
    private void finalCheckpoint() {
        if (checkpointer == null) {
            return;
        }
        try {
            checkpointer.stop();
            checkpointer.catchUpFully();
            if (checkpointer.problem() == null || checkpointer.retrying()) {
                try {
                    checkpointer.checkpointNow();
                } catch (Checkpointer.OldFilesKept e) {
                    finalCheckpointFailure = "the checkpoint at close was taken, but removing the old files after"
                            + " it failed (" + e.getCause().getMessage() + "); they stay until a later checkpoint"
                            + " removes them: fix that and nothing else is needed";
                } catch (RegionException e) {
                    finalCheckpointFailure = "the checkpoint at close was not taken (the next replay starts at an"
                            + " older one): " + e.getMessage();
                }
            }
        } finally {
            checkpointer.close();
        }
    }

    /** Why the checkpoint at close could not be written, or {@code null}. */
    private volatile String finalCheckpointFailure;

    /**
     * Why the background checkpointer stopped, or why its last checkpoint failed while it retries (a full disk: it tries
     * again every period and this clears once one is written), or that its last checkpoint was taken but the old files
     * after it could not be removed (a later checkpoint removes them), or, after close, why the checkpoint at close was
     * not taken or its old files not removed; {@code null} when all is well (also when there is none).
     */
    public String checkpointProblem() {
        if (checkpointer == null) {
            return null;
        }
        String p = checkpointer.problem();
        return p != null ? p : finalCheckpointFailure;
    }

    /** Checkpoints the background checkpointer has written in this session. */
    public long checkpointsWritten() {
        return checkpointer == null ? 0 : checkpointer.checkpointsWritten();
    }

    private static JournalWriter openJournal(RegionLayout layout, RegionOptions options, SiteTable sites) {
        try {
            return JournalWriter.open(layout.journal(), options.syncMode(), options.pretouch());
        } catch (Exception | AssertionError e) {
            if (sites != null) {
                sites.close();
            }
            throw journalFailure(layout, e);
        }
    }

    /** A journal Chronicle cannot append to (damaged queue or table-store file) as a one-line RegionException. */
    static RegionException journalFailure(RegionLayout layout, Throwable e) {
        if (e instanceof RegionException) {
            return (RegionException) e;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException io) {
                // the system refused a file operation (no file descriptor, no space, no permission, an I/O error):
                // nothing says the files are damaged
                return new RegionException(
                        "cannot append to journal " + layout.journal() + " (" + RegionException.oneLine(io) + ")", e);
            }
        }
        return new RegionException(
                "cannot append to journal " + layout.journal() + " (" + RegionException.oneLine(e)
                        + "); its files are damaged: audit it, do not write to it",
                e);
    }

    private static void closeQuietly(JournalWriter journal) {
        try {
            journal.close();
        } catch (Exception | AssertionError ignored) {
            // already failing with the first error
        }
    }

    /** Creates a region in {@code dir} (absent or empty) with every frame free. */
    public static MetaRegion create(Path dir, RegionConfig config) {
        return create(dir, config, RegionOptions.defaults());
    }

    /**
     * Creates a region in {@code dir} (absent or empty) with every frame free, opened with {@code options}. Every
     * argument is checked before anything is written: a null one leaves the disk untouched.
     */
    public static MetaRegion create(Path dir, RegionConfig config, RegionOptions options) {
        requireDir(dir, "create");
        Objects.requireNonNull(config, "the region config is null: pass the config of the region to create");
        requireOptions(options);
        requireRetainArchive(dir, options);
        return Interrupts.deferredDuring(() -> createNow(dir, config, options)); // see open
    }

    private static MetaRegion createNow(Path dir, RegionConfig config, RegionOptions options) {
        JvmFlags.require(); // before anything touches the disk
        RegionLayout layout = new RegionLayout(dir);
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new RegionException(dir + " exists and is not a directory");
                }
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new RegionException(dir + " already exists and is not empty; pick a new directory");
                    }
                }
            }
            checkDiskSpace(dir, config);
            buildAtomically(dir, config);
            RegionLock lock = RegionLock.acquire(layout.lock(), dir);
            try {
                SlotTable table = SlotTable.open(layout.slots(), config.nrSlots(), false);
                try {
                    return new MetaRegion(layout, config, lock, table, options, RegionStatus.read(layout.status()));
                } catch (RuntimeException | IOException e) {
                    table.close();
                    throw e;
                }
            } catch (RuntimeException | IOException e) {
                lock.close();
                undoCreation(layout);
                throw e;
            }
        } catch (IOException e) {
            throw new RegionException("cannot create region " + dir + ": " + RegionException.reason(e, dir), e);
        }
    }

    /**
     * Builds the region's files (config, a slot table with every frame free, an empty journal directory, a clean
     * status) in a temporary sibling directory and renames it into place, so a kill during creation leaves either
     * nothing at {@code dir} or a whole region (and at worst a {@code .name.creating-PID} sibling to delete).
     */
    private static void buildAtomically(Path dir, RegionConfig config) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String staging = "." + dir.getFileName() + ".creating-";
        Path temp = parent.resolve(staging + ProcessHandle.current().pid());
        Trees.delete(temp);
        // what a creation of this region that was killed left (each named with its process id)
        io.framejournal.journal.StaleTemps.deleteOfDeadProcesses(
                parent, java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(staging) + "(\\d+)$"));
        RegionLayout t = new RegionLayout(temp);
        try {
            Files.createDirectories(t.journal());
            try (SlotTable table = SlotTable.create(t.slots(), config.nrSlots())) {
                table.nrSlots(); // created and closed: every slot free
            }
            config.write(t.config());
            new RegionStatus(true, 0, -1).write(t.status());
            Files.move(temp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Trees.delete(temp);
            throw e;
        }
    }

    /**
     * After the first open of a region this call created failed: when nothing was journaled (no queue file, as when
     * the first one could not be created: no file descriptor left, a disk filled since the creation's check), the
     * region is deleted, as a creation that failed leaves nothing. Left, it was refused by every command, {@code
     * recover} included, for want of a journal file. A region with a queue file is kept for {@code recover}.
     */
    private static void undoCreation(RegionLayout layout) {
        if (io.framejournal.journal.JournalReader.hasQueueFiles(layout.journal())) {
            return;
        }
        try {
            Trees.delete(layout.dir());
        } catch (IOException | RuntimeException ignored) {
            // the open's failure is what is reported; what is left is refused as before
        }
    }

    private static void requireDir(Path dir, String what) {
        Objects.requireNonNull(dir, () -> "the region directory is null: pass the directory of the region to " + what);
    }

    private static void requireOptions(RegionOptions options) {
        Objects.requireNonNull(options, "the region options are null: leave them out to get the defaults");
    }

    /**
     * An archive for the checkpointer's retention that it could never use (inside the region, or not a directory) is
     * refused before anything is written, not found by the background thread after the first checkpoint.
     */
    private static void requireRetainArchive(Path dir, RegionOptions options) {
        Checkpointer.Policy policy = options.checkpoints();
        if (policy != null && policy.retain() != null) {
            io.framejournal.journal.Retention.checkArchive(dir, policy.retain().archive());
        }
    }

    /** Bytes of slot table per frame, measured (Chronicle Map's entry plus its share of the segment tiers). */
    private static final long SLOT_TABLE_BYTES_PER_FRAME = 112;

    /**
     * The slot table is written whole at creation (every frame's value), so the disk must hold it: a region of a
     * size the disk cannot take is refused up front with what it needs, instead of filling the disk.
     */
    private static void checkDiskSpace(Path dir, RegionConfig config) throws IOException {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long need = config.nrSlots() * SLOT_TABLE_BYTES_PER_FRAME + (1L << 20);
        long free = Files.getFileStore(existing).getUsableSpace();
        if (free < need) {
            throw new RegionException("a region of " + config.nrSlots() + " frames (maxPaddr 0x"
                    + Long.toHexString(config.maxPaddr()) + ") needs about " + (need >> 20)
                    + " MiB of disk for its slot"
                    + " table, and " + existing + " has " + (free >> 20) + " MiB free: choose a smaller maxPaddr or"
                    + " another disk");
        }
    }

    /** Opens a region that was closed cleanly; its state and journal continue. */
    public static MetaRegion open(Path dir) {
        return open(dir, RegionOptions.defaults());
    }

    /** Opens a region that was closed cleanly with {@code options}; null arguments are refused before any file is read. */
    public static MetaRegion open(Path dir, RegionOptions options) {
        requireDir(dir, "open");
        requireOptions(options);
        requireRetainArchive(dir, options);
        // opening reads and writes files through FileChannels, which an interrupt closes under it: on a thread whose
        // interrupt status is set, it would fail as if the slot table were damaged. Opening is not cancellable (nor
        // are create and recover): it runs with the status cleared and sets it again for the caller
        return Interrupts.deferredDuring(() -> openNow(dir, options));
    }

    private static MetaRegion openNow(Path dir, RegionOptions options) {
        JvmFlags.require(); // before anything touches the disk
        RegionLayout layout = new RegionLayout(dir).requireWritableRegion();
        RegionConfig config = RegionConfig.read(layout.config());
        config.requireWritable(dir);
        RegionLock lock = RegionLock.acquire(layout.lock(), dir);
        try {
            RegionStatus status = RegionStatus.read(layout.status());
            if (!status.clean()) {
                String writer = io.framejournal.journal.WriterIdentity.describe(dir);
                if (writer != null && writer.endsWith(", this process)")) {
                    // the region's lock was free, so the MetaRegion that had it open here is gone: dropped unclosed
                    io.framejournal.journal.WriterIdentity.forgetHere(dir);
                    throw new RegionException("region " + dir + " was opened by this process and never closed: a"
                            + " MetaRegion dropped without close() (collecting it released its lock); close every"
                            + " region you open, and run MetaRegion.recover(dir, false) (`framejournal recover " + dir
                            + "`) first");
                }
                throw new RegionException("region " + dir + " was not closed cleanly (its writer died?); run"
                        + " `framejournal recover " + dir + "` first");
            }
            JournalGeometryCheck.verify(layout.journal(), config);
            JournalEndCheck.verifyEndsAt(layout.journal(), status.checkpoint());
            SlotTable table = SlotTable.open(layout.slots(), config.nrSlots(), false);
            try {
                return new MetaRegion(layout, config, lock, table, options, status);
            } catch (RuntimeException | IOException e) {
                table.close();
                throw e;
            }
        } catch (IOException e) {
            lock.close();
            throw new RegionException(
                    "cannot open region " + dir + ": " + RegionException.reason(e, dir) + accessRemedy(e), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Recovers a region whose writer died: replays the journal from its newest usable checkpoint, or its start (each
     * record is one whole call), brings every slot of the table to the replay's state (redo of a dead writer's last
     * calls; slots ahead of the journal or disagreeing with it are repaired and reported) and marks the region clean.
     * Only the records from where the replay starts are read: one damaged before that checkpoint is not seen ({@link
     * RecoveryReport#journalReadWhole()} says whether every record was read; an audit reads them all). A journal that
     * does not read to its end is refused with nothing changed (see {@link #recover(Path, boolean, boolean)} to salvage it). With
     * {@code reclaim}, also releases everything the dead process held.
     */
    public static RecoveryReport recover(Path dir, boolean reclaim) {
        return recover(dir, reclaim, false);
    }

    /**
     * {@link #recover(Path, boolean)}, and with {@code salvage} a journal that does not read to its end is cut at the
     * last record that checks: the records before it are kept (same indices), the damaged journal is moved aside
     * whole, the slot table is rebuilt from the kept records, and a report file says what was dropped. Without it,
     * such a region is refused and nothing is changed.
     */
    public static RecoveryReport recover(Path dir, boolean reclaim, boolean salvage) {
        return recover(dir, reclaim, salvage, false);
    }

    /**
     * {@link #recover(Path, boolean, boolean)}. A region whose writer recorded a redo point ({@link
     * RegionOptions#withRedoPoint}) newer than its newest checkpoint is recovered from it: the table is trusted up to
     * the point (it was forced to disk there; every slot is still checked structurally) and only the journal after it
     * is replayed, each slot it touches checked against the journal's chain; the records before the point are not
     * read, so a record damaged there is not seen. {@code verifyAll} ignores the redo point and compares every slot with
     * a replay from the newest checkpoint (what recovery does anyway whenever the redo point cannot be used), and also
     * reads and checks every record before that checkpoint: damage there is named in {@link
     * RecoveryReport#damageBeforeStart()} and left as it is (recovery does not need those records), and the report
     * counts as damage found.
     */
    public static RecoveryReport recover(Path dir, boolean reclaim, boolean salvage, boolean verifyAll) {
        requireDir(dir, "recover");
        JvmFlags.require(); // before anything touches the disk
        // see open: an interrupt must not pass for a damaged slot table
        return Interrupts.deferredDuring(() -> RegionRecovery.recover(dir, reclaim, salvage, verifyAll));
    }

    public RegionConfig config() {
        return config;
    }

    public Path dir() {
        return layout.dir();
    }

    public long session() {
        return session;
    }

    /** Index of the last event in the journal; refused once the region is closed. */
    public long lastJournalIndex() {
        ensureOpen();
        return journal.lastIndex();
    }

    /** The slot owning {@code paddr}, readable: status and usage as enums (a consistent copy). */
    public SlotView slot(long paddr) {
        return SlotView.of(slotOf(paddr), config.pageSize(), slotState(paddr));
    }

    /** A consistent copy of the slot owning {@code paddr}. */
    public SlotState slotState(long paddr) {
        ensureOpen();
        return engine.snapshot(slotOf(paddr), new SlotState());
    }

    /**
     * A consistent copy of slot {@code slot} into {@code into}.
     *
     * @throws IllegalArgumentException when {@code slot} is not in {@code [0, config().nrSlots())}
     */
    public SlotState slotStateAt(int slot, SlotState into) {
        Objects.requireNonNull(into, "the slot state to copy into is null: pass a new SlotState()");
        if (slot < 0 || slot >= nrSlots) {
            throw new IllegalArgumentException(
                    "slot " + slot + " is not a slot of this region: its slots are 0.." + (nrSlots - 1));
        }
        ensureOpen();
        return engine.snapshot(slot, into);
    }

    /**
     * Slot index of a page-aligned paddr inside the region; unchecked use is a programming error. A pure computation
     * from the region's config: it reads no slot, so it still answers after {@link #close()}.
     */
    public int slotOf(long paddr) {
        if ((paddr & pageMask) != 0 || paddr < 0 || paddr >= maxPaddr) {
            throw new IllegalArgumentException("paddr 0x" + Long.toHexString(paddr) + " is not a frame of this region");
        }
        return (int) (paddr >>> pageShift);
    }

    /** The seed's checks, in its order: NotAligned, then OutOfBound. */
    int checkedSlot(long paddr) throws GetFrameException {
        if ((paddr & pageMask) != 0) {
            throw new GetFrameException(GetFrameError.NOT_ALIGNED, paddr);
        }
        if (paddr < 0 || paddr >= maxPaddr) {
            throw new GetFrameException(GetFrameError.OUT_OF_BOUND, paddr);
        }
        return (int) (paddr >>> pageShift);
    }

    long paddrOf(int slot) {
        return (long) slot << pageShift;
    }

    /** Frames in the region ({@code config().nrSlots()}, without its division). */
    int nrSlots() {
        return nrSlots;
    }

    SlotEngine engine() {
        return engine;
    }

    SlotTable table() {
        return table;
    }

    LeakTracker leaks() {
        return leaks;
    }

    public LeakDetection leakDetection() {
        return leaks.level();
    }

    /**
     * A new handle id: the session in the high bits, a number unique in the session below. Each thread takes numbers
     * from {@link #handleIds} a block at a time ({@link SlotEngine#nextHandleNumber}), so a call draws its handle's id
     * without an atomic instruction; one thread alone gets 1, 2, 3, ... as before.
     */
    long nextHandleId() {
        return (session << 40) | engine.nextHandleNumber(handleIds);
    }

    /**
     * A new list id: the session's low 15 bits over a number that wraps every 65,536 lists of the session (ids of
     * lists long gone are reused). The number is never 0, so no id is 0, which a slot's {@code inList} reads as "on no
     * list" (session 32,768's 65,536th list had id 0, and its frames could be pushed on a second list).
     */
    int nextListId() {
        int n;
        do {
            n = listIds.incrementAndGet() & 0xffff;
        } while (n == 0);
        return (int) (((session & 0x7fff) << 16) | n);
    }

    /** {@code region}, refused when null with what to pass (the static factories' first check). */
    static MetaRegion require(MetaRegion region) {
        return Objects.requireNonNull(region, "the region is null: pass the open region the frames belong to");
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(closedMessage());
        }
    }

    /** What a call on this region after {@link #close()} is told. */
    private String closedMessage() {
        return "region " + layout.dir() + " is closed";
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why this region stopped taking calls (a journal append failed), or {@code null} while it is healthy. */
    public String failure() {
        return engine.failure();
    }

    void journalLeak(int slot, int pages, long handleId, OpCode mintOp, int site) {
        synchronized (this) {
            if (closed || engine.failure() != null) {
                return; // the ledger still shows the obligation; audit reports it
            }
            engine.marker(
                    EventKind.LEAKED_HANDLE,
                    OpCode.LEAK_DETECTOR,
                    slot,
                    pages,
                    mintOp.code(),
                    handleId,
                    (short) 0,
                    site);
        }
    }

    private void closeSites() {
        if (sites != null) {
            sites.close();
        }
    }

    /** How long {@link #close()} waits for the calls in flight on other threads. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /**
     * Refuses new calls, waits for the calls in flight (segment calls included: each is one record), journals
     * REGION_CLOSE, closes journal and slot table, forces both to disk (whatever the sync mode: a region closed clean
     * survives a power loss) and marks the region clean. Live handles stay leaked. A region whose
     * journal failed (an append threw) is closed without REGION_CLOSE and stays unclean: recover it. Waits up to
     * {@link #CLOSE_WAIT} for the calls in flight; see {@link #close(Duration)}.
     */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /**
     * {@link #close()}, waiting at most {@code wait} for calls in flight on other threads (a segment's metadata function
     * that blocks, say). When they have not finished by then it throws {@link IllegalStateException} and the region
     * stays open for writing: new calls are refused, the calls in flight go on and are journaled, the region's lock is
     * kept (so no other writer can open it meanwhile), and a later {@code close} finishes the job. A zero or negative
     * {@code wait} does not wait (the region closes only if no call is in flight), one too long to count in nanoseconds
     * waits for as long as the calls take; a {@code null} one is refused before anything is done, the region still open.
     */
    public void close(Duration wait) {
        Objects.requireNonNull(
                wait,
                "the wait is null: pass how long close may wait for the calls in flight"
                        + " (MetaRegion.CLOSE_WAIT, or use close())");
        long waitNanos = nanosOf(wait); // before anything changes: a wait that cannot be counted must not half-close
        if (!closed && engine.callingThreadInsideCall()) {
            throw new IllegalStateException("close() of region " + layout.dir() + " was called from inside a call on it"
                    + " on the same thread (from a segment's metadata function): that call would never end; close the"
                    + " region after it");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // closing writes files (the last redo point, the last checkpoint, region.status) through FileChannels, which an
        // interrupt would close under it: a thread stopped with an interrupt still closes its region clean, and keeps
        // the interrupt
        boolean interrupted = Interrupts.clear();
        try {
            engine.refuseWith(closedMessage());
            if (!engine.shutdown(waitNanos)) {
                long waitedMs = waitNanos / 1_000_000;
                engine.refuseWith("region " + layout.dir() + " is closing: close() timed out after " + waitedMs
                        + " ms waiting for calls in flight, and new calls are refused; close it again once they end");
                synchronized (this) {
                    closed = false; // not closed: a later close() finishes it
                }
                throw new IllegalStateException("threads are still inside calls on region " + layout.dir() + " after "
                        + waitedMs + " ms; it stays open (its lock held, new calls refused): let those calls"
                        + " finish, then close it again");
            }
            try {
                if (engine.failure() != null) {
                    releaseUnclean();
                } else {
                    closeClean();
                }
            } finally {
                lock.close();
            }
        } finally {
            Interrupts.restore(interrupted);
        }
    }

    /** {@code wait} in nanoseconds: 0 for a negative one, {@code Long.MAX_VALUE} (no deadline) for one too long. */
    private static long nanosOf(Duration wait) {
        if (wait.isNegative()) {
            return 0;
        }
        try {
            return wait.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** Journals REGION_CLOSE, takes the last redo point and checkpoint, closes everything and marks the region clean. */
    private void closeClean() {
        boolean clean = false;
        try {
            finalRedoPoint();
            long closeIndex = engine.closingMarker(EventKind.REGION_CLOSE, OpCode.REGION, session);
            finalCheckpoint();
            journal.close();
            // the clean mark vouches for the journal up to REGION_CLOSE: its pages go to disk first, whatever the sync
            // mode (NONE forces nothing while the region runs), or a power loss could keep the mark and the forced
            // table below and lose journal pages under them, a hole open would not see (it checks the journal's end)
            journal.forceWritten();
            closeSites();
            table.close();
            // the clean mark says the table is its journal's state: the table's pages go to disk first, or a power
            // loss could keep the mark and lose them, and open would trust a table behind its journal
            Durable.forceFile(layout.slots());
            status = status.closed(closeIndex);
            status.write(layout.status());
            WriterIdentity.release(layout.dir());
            clean = true;
        } catch (IOException e) {
            throw new RegionException(
                    "cannot mark region " + layout.dir() + " clean (" + RegionException.oneLine(e)
                            + "); it stays unclean: run `framejournal recover` on it" + accessRemedy(e),
                    e);
        } finally {
            if (!clean) {
                releaseUnclean(); // whatever failed, no thread or mapping of the region outlives close()
            }
        }
    }

    /**
     * {@code "; " +} {@link RegionException#writeAccessRemedy} for a failure of the region's own files refused for want
     * of access ({@code region.status}, {@code region.writer}), which the {@code recover} advised would meet as well;
     * else nothing (the cause says what to fix). A {@link RegionException} already says what to do.
     */
    private static String accessRemedy(Exception e) {
        String access = e instanceof IOException ? RegionException.writeAccessRemedy(e) : null;
        return access == null ? "" : "; " + access;
    }

    /** Stops the background threads and closes journal, call-site table and slot table; the region stays unclean. */
    private void releaseUnclean() {
        releaseSession(layout, redoPoints, checkpointer, journal, sites);
        table.close();
    }

    /**
     * Stops a session's background threads (redo point keeper, checkpointer: either may be {@code null}, not started),
     * forgets that this process has the region open, and closes the journal and the call-site table ({@code null}
     * when there is none); the region stays unclean. What a close that cannot mark the region clean and an open that
     * failed after REGION_OPEN both release; the slot table and the lock stay the caller's. Throws nothing: the caller
     * is already failing, or must go on closing the rest.
     */
    private static void releaseSession(
            RegionLayout layout,
            RedoPointKeeper keeper,
            Checkpointer checkpointer,
            JournalWriter journal,
            SiteTable sites) {
        if (keeper != null) {
            keeper.close();
        }
        WriterIdentity.forgetHere(layout.dir());
        if (checkpointer != null) {
            try {
                checkpointer.close();
            } catch (RuntimeException ignored) {
                // closing the rest matters more; the region is unclean already (an open fails with its first cause)
            }
        }
        closeQuietly(journal);
        if (sites != null) {
            sites.close();
        }
    }
}
