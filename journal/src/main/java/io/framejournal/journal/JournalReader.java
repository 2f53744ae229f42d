package io.framejournal.journal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Streams a journal's events, with their indices, from a read-only queue. Reads format 2 (one record per call, checked
 * once as a whole, its events handed out one by one) and format 1 (one event per record). A record that fails
 * validation, a format-2 sequence number that does not follow its predecessor (a record skipped, duplicated or
 * reordered, whatever Chronicle's framing says), or a queue file Chronicle cannot parse ends the stream;
 * {@link #stopReason()} then says where and why, so a report can cover the readable prefix and name where reading
 * stopped.
 *
 * <p>Reading is sequential through Chronicle's tailer, with a fast path: once the tailer has read a record from a queue
 * file, the following documents of that file are read straight from a read-only mapping of it ({@link
 * MappedQueueFile}): a complete data document (Chronicle's 4-byte header: length, no metadata or not-complete bit) is
 * checked exactly as one from the tailer, in place in the mapping (no copy; see {@link RecordDecoder}), a complete
 * metadata document (an index page) is skipped as the tailer skips it. Anything else (an empty or incomplete header,
 * the end-of-file marker that leads to the next cycle,
 * a document that reaches past the file's length, a cut file's tail, an oversized length) hands over to the tailer,
 * positioned after the last record read, which then decides exactly as it would have had it read every record itself.
 * {@link #openThroughTailer} reads through the tailer only: the reference the fast path is tested against.
 */
public final class JournalReader implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final boolean fastPath;
    /** The queue file of the last record read, mapped for the fast path; {@code null} before the first record. */
    private MappedQueueFile mapped;
    /** Whether the next document is read from {@link #mapped} at {@link #fastPos}. */
    private boolean fast;
    /** File offset where the fast path looks for the next document header. */
    private long fastPos;
    /** Whether Chronicle aligns document headers to 4 bytes in the mapped file (its wire's padding). */
    private boolean padding;
    /** Whether the tailer stands right after the last record read (false once the fast path has read past it). */
    private boolean tailerSynced = true;
    /** The index the tailer was last moved to ({@link JournalIndex#NONE}: the start), for re-walking to a record. */
    private long origin = JournalIndex.NONE;

    private String stopReason;
    private long lastGoodIndex = JournalIndex.NONE;
    private long count;
    private long records;
    private long lastGoodHeader = -1;
    private long lastGoodEnd = -1;
    private int lastGoodCycle;
    private long bytesRead;
    private byte[] bytes = new byte[256];
    private int length;
    /** Whether the last record read is format 1 (one event, no decoder). */
    private boolean recordV1;
    /**
     * Whether the last record read was decoded in place from {@link #mapped} at {@link #recordAt} ({@link #bytes} does
     * not hold it until {@link #recordBytes} copies it there).
     */
    private boolean recordInMapping;

    private long recordAt;
    private final RecordDecoder decoder = new RecordDecoder();
    /** A checked format-2 record whose events are being handed out. */
    private boolean inRecord;
    /** The sequence number the next format-2 record must carry, or -1 when not known (start, after a seek). */
    private long expectedSeq = -1;

    /** The private copy of a journal with a cut queue file that this reader reads (see paddedView), or null. */
    private final Path view;
    /** The journal directory {@link #view} stands for: where the lengths of its queue files are measured. */
    private final Path viewOf;

    private JournalReader(SingleChronicleQueue queue, boolean fastPath, Path paddedView, Path journalDir) {
        this.queue = queue;
        this.view = paddedView;
        this.viewOf = journalDir;
        this.tailer = queue.createTailer();
        this.fastPath = fastPath;
        tailer.singleThreadedCheckDisabled(true);
        skipRetiredStart();
    }

    /**
     * A journal whose first files were retired while Chronicle's metadata still names them (a crash between
     * retention's delete and its refresh of the listing): start at the first cycle that exists instead of reading
     * nothing.
     */
    private void skipRetiredStart() {
        try {
            int first = queue.firstCycle();
            if (first == Integer.MAX_VALUE || first < 0) {
                return;
            }
            var store = queue.storeForCycle(first, queue.epoch(), false, null);
            if (store != null) {
                store.close();
                return;
            }
            int next = queue.nextCycle(first, net.openhft.chronicle.queue.TailerDirection.FORWARD);
            if (next != Integer.MIN_VALUE && next >= 0) {
                tailer.moveToCycle(next);
            }
        } catch (Exception | AssertionError e) {
            // the first read reports what is wrong
        }
    }

    /** Opens a region's journal directory read-only; a missing or unreadable journal is a {@link RegionException}. */
    public static JournalReader open(Path journalDir) {
        return open(journalDir, true);
    }

    /**
     * The same reader without the mapped fast path: every document through Chronicle's tailer. Gives the same events,
     * indices and stop reasons as {@link #open}, only slower; the reference that tests compare the fast path with.
     */
    public static JournalReader openThroughTailer(Path journalDir) {
        return open(journalDir, false);
    }

    private static JournalReader open(Path journalDir, boolean fastPath) {
        if (!Files.isDirectory(journalDir)) {
            throw new RegionException(journalDir + " is not a journal directory");
        }
        if (!hasQueueFiles(journalDir)) {
            throw new RegionException(journalDir + " holds no journal files (*.cq4)");
        }
        Path view = null;
        SingleChronicleQueue queue = null;
        try {
            view = paddedView(journalDir);
            queue = view == null
                    ? Chronicle.readOnlyQueue(journalDir)
                    : Chronicle.readOnlyQueue(view, JournalCycle.ofJournalDir(journalDir));
            return new JournalReader(queue, fastPath, view, journalDir);
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            if (queue != null) {
                queue.close();
            }
            deleteView(view);
            throw new RegionException("cannot open journal " + journalDir + ": " + RegionException.oneLine(e));
        }
    }

    /**
     * Chronicle maps a queue file read-only in whole blocks ({@link Chronicle#QUEUE_BLOCK_SIZE} plus the overlap)
     * whatever the file's length, and scans it on its own (the queue's last index, index lookups, linear scans) before
     * any check of ours. In a file cut short (a power loss, a truncation) those pages past its end fault (SIGBUS): the
     * JVM lets the faulting load go on with an undefined value and throws an InternalError only later, so Chronicle
     * goes on with a garbage length or position in between (mapping chunks gigabytes away, leaving monitors held, and
     * more than once the JVM crashed soon after). So no cut file is ever handed to Chronicle: a journal with one is
     * read through a private directory where each cut file is a copy padded with zeros to the length Chronicle gives
     * its files (sparse; zeros read as "nothing written yet", as the unwritten tail of any queue file does) and every
     * other file is a link to the original. Deleted on {@link #close()}.
     *
     * @return the private directory, or {@code null} when no queue file is cut
     */
    static Path paddedView(Path journalDir) {
        java.util.List<Path> files;
        try (var s = Files.list(journalDir)) {
            files = s.toList();
        } catch (java.io.IOException e) {
            throw new RegionException("cannot list " + journalDir + ": " + RegionException.reason(e, journalDir));
        }
        if (!anyCut(files)) {
            return null;
        }
        // A writer that is creating a queue file this instant has not extended it to Chronicle's length yet: look
        // again a moment later, so that a live journal's new file is read in place (a cut one stays cut)
        java.util.concurrent.locks.LockSupport.parkNanos(CUT_RECHECK_NANOS);
        if (!anyCut(files)) {
            return null;
        }
        Path view = null;
        try {
            view = StaleTemps.createTempDirectory("framejournal-journal");
            for (Path f : files) {
                Path to = view.resolve(f.getFileName().toString());
                if (isCut(f)) {
                    Files.copy(f, to);
                    try (var raf = new java.io.RandomAccessFile(to.toFile(), "rw")) {
                        raf.setLength(wholeLength(Files.size(to)));
                    }
                } else {
                    Files.createSymbolicLink(to, f.toAbsolutePath());
                }
            }
            return view;
        } catch (java.io.IOException e) {
            deleteView(view);
            throw new RegionException("cannot read journal " + journalDir + ": a queue file is cut and a padded copy"
                    + " of it could not be made (" + RegionException.oneLine(e) + ")");
        }
    }

    private static final long CUT_RECHECK_NANOS = 20_000_000L;

    /** Whether any of these is a cut queue file. */
    private static boolean anyCut(java.util.List<Path> files) {
        for (Path f : files) {
            if (isCut(f)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code f} is a queue file whose length is not a whole Chronicle length. */
    private static boolean isCut(Path f) {
        return f.getFileName().toString().endsWith(".cq4")
                && Files.isRegularFile(f)
                && !wholeFile(f.toFile().length());
    }

    /** The smallest length Chronicle gives a queue file (whole blocks plus the overlap) of at least {@code length}. */
    static long wholeLength(long length) {
        long overlap = Chronicle.QUEUE_BLOCK_SIZE / 4;
        long blocks = Math.max(
                1, (Math.max(0, length - overlap) + Chronicle.QUEUE_BLOCK_SIZE - 1) / Chronicle.QUEUE_BLOCK_SIZE);
        return blocks * Chronicle.QUEUE_BLOCK_SIZE + overlap;
    }

    private static void deleteView(Path view) {
        Trees.deleteQuietly(view); // a temporary directory: nothing of the region
    }

    /** Whether a directory holds any queue file ({@code *.cq4}). */
    public static boolean hasQueueFiles(Path journalDir) {
        if (!Files.isDirectory(journalDir)) {
            return false;
        }
        try (var files = Files.list(journalDir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".cq4"));
        } catch (java.io.IOException e) {
            throw new RegionException("cannot list " + journalDir + ": " + RegionException.reason(e, journalDir));
        }
    }

    /** Positions the reader so the next event read is the one at {@code index} (or the first after it). */
    public boolean moveTo(long index) {
        inRecord = false;
        expectedSeq = -1;
        fast = false;
        tailerSynced = true;
        origin = index;
        try {
            return tailer.moveToIndex(index);
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            stopReason = "cannot seek to index " + JournalIndex.format(index) + ": " + RegionException.oneLine(e);
            return false;
        }
    }

    /**
     * Positions the reader just past the record at {@code index} after checking that it is the record a checkpoint was
     * taken at (same sequence number and stored CRC-32C), so that {@link #next} continues with the following record and
     * the sequence check armed. The counts ({@link #recordsRead()}, {@link #eventsRead()}, {@link #bytesRead()}) start
     * from zero there.
     *
     * @return {@code null}, or why the journal cannot be resumed there (then open a new reader)
     */
    public String resumeAfter(long index, long seq, int crc) {
        if (!moveTo(index)) {
            return stopReason != null
                    ? stopReason
                    : "the journal no longer holds index " + JournalIndex.format(index) + " (retired or salvaged away)";
        }
        JournalEvent first = new JournalEvent();
        if (!next(first)) {
            return "the record at index " + JournalIndex.format(index) + " is unreadable"
                    + (stopReason == null ? "" : ": " + stopReason);
        }
        if (first.index != index || first.version != RecordFormat.VERSION) {
            return "the journal holds no format-2 record at index " + JournalIndex.format(index);
        }
        if (decoder.seq() != seq || decoder.storedCrc() != crc) {
            return "the record at index " + JournalIndex.format(index) + " (sequence number " + decoder.seq()
                    + ") is not the one the checkpoint or redo point names (sequence number " + seq + ")";
        }
        inRecord = false;
        count = 0;
        records = 0;
        bytesRead = 0;
        return null;
    }

    /**
     * Positions the reader at the record at {@code index} after checking that it is the record a redo point names (same
     * sequence number and stored CRC-32C), so that {@link #next} hands out that record first. Counts start from zero.
     *
     * @return {@code null}, or why the journal cannot be resumed there
     */
    public String resumeAt(long index, long seq, int crc) {
        String why = resumeAfter(index, seq, crc);
        if (why != null) {
            return why;
        }
        if (!moveTo(index)) {
            return "cannot return to index " + JournalIndex.format(index)
                    + (stopReason == null ? "" : ": " + stopReason);
        }
        count = 0;
        records = 0;
        bytesRead = 0;
        return null;
    }

    /**
     * Whether the last event handed out was the last of its record (always so for format 1): a replay may stop, or be
     * saved in a checkpoint, only there.
     */
    public boolean atRecordEnd() {
        return !inRecord || decoder.exhausted();
    }

    /** The stored CRC-32C of the record the last event came from (format 2), or 0. */
    public int recordCrc() {
        return length > 0 && !recordV1 ? decoder.storedCrc() : 0;
    }

    /**
     * Reads the next event into {@code into}.
     *
     * @return false at the end of the journal or where reading stopped (then {@link #stopReason()} is set)
     */
    public boolean next(JournalEvent into) {
        for (; ; ) {
            if (inRecord) {
                try {
                    if (decoder.next(into)) {
                        count++;
                        return true;
                    }
                } catch (RuntimeException | InternalError e) {
                    return stopInRecord(e);
                }
                inRecord = false;
            }
            int read = readRecord(into);
            if (read == EVENT) {
                count++; // format 1: its one event is in into
                return true;
            }
            if (read != RECORD) {
                return false;
            }
            // a checked format-2 record (at least one event): its events follow
        }
    }

    /** {@link #nextWhole}: the journal ended or reading stopped ({@link #stopReason()}). */
    public static final int NOTHING = 0;
    /** {@link #nextWhole}: one event is in the event given (a format-1 record, or the rest of a record started). */
    public static final int ONE_EVENT = 1;
    /** {@link #nextWhole}: {@link #decoder()} holds a checked format-2 record, none of its events handed out. */
    public static final int WHOLE_RECORD = 2;

    /**
     * For a caller that applies a format-2 record whole ({@link ReplayState#replay}, {@link LedgerReplay#applyRead}):
     * reads the next record and leaves it, checked, in {@link #decoder()}; its events count as read, and
     * {@link #lastGoodIndex()} is its index. A format-1 record (one event) is read into
     * {@code into}, as are the events left of a record that {@link #next} started.
     *
     * @return {@link #WHOLE_RECORD}, {@link #ONE_EVENT} or {@link #NOTHING}
     */
    public int nextWhole(JournalEvent into) {
        if (inRecord) {
            return next(into) ? ONE_EVENT : NOTHING;
        }
        int read = readRecord(into);
        if (read == EVENT) {
            count++;
            return ONE_EVENT;
        }
        if (read != RECORD) {
            return NOTHING;
        }
        inRecord = false; // the caller takes the record whole
        count += decoder.events();
        return WHOLE_RECORD;
    }

    /** The decoder of the record {@link #nextWhole} read. */
    RecordDecoder decoder() {
        return decoder;
    }

    /**
     * Reads the next record: a format-1 record's event into {@code into} ({@link #EVENT}), or a checked format-2 record
     * into the decoder, {@link #inRecord} set ({@link #RECORD}); {@link #STOP} at the end or where reading stopped.
     */
    private int readRecord(JournalEvent into) {
        if (stopReason != null) {
            return STOP;
        }
        if (fast) {
            int outcome = readFast(into);
            if (outcome != FALLBACK) {
                return outcome;
            }
            if (!tailerSynced && !resync()) {
                return STOP;
            }
        }
        // A loop, not recursion, over metadata documents: a damaged file can hold very many of them.
        for (long metadata = 0; metadata <= MAX_METADATA_RUN; metadata++) {
            int outcome = readOne(into);
            if (outcome != METADATA) {
                return outcome;
            }
        }
        stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + ": more than "
                + MAX_METADATA_RUN + " metadata records in a row";
        return STOP;
    }

    /**
     * A record decoded in place that fails while its events are handed out: its file was truncated under the mapping
     * (InternalError, SIGBUS) or its bytes changed since they were checked (a walk that would leave the record).
     */
    boolean stopInRecord(Throwable e) {
        return stopInRecord(e, lastGoodIndex);
    }

    /**
     * {@link #stopInRecord(Throwable)} for the record at {@code index}, which may lie behind the last one read (a
     * {@link ReadAhead} applies records behind its reading thread): reading stops there, whatever was read past it.
     */
    boolean stopInRecord(Throwable e, long index) {
        inRecord = false;
        stopReason = "journal unreadable at index " + JournalIndex.format(index) + " (" + RegionException.oneLine(e)
                + "): the file was truncated or changed there while it was read";
        return false;
    }

    /** A format-1 record's one event read. */
    private static final int EVENT = 0;

    private static final int METADATA = 1;
    private static final int STOP = 2;
    /** The fast path hands over to the tailer. */
    private static final int FALLBACK = 3;
    /** A format-2 record read and checked, its events not yet handed out. */
    private static final int RECORD = 4;
    /** Chronicle writes a handful of metadata records per queue file; a run this long means damage. */
    private static final long MAX_METADATA_RUN = 1 << 20;

    private int readOne(JournalEvent into) {
        if (lengthOf != null
                && !wholeFile(knownLength)
                && lastGoodEnd + 8 > knownLength
                && lastGoodEnd + 8 > refreshLength()) {
            // the next header would lie in the cut-off tail of this file, where reading faults
            stopReason = "queue file " + lengthOf.getName() + " is " + knownLength + " bytes, cut inside its last"
                    + " block: reading stops after index " + JournalIndex.format(lastGoodIndex) + "; the file was"
                    + " truncated there";
            return STOP;
        }
        boolean atEnd = false;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                atEnd = true;
                return STOP;
            }
            if (dc.isMetaData()) {
                return METADATA;
            }
            var in = dc.wire().bytes();
            long index = dc.index();
            long n = in.readRemaining();
            long fileLength = fileLength(in);
            if (in.readPosition() + n > fileLength) {
                fileLength = refreshLength(); // a live writer may have grown the file since it was measured
            }
            if (in.readPosition() + n > fileLength) {
                // a record that runs past the end of its (cut) file: reading it would fault on the unmapped tail
                stopReason = "record at index " + JournalIndex.format(index) + " runs past the end of its queue file ("
                        + fileLength + " bytes): the file was truncated there";
                return STOP;
            }
            if (n > RecordFormat.MAX_RECORD || n <= 0) {
                stopReason = "record at index " + JournalIndex.format(index) + " has " + n + " bytes; the journal is"
                        + " damaged there";
                return STOP;
            }
            int len = (int) n;
            if (bytes.length < len) {
                bytes = new byte[Math.max(len, bytes.length * 2)];
            }
            in.read(bytes, 0, len);
            length = len;
            recordInMapping = false;
            recordV1 = bytes[0] == JournalEvent.V1;
            String problem = recordV1 ? into.readV1From(bytes, len, index) : checkV2(decoder.wrap(bytes, len, index));
            if (problem != null) {
                stopReason = problem;
                return STOP;
            }
            lastGoodIndex = index;
            lastGoodHeader = in.readPosition() - len - 4; // mapped bytes: positions are file offsets
            lastGoodEnd = in.readPosition();
            lastGoodCycle = tailer.cycle();
            noteFirst(index, into);
            records++;
            bytesRead += len + 4; // Chronicle's 4-byte document header
            inRecord = !recordV1;
            if (fastPath) {
                startFast(in, dc.wire().usePadding());
            }
            return recordV1 ? EVENT : RECORD;
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            // InternalError: a read past the end of a truncated, memory-mapped file (SIGBUS);
            // StackOverflowError: Chronicle recursing over damaged cycle bookkeeping in metadata.cq4t
            stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + " ("
                    + RegionException.oneLine(e) + "): the file was truncated or damaged there";
            return STOP;
        } finally {
            if (atEnd) {
                checkNothingMissing();
            }
        }
    }

    /**
     * Reads the next document from the mapped queue file, as the tailer would have read it.
     *
     * @return {@link #EVENT} (format 1), {@link #RECORD} (format 2), {@link #STOP} (a record that fails its checks), or
     *     {@link #FALLBACK}: the tailer decides
     */
    private int readFast(JournalEvent into) {
        try {
            for (; ; ) {
                long p = padding ? (fastPos + 3) & ~3L : fastPos;
                if (!mapped.cover(p, 4)) {
                    return leaveFast();
                }
                long fileLength = view == null ? mapped.length() : onDisk(mapped.file());
                if (lastGoodEnd + 8 > fileLength && !wholeFile(fileLength)) {
                    return leaveFast(); // a cut file's tail, or a file grown since it was mapped: the tailer's checks
                }
                if (!mapped.readable(p, 4)) {
                    return unreadablePage("the journal cannot be read past file offset " + p + " of "
                            + mapped.file().getName() + " (after index " + JournalIndex.format(lastGoodIndex)
                            + "): the page there");
                }
                int header = mapped.header(p);
                if ((header & DocumentHeader.NOT_COMPLETE) != 0 || header == 0) {
                    return leaveFast(); // the end for now, a document being written, or the end of this cycle
                }
                int len = header & DocumentHeader.LENGTH_MASK;
                if ((header & DocumentHeader.META_DATA) != 0) {
                    fastPos = p + 4 + len; // an index page or other queue bookkeeping: skipped, as the tailer does
                    continue;
                }
                if (len > RecordFormat.MAX_RECORD || len <= 0 || !mapped.cover(p, 4L + len)) {
                    return leaveFast();
                }
                if (view != null && p + 4L + len > fileLength) {
                    return leaveFast(); // past the cut of a padded copy's original: the tailer's checks say so
                }
                long index = lastGoodIndex + 1; // data documents of one cycle are numbered consecutively
                if (!mapped.readable(p, 4L + len)) {
                    return unreadablePage("record at index " + JournalIndex.format(index) + ", at file offset " + p
                            + " of " + mapped.file().getName() + ", lies partly on a page that");
                }
                String problem = readMapped(p + 4, len, index, into);
                if (problem != null) {
                    stopReason = problem;
                    fast = false;
                    return STOP;
                }
                tailerSynced = false;
                lastGoodIndex = index;
                lastGoodHeader = p;
                lastGoodEnd = p + 4 + len;
                fastPos = lastGoodEnd;
                noteFirst(index, into);
                records++;
                bytesRead += len + 4;
                inRecord = !recordV1;
                return recordV1 ? EVENT : RECORD;
            }
        } catch (RuntimeException | InternalError e) {
            return leaveFast(); // e.g. a file truncated under the mapping: the tailer meets it and says so
        }
    }

    /**
     * Stops where a page of the mapped queue file cannot be read ({@link ReadablePages}: a hole on a full tmpfs, left
     * by a writer that filled it): neither the fast path nor the tailer may touch it.
     */
    private int unreadablePage(String where) {
        stopReason = where + " cannot be read: its file system has no room to"
                + " provide it (a tmpfs that filled while the journal was written); free space there and read again";
        fast = false;
        return STOP;
    }

    private int leaveFast() {
        fast = false;
        return FALLBACK;
    }

    /** The directory whose file system {@link #pagesNeedCheck} describes ({@link ReadablePages#needed}). */
    private Path pagesCheckedFor;

    private boolean pagesNeedCheck;

    /** After a record read through the tailer from a mapped queue file: the next documents come from the mapping. */
    private void startFast(net.openhft.chronicle.bytes.Bytes<?> in, boolean usePadding) {
        if (!(in instanceof MappedBytes)) {
            return;
        }
        File file = ((MappedBytes) in).mappedFile().file();
        if (mapped == null || !mapped.file().equals(file)) {
            if (mapped != null) {
                mapped.close();
            }
            Path dir = file.toPath().getParent();
            if (dir != null && !dir.equals(pagesCheckedFor)) {
                pagesCheckedFor = dir; // one file-store lookup per directory, not per queue file (~0.4 ms each)
                pagesNeedCheck = ReadablePages.needed(dir);
            }
            mapped = MappedQueueFile.open(file, pagesNeedCheck);
        }
        if (mapped != null) {
            fast = true;
            fastPos = lastGoodEnd;
            padding = usePadding;
            tailerSynced = true;
        }
    }

    /**
     * Puts the tailer right after the last record read (the fast path read past where it stands), so that it goes on
     * exactly where a tailer that had read every record would. Seeks by index and checks it landed on that record's
     * header; where the queue's index disagrees (a damaged index page) it walks again from where reading started.
     */
    private boolean resync() {
        try {
            if (tailer.moveToIndex(lastGoodIndex) && skipLastGood()) {
                tailerSynced = true;
                return true;
            }
            if (origin == JournalIndex.NONE) {
                tailer.toStart();
            } else {
                tailer.moveToIndex(origin);
            }
            for (long walked = 0; walked <= records; walked++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent() || dc.index() > lastGoodIndex) {
                        break;
                    }
                    if (dc.index() == lastGoodIndex) {
                        tailerSynced = true;
                        return true;
                    }
                }
            }
            stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + ": its queue"
                    + " index and its documents disagree; the file was damaged there";
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            stopReason = "journal unreadable after index " + JournalIndex.format(lastGoodIndex) + " ("
                    + RegionException.oneLine(e) + "): the file was truncated or damaged there";
        }
        return false;
    }

    /** Reads the tailer's next document, past it, and says whether it was the last record read (same header). */
    private boolean skipLastGood() {
        try (DocumentContext dc = tailer.readingDocument()) {
            return dc.isPresent()
                    && dc.index() == lastGoodIndex
                    && dc.wire().bytes().readPosition() - 4 == lastGoodHeader;
        }
    }

    private java.io.File lengthOf;
    private long knownLength = Long.MAX_VALUE;

    /** Length of the queue file the bytes map (cached per file), or {@code Long.MAX_VALUE} when not a mapped file. */
    private long fileLength(net.openhft.chronicle.bytes.Bytes<?> in) {
        if (!(in instanceof net.openhft.chronicle.bytes.MappedBytes)) {
            return Long.MAX_VALUE;
        }
        java.io.File f =
                ((net.openhft.chronicle.bytes.MappedBytes) in).mappedFile().file();
        if (f != lengthOf) {
            lengthOf = f;
            knownLength = onDisk(f);
        }
        return knownLength;
    }

    private long refreshLength() {
        knownLength = lengthOf == null ? Long.MAX_VALUE : onDisk(lengthOf);
        return knownLength;
    }

    /**
     * A queue file's length on disk; for a file of {@link #view}, its original's (a cut file's copy is padded, and the
     * checks for a cut must see the cut).
     */
    private long onDisk(File f) {
        if (view != null && f.toPath().toAbsolutePath().startsWith(view.toAbsolutePath())) {
            return viewOf.resolve(f.getName()).toFile().length();
        }
        return f.length();
    }

    /** Whether a queue file's length is a whole number of Chronicle blocks plus the overlap (not cut). */
    private static boolean wholeFile(long length) {
        return wholeLength(length) == length;
    }

    /**
     * Checks the fast path's record of {@code len} bytes at file offset {@code at} (covered): a format-2 record is
     * checked and decoded in place in the mapping (no copy), a format-1 record is copied out and read.
     */
    private String readMapped(long at, int len, long index, JournalEvent into) {
        length = len;
        recordAt = at;
        decoder.wrap(mapped.window(), mapped.offset(at), len, index);
        recordV1 = decoder.version() == JournalEvent.V1;
        if (recordV1) {
            recordInMapping = false;
            copyRecord(at, len);
            return into.readV1From(bytes, len, index);
        }
        recordInMapping = true;
        return checkV2(decoder);
    }

    private void copyRecord(long at, int len) {
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, bytes.length * 2)];
        }
        mapped.read(at, bytes, len);
    }

    private String checkV2(RecordDecoder decoder) {
        long index = decoder.index();
        String problem = decoder.check();
        if (problem != null) {
            return problem;
        }
        long seq = decoder.seq();
        if (expectedSeq >= 0 && seq != expectedSeq) {
            return "record at index " + JournalIndex.format(index) + " has sequence number " + seq + " where "
                    + expectedSeq + " was due: "
                    + (seq > expectedSeq
                            ? (seq - expectedSeq) + " record(s) before it are"
                                    + " missing (skipped or unreadable, although the queue's framing hides it)"
                            : "a record is repeated or" + " out of order")
                    + "; the journal is damaged there";
        }
        expectedSeq = seq + 1;
        return null;
    }

    /**
     * The bytes of the record the last event came from (valid until the next record is read): {@link #recordLength()}
     * bytes, exactly as stored, for copying a journal record by record (salvage).
     */
    public byte[] recordBytes() {
        if (recordInMapping) {
            copyRecord(recordAt, length); // the mapping still holds the record until the next one is read
            recordInMapping = false;
        }
        return bytes;
    }

    public int recordLength() {
        return length;
    }

    /**
     * For a journal no writer is using (recovery holds the region lock), after reading to the end: whether the queue
     * file's own write position is past the last record read, i.e. records were written there that no reader can see
     * (a tail zeroed by a power loss, a record half written on a full disk). Appending behind such a tail would put
     * new records where no sequential reader finds them.
     *
     * @return {@code null} when the journal ends where its queue says it does, else a one-line reason
     */
    public String unreadableTail() {
        if (stopReason != null || lastGoodHeader < 0) {
            return null;
        }
        try {
            var store = queue.storeForCycle(lastGoodCycle, queue.epoch(), false, null);
            if (store == null) {
                return null;
            }
            try {
                long wp = store.writePosition();
                if (wp > lastGoodHeader) {
                    return "journal ends at index " + JournalIndex.format(lastGoodIndex) + " but its queue file was"
                            + " written " + (wp - lastGoodHeader) + " bytes further: its tail was lost, zeroed or"
                            + " half written";
                }
            } finally {
                store.close();
            }
        } catch (Exception | AssertionError | InternalError e) {
            return "journal ends at index " + JournalIndex.format(lastGoodIndex) + " and its queue bookkeeping is"
                    + " unreadable (" + RegionException.oneLine(e) + ")";
        }
        return null;
    }

    private long firstIndexRead = JournalIndex.NONE;
    private long firstSeqRead = -1;

    /** Before a record is counted: the first one since opening (or resuming) is remembered. */
    private void noteFirst(long index, JournalEvent into) {
        if (records == 0) {
            firstIndexRead = index;
            firstSeqRead = recordV1 ? into.seq : decoder.seq();
        }
    }

    /** Index of the first record read since opening or resuming, or {@link JournalIndex#NONE}. */
    public long firstIndexRead() {
        return records == 0 ? JournalIndex.NONE : firstIndexRead;
    }

    /** Sequence number of the first record read since opening or resuming (-1 for none, or for format 1). */
    public long firstSeqRead() {
        return records == 0 ? -1 : firstSeqRead;
    }

    /** Bytes of the records read so far, each with Chronicle's 4-byte document header. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Records (documents) read so far; a format-2 record holds several events. */
    public long recordsRead() {
        return records;
    }

    /**
     * At the end of the readable events: when the queue's own bookkeeping says events were written past the last
     * readable one, the file was truncated or damaged there, and that is a stop, not the end. A writer appending at
     * this moment makes the index run ahead of what was readable a moment ago; then the next event is now there
     * ({@code moveToIndex} finds it, leaving the tailer on it) and this is only the end for now.
     */
    private void checkNothingMissing() {
        if (lastGoodIndex == JournalIndex.NONE) {
            return;
        }
        long last;
        try {
            last = queue.lastIndex();
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            stopReason = "journal ends at index " + JournalIndex.format(lastGoodIndex)
                    + " and its index past it is unreadable (" + RegionException.oneLine(e)
                    + "): the file was truncated or damaged there";
            return;
        }
        if (last > lastGoodIndex && !nextIsThereNow()) {
            stopReason = "journal ends at index " + JournalIndex.format(lastGoodIndex) + " but records events up to "
                    + JournalIndex.format(last) + ": the file was truncated or damaged there";
        }
    }

    private boolean nextIsThereNow() {
        try {
            if (tailer.moveToIndex(lastGoodIndex + 1)) {
                return true;
            }
            // A live writer that rolled to a new cycle: the next record is the first of a later cycle. Only format 2
            // may be followed there: its sequence number then proves that nothing of the old cycle was skipped.
            if (length <= 0 || recordV1) {
                return false;
            }
            var cycle = queue.rollCycle();
            int next =
                    queue.nextCycle(cycle.toCycle(lastGoodIndex), net.openhft.chronicle.queue.TailerDirection.FORWARD);
            return next >= 0 && next != Integer.MIN_VALUE && tailer.moveToIndex(cycle.toIndex(next, 0));
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            return false;
        }
    }

    /** Why reading stopped before the end, or {@code null} when the journal read cleanly so far. */
    public String stopReason() {
        return stopReason;
    }

    public long lastGoodIndex() {
        return lastGoodIndex;
    }

    public long eventsRead() {
        return count;
    }

    /** The roll cycle the journal was written with (its queue metadata's, whatever region.conf says). */
    public net.openhft.chronicle.queue.RollCycle rollCycle() {
        return queue.rollCycle();
    }

    /**
     * Bytes written to the journal's queue files, by their own write positions (records, their headers and
     * Chronicle's index arrays; not the sparse files' apparent size): read from each file's header, no record read.
     * A file whose header cannot be read counts its apparent size.
     */
    public long bytesWritten() {
        long total = 0;
        try {
            int cycle = queue.firstCycle();
            int last = queue.lastCycle();
            if (cycle == Integer.MAX_VALUE || cycle < 0 || last < 0) {
                return 0;
            }
            while (cycle != Integer.MIN_VALUE && cycle >= 0 && cycle <= last) {
                var store = queue.storeForCycle(cycle, queue.epoch(), false, null);
                if (store != null) {
                    try {
                        total += Math.max(0, store.writePosition());
                    } finally {
                        store.close();
                    }
                }
                int next = queue.nextCycle(cycle, net.openhft.chronicle.queue.TailerDirection.FORWARD);
                if (next <= cycle) {
                    break;
                }
                cycle = next;
            }
        } catch (Exception | AssertionError | InternalError e) {
            throw new RegionException("journal files unreadable: " + RegionException.oneLine(e));
        }
        return total;
    }

    /**
     * How many records the journal holds at most, from Chronicle's indices (no record read): those between its first
     * and last index, plus one.
     */
    public long recordsAtMost() {
        long first = firstIndex();
        long last = lastIndex();
        if (first == JournalIndex.NONE || last == JournalIndex.NONE) {
            return 0;
        }
        try {
            return queue.countExcerpts(first, last) + 1;
        } catch (Exception | AssertionError | InternalError e) {
            throw new RegionException("journal index unreadable: " + RegionException.oneLine(e));
        }
    }

    /** Index of the first event, or {@link JournalIndex#NONE} for an empty journal. */
    public long firstIndex() {
        long first;
        try {
            first = queue.firstIndex();
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            throw new RegionException("journal index unreadable: " + RegionException.oneLine(e));
        }
        return first == Long.MAX_VALUE || first < 0 ? JournalIndex.NONE : first;
    }

    /** Index of the last event written, or {@link JournalIndex#NONE}. */
    public long lastIndex() {
        long last;
        try {
            last = queue.lastIndex();
        } catch (Exception | AssertionError | InternalError | StackOverflowError e) {
            throw new RegionException("journal index unreadable: " + RegionException.oneLine(e));
        }
        return last < 0 ? JournalIndex.NONE : last;
    }

    @Override
    public void close() {
        if (mapped != null) {
            mapped.close();
        }
        tailer.close();
        queue.close();
        deleteView(view);
    }
}
