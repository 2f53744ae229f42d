package io.framejournal.replay.export;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayStart;
import io.framejournal.journal.ReplayState;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Trees;
import io.framejournal.journal.Usage;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.JournalEnd;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes a region's journal as tables ({@link ExportSchema}): one directory per table under the output, holding
 * Parquet (or CSV) part files, and a manifest {@value #MANIFEST}. Parquet is written by our own column encoder
 * ({@link ParquetTables} for {@code events} and {@code calls}, {@link ParquetRows} for the small tables), without
 * DuckDB. CSV goes through DuckDB: rows through its appender into in-memory tables, {@value #CHUNK} events at a time,
 * written out with {@code COPY ... TO} (the same path can write Parquet: the reference the tests hold our encoder to).
 * Either way memory stays bounded however long the journal is. Reads the region only; writes only under the output
 * directory.
 */
public final class Exporter {
    /** The manifest every export carries (how {@code sql} recognizes an export directory). */
    public static final String MANIFEST = "framejournal-export.properties";
    /** Events per part file of {@code events} (and records per part file of {@code calls}). */
    public static final int CHUNK = 1 << 22;
    /** Leak rows kept from the audit (the audit counts all; a warning says when the table holds fewer). */
    public static final int LEAK_LIMIT = 1_000_000;

    /** Output format. */
    public enum Format {
        PARQUET("parquet", "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)"),
        CSV("csv", "(FORMAT csv, HEADER true)");

        final String extension;
        final String copyOptions;

        Format(String extension, String copyOptions) {
            this.extension = extension;
            this.copyOptions = copyOptions;
        }

        public String extension() {
            return extension;
        }
    }

    /**
     * What an export wrote.
     *
     * @param out        the output directory
     * @param format     its format
     * @param rows       rows per table, in {@link ExportSchema#TABLES} order
     * @param files      part files written
     * @param bytes      bytes written
     * @param firstIndex first journal index exported
     * @param lastIndex  last journal index exported
     * @param stopReason why reading stopped early, or {@code null}
     * @param warnings   what limited the export
     * @param nanos      wall time
     * @param unreadable the audit's warnings among them: part of the input could not be read (an unusable checkpoint,
     *                   an unreadable status or slot table, a damaged call-site table); the command then exits 2
     */
    public record Result(
            Path out,
            Format format,
            Map<String, Long> rows,
            long files,
            long bytes,
            long firstIndex,
            long lastIndex,
            String stopReason,
            List<String> warnings,
            long nanos,
            List<String> unreadable) {
        public long events() {
            return rows.getOrDefault(ExportSchema.EVENTS.name(), 0L);
        }

        /** Events exported per second of wall time. */
        public double eventsPerSecond() {
            return nanos <= 0 ? 0 : events() * 1e9 / nanos;
        }
    }

    private final RegionInput region;
    private final Path out;
    private final Format format;
    private final long at;
    private final int chunk;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    private final Map<String, Long> rows = new TreeMap<>();
    private long files;
    /** Tests: group every chunk's calls rows by index, also when each record has one entry. */
    boolean alwaysGroup;
    /** Tests: write {@code events} and {@code calls} Parquet through DuckDB (the reference), not our encoder. */
    boolean viaDuckDb;
    /** Rows per row group of {@code events} and {@code calls} (tests make it small to get many). */
    int rowGroup = ParquetTables.ROW_GROUP;
    /** The database the part files are written through, while {@link #run} runs. */
    private DuckDBConnection db;

    /**
     * @param region the region, opened for reading
     * @param out    the output directory (created; must not be inside the region)
     * @param format Parquet or CSV
     * @param at     export as of this journal index (events, records, slots, leaks); {@link JournalIndex#NONE}: all
     */
    public Exporter(RegionInput region, Path out, Format format, long at) {
        this(region, out, format, at, CHUNK);
    }

    Exporter(RegionInput region, Path out, Format format, long at, int chunk) {
        this.region = region;
        this.out = out.toAbsolutePath().normalize();
        this.format = format;
        this.at = at;
        this.chunk = chunk;
    }

    /** Checks that {@code out} may be written: outside the region, and absent or an empty directory. */
    public static void checkOutput(RegionInput region, Path out) {
        Path o = out.toAbsolutePath().normalize();
        if (RegionLayout.isInside(region.dir(), out)) {
            throw new RegionException("output " + out + " is inside the region " + region.dir()
                    + ": the region is read-only, write the export elsewhere");
        }
        if (Files.exists(o)) {
            if (!Files.isDirectory(o)) {
                throw new RegionException(
                        "output " + out + " exists and is not a directory: name a new or empty directory");
            }
            try (Stream<Path> s = Files.list(o)) {
                if (s.findAny().isPresent()) {
                    throw new RegionException("output " + out + " exists and is not empty: name a new directory");
                }
            } catch (IOException e) {
                throw new RegionException("cannot list " + out + ": " + RegionException.reason(e, out));
            }
        }
    }

    private volatile boolean cancelled;

    /**
     * Asks a running export to stop (any thread; returns at once): the scan ends at its next progress tick, and {@link
     * #run} removes what it wrote and throws {@link Cancelled}.
     */
    public void cancel() {
        cancelled = true;
    }

    /** {@link #run} stopped by {@link #cancel()}; what it wrote was removed. */
    public static final class Cancelled extends RegionException {
        private static final long serialVersionUID = 1L;

        Cancelled(Path out) {
            super("export interrupted: " + out + " was left as it was before (nothing written)");
        }
    }

    /**
     * Writes the export. It is whole or absent: a failure (or {@link #cancel()}) removes what this run wrote, and the
     * directory too when this run created it.
     */
    public Result run(Progress progress) {
        boolean created = !Files.exists(out);
        boolean done = false;
        try {
            Result r = runChecked(progress);
            done = true;
            return r;
        } finally {
            if (!done) {
                if (created) {
                    Trees.deleteQuietly(out);
                } else {
                    Trees.deleteContentsQuietly(out); // it was empty (checkOutput): empty again
                }
            }
        }
    }

    private Result runChecked(Progress progress) {
        long t0 = System.nanoTime();
        checkOutput(region, out);
        // Direct Parquet needs no DuckDB; CSV (and the DuckDB reference) write every table through it.
        boolean direct = format == Format.PARQUET && !viaDuckDb;
        // The audit (for the leaks table) runs on its own thread. The direct scan feeds it the events it decodes; else
        // (and when the journal's start was retired, so that the audit starts from a checkpoint) it reads the journal
        // itself while the scan writes the tables.
        boolean retired = ReplayStart.journalStartRetired(region.layout().journal());
        Auditor fed = direct && !retired ? new Auditor(region, at, LEAK_LIMIT) : null;
        // a retired journal start: the slots table is the state this audit replays from its checkpoint, not the
        // scan's replay of the kept journal alone (which misses what came before it)
        Auditor separate = fed != null ? null : new Auditor(region, at, LEAK_LIMIT);
        java.util.concurrent.CompletableFuture<AuditReport> auditing = fed != null
                ? null
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> separate.run(Progress.none()), r -> {
                    Thread t = new Thread(r, "framejournal-export-audit");
                    t.setDaemon(true);
                    t.start();
                });
        Path spill;
        try {
            Files.createDirectories(out);
            spill = direct ? null : io.framejournal.journal.StaleTemps.createTempDirectory("framejournal-duckdb");
        } catch (IOException e) {
            throw new RegionException("cannot create " + out + ": " + RegionException.reason(e, out));
        }
        try {
            for (ExportSchema.Table t : ExportSchema.TABLES) {
                Files.createDirectories(out.resolve(t.name()));
            }
            Pass scan;
            if (direct) {
                scan = new DirectScan(fed);
            } else {
                this.db = DuckDb.open(spill);
                DuckDb.execute(db, "SET preserve_insertion_order = true");
                scan = new Scan(db);
            }
            scan.run(progress);
            AuditReport audit = fed != null ? fed.finishFollowing(scan.stopReason) : join(auditing);
            ReplayState fromCheckpoint = retired ? separate.acceptedState() : null;
            writeSlots(fromCheckpoint != null ? fromCheckpoint : scan.slots());
            if (retired) {
                warnings.add("the journal's early files were retired (`retain`): the events and calls tables start at"
                        + " its oldest kept record; the slots and leaks tables are replayed from a checkpoint");
            }
            for (String w : audit.warnings()) {
                if (!warnings.contains(w)) {
                    warnings.add(w);
                    unreadable.add(w);
                }
            }
            writeLeaks(audit, scan.siteOfIndex);
            writeSites(scan.sites, audit, scan.siteOfIndex);
            writeRegion(scan);
            if (scan.stopReason != null) {
                warnings.add("journal reading stopped early: " + scan.stopReason);
            }
            long[] sizes = sizes();
            writeManifest(scan, sizes[0]);
            return new Result(
                    out,
                    format,
                    Map.copyOf(rows),
                    files,
                    sizes[0],
                    scan.first,
                    scan.last,
                    scan.stopReason,
                    List.copyOf(warnings),
                    System.nanoTime() - t0,
                    List.copyOf(unreadable));
        } catch (SQLException e) {
            throw new RegionException("export to " + out + " failed: " + DuckDb.message(e));
        } catch (IOException e) {
            throw new RegionException("export to " + out + " failed: " + RegionException.oneLine(e), e);
        } finally {
            closeQuietly(db);
            this.db = null;
            Trees.deleteQuietly(spill);
        }
    }

    private static void closeQuietly(DuckDBConnection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // closing an in-memory database after the export: nothing to lose
        }
    }

    /**
     * One pass over the journal: events into chunked part files (each chunk ends at a record boundary; {@code calls}
     * part {@code N} holds the records of {@code events} part {@code N}), slot state and site counts kept. What writes
     * the rows is the subclass: {@link DirectScan} (Parquet through our own encoder) or {@link Scan} (DuckDB).
     */
    abstract class Pass {
        final ReplayState state = new ReplayState(region.nrSlots());
        /** Whether the scan replays the slot state itself (else the audit it feeds does: {@link #slots}). */
        boolean replays = true;

        final Map<Integer, long[]> sites = new HashMap<>();
        /** Sites of the events a leak can point at (mints, forgets, leaked handles) that carry one. */
        final Map<Long, Integer> siteOfIndex = new HashMap<>();

        long events;
        long calls;
        long first = JournalIndex.NONE;
        long last = JournalIndex.NONE;
        String stopReason;
        long eventsInChunk;

        /** The slot state at the end of the scan. */
        ReplayState slots() {
            return state;
        }

        /** One event; {@code newRecord} when it starts a record (its index differs from the previous event's). */
        abstract void event(JournalEvent e, int site, boolean newRecord) throws SQLException, IOException;

        /** The chunk so far is complete (the next event starts a new record, or the journal ended: {@code last}). */
        abstract void endChunk(boolean last) throws SQLException, IOException;

        /** Releases what the pass holds, also after a failure. */
        abstract void close() throws SQLException, IOException;

        final void run(Progress progress) throws SQLException, IOException {
            try {
                scan(progress);
            } finally {
                close();
            }
        }

        private void scan(Progress progress) throws SQLException, IOException {
            JournalEvent e = new JournalEvent();
            int nrSlots = region.nrSlots();
            boolean stoppedAt = false;
            long[] site0 = new long[3];
            sites.put(EventFields.NO_SITE, site0);
            long record = JournalIndex.NONE;
            try (JournalReader reader = region.journal()) {
                while (reader.next(e)) {
                    if (at != JournalIndex.NONE && Long.compareUnsigned(e.index, at) > 0) {
                        stoppedAt = true;
                        break;
                    }
                    if (first == JournalIndex.NONE) {
                        first = e.index;
                    }
                    last = e.index;
                    int site = EventFields.site(e);
                    boolean newRecord = e.index != record || calls == 0;
                    if (newRecord) {
                        if (eventsInChunk >= chunk) {
                            endChunk(false);
                            eventsInChunk = 0;
                        }
                        record = e.index;
                        calls++;
                        long[] sc = site == EventFields.NO_SITE ? site0 : sites.computeIfAbsent(site, k -> new long[3]);
                        sc[0]++;
                    }
                    event(e, site, newRecord);
                    eventsInChunk++;
                    long[] sc = site == EventFields.NO_SITE ? site0 : sites.computeIfAbsent(site, k -> new long[3]);
                    sc[1]++;
                    if (e.kind == EventKind.MINT) {
                        sc[2]++;
                    }
                    if (site != EventFields.NO_SITE
                            && (e.kind == EventKind.MINT
                                    || e.kind == EventKind.RAW_FORGET
                                    || e.kind == EventKind.LEAKED_HANDLE)) {
                        siteOfIndex.put(e.index, site); // where leaks start: the leaks table names their sites
                    }
                    if (replays && e.kind.changesSlot() && e.slot >= 0 && e.slot < nrSlots) {
                        state.apply(e);
                    }
                    if ((++events & Progress.TICK_MASK) == 0) {
                        progress.update(events, reader.recordsRead());
                        if (cancelled) {
                            throw new Cancelled(out);
                        }
                    }
                }
                stopReason = JournalEnd.problem(reader, region, last, stoppedAt || at != JournalIndex.NONE);
            }
            endChunk(true);
            rows.put(ExportSchema.EVENTS.name(), events);
            rows.put(ExportSchema.CALLS.name(), calls);
        }
    }

    /** {@code events} and {@code calls} as Parquet written by {@link ParquetTables}, column by column. */
    private final class DirectScan extends Pass {
        final ParquetTables tables;

        final Auditor auditor;

        DirectScan(Auditor auditor) {
            this.auditor = auditor;
            this.replays = auditor == null;
            tables = new ParquetTables(
                    out, region.config().pageSize(), region.nrSlots(), Math.min(chunk, rowGroup), auditor);
        }

        /** The audit's replay of the same events when it is fed (the scan then replays nothing itself). */
        @Override
        ReplayState slots() {
            ReplayState fed = auditor == null ? null : auditor.acceptedState();
            return fed == null ? state : fed;
        }

        @Override
        void event(JournalEvent e, int site, boolean newRecord) throws IOException {
            tables.event(e, site);
        }

        @Override
        void endChunk(boolean last) throws IOException {
            tables.endPart();
            if (last) {
                tables.finish();
                files += tables.files();
            }
        }

        @Override
        void close() {
            tables.close();
        }
    }

    /**
     * {@code events} and {@code calls} through DuckDB (CSV, and the Parquet of earlier versions, kept as the
     * reference the direct writer is tested against): rows go through the appender into one of two buffer tables;
     * while the appender fills one, a second connection writes the other out with {@code COPY ... TO}.
     */
    private final class Scan extends Pass {
        final DuckDBConnection db;
        final DuckDBConnection writer;
        final java.util.concurrent.ExecutorService background;
        java.util.concurrent.Future<?> pending;
        int part;
        int buffer;
        /** Whether a record in the current chunk has more than one entry (else its calls rows need no grouping). */
        boolean multiEntry;

        DuckDBAppender ev;

        Scan(DuckDBConnection db) throws SQLException {
            this.db = db;
            for (int b = 0; b < 2; b++) {
                // The small fields travel packed in two words (fewer appender calls per row), unpacked in SQL.
                DuckDb.execute(
                        db,
                        "CREATE TABLE ev_buf" + b + " (\"index\" BIGINT, \"time\" BIGINT, head BIGINT, "
                                + "ids BIGINT, before BIGINT, after BIGINT, handle BIGINT, site INTEGER)");
            }
            writer = db.duplicate().unwrap(DuckDBConnection.class);
            background = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "framejournal-export-writer");
                t.setDaemon(true);
                return t;
            });
            ev = db.createAppender("ev_buf0");
        }

        @Override
        void close() throws SQLException {
            background.shutdownNow();
            writer.close();
        }

        @Override
        void event(JournalEvent e, int site, boolean newRecord) throws SQLException {
            if (!newRecord) {
                multiEntry = true;
            }
            ev.beginRow()
                    .append(e.index)
                    .append(e.timestamp)
                    .append(head(e))
                    .append(ids(e))
                    .append(e.before)
                    .append(e.after)
                    .append(e.handle)
                    .append(site)
                    .endRow();
        }

        @Override
        void endChunk(boolean last) throws SQLException {
            flush(last);
        }

        /** Hands the filled buffer to the writer (after the previous one is out) and appends into the other. */
        private void flush(boolean last) throws SQLException {
            ev.close();
            awaitWriter();
            String table = "ev_buf" + buffer;
            int p = part++;
            boolean group = multiEntry || alwaysGroup;
            pending = background.submit(() -> {
                writeChunk(table, p, group);
                return null;
            });
            if (last) {
                awaitWriter();
                return;
            }
            buffer ^= 1;
            ev = db.createAppender("ev_buf" + buffer);
            multiEntry = false;
        }

        private void awaitWriter() throws SQLException {
            if (pending == null) {
                return;
            }
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while writing part files", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof SQLException) {
                    throw (SQLException) c;
                }
                throw new SQLException(String.valueOf(c.getMessage()), c);
            } finally {
                pending = null;
            }
        }

        /**
         * One chunk out: its events, its records (grouped by index when a record has several entries, else one row
         * per event, which needs no hashing), then the buffer emptied.
         */
        private void writeChunk(String table, int p, boolean group) throws SQLException {
            String op = names("op", OpCode.values());
            String kind = names("kind", EventKind.values());
            String unpacked =
                    "(SELECT \"index\", \"time\", " + UNPACK + ", before, after, handle, site FROM " + table + ")";
            copy(
                    writer,
                    "SELECT \"index\", \"time\", thread, " + op + " AS op, " + kind + " AS kind, slot, " + paddr("slot")
                            + " AS paddr, before, after, handle, site, flags, meta_type FROM " + unpacked,
                    ExportSchema.EVENTS,
                    p);
            if (group) {
                // time, thread, op, handle and site are the record's header fields: every entry of a record has the
                // same
                copy(
                        writer,
                        "SELECT \"index\", any_value(\"time\") AS \"time\", any_value(thread) AS thread, "
                                + op.replace("\"op\"", "any_value(\"op\")") + " AS op, any_value(handle) AS handle, "
                                + "any_value(site) AS site, count(*)::INTEGER AS entries, count(*) FILTER (WHERE "
                                + slotEntry()
                                + ")::INTEGER AS slot_entries, min(slot) FILTER (WHERE " + slotEntry()
                                + ") AS first_slot, "
                                + "max(slot) FILTER (WHERE " + slotEntry() + ") AS last_slot FROM " + unpacked
                                + " GROUP BY \"index\" ORDER BY \"index\"",
                        ExportSchema.CALLS,
                        p);
            } else {
                String slotEntry = "(" + slotEntry() + ")";
                copy(
                        writer,
                        "SELECT \"index\", \"time\", thread, " + op + " AS op, handle, site, 1::INTEGER AS entries, "
                                + "(CASE WHEN " + slotEntry + " THEN 1 ELSE 0 END)::INTEGER AS slot_entries, CASE WHEN "
                                + slotEntry + " THEN slot END AS first_slot, CASE WHEN " + slotEntry
                                + " THEN slot END AS last_slot"
                                + " FROM " + unpacked,
                        ExportSchema.CALLS,
                        p);
            }
            DuckDb.execute(writer, "DELETE FROM " + table);
        }

        /** SQL: the event changes a slot of the region (what counts as a slot entry of a record). */
        private String slotEntry() {
            StringBuilder sb = new StringBuilder("slot >= 0 AND slot < ")
                    .append(region.nrSlots())
                    .append(" AND kind IN (");
            int n = 0;
            for (EventKind k : EventKind.values()) {
                if (k.changesSlot()) {
                    sb.append(n++ == 0 ? "" : ", ").append(k.ordinal());
                }
            }
            return sb.append(')').toString();
        }
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            if (c instanceof Error) {
                throw (Error) c;
            }
            throw e;
        }
    }

    /** Slot, meta type, flags and op in one word: {@code slot << 32 | metaType << 16 | flags << 8 | op}. */
    static long head(JournalEvent e) {
        return (e.slot & 0xffff_ffffL) << 32 | (e.metaType & 0xffffL) << 16 | (e.flags & 0xffL) << 8 | (e.op & 0xffL);
    }

    /** Thread and kind in one word: {@code thread << 8 | kind}. */
    static long ids(JournalEvent e) {
        return (e.thread & 0xffff_ffffL) << 8 | (e.kind.ordinal() & 0xffL);
    }

    /** SQL: the columns {@link #head} and {@link #ids} pack, with their signs restored. */
    static final String UNPACK = signed("(head >> 32) & 4294967295", 32, "INTEGER") + " AS slot, "
            + signed("(head >> 16) & 65535", 16, "SMALLINT") + " AS meta_type, ((head >> 8) & 255)::SMALLINT AS flags, "
            + "(head & 255)::UTINYINT AS op, " + signed("(ids >> 8) & 4294967295", 32, "INTEGER") + " AS thread, "
            + "(ids & 255)::UTINYINT AS kind";

    private static String signed(String unsigned, int bits, String type) {
        long half = 1L << (bits - 1);
        return "(CASE WHEN (" + unsigned + ") >= " + half + " THEN (" + unsigned + ") - " + (2 * half) + " ELSE ("
                + unsigned + ") END)::" + type;
    }

    /** A SQL expression naming an enum code column: {@code ['A', 'B', ...][col + 1]}. */
    private static String names(String column, Enum<?>[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(DuckDb.literal(values[i].name()));
        }
        return sb.append("][").append(DuckDb.ident(column)).append(" + 1]").toString();
    }

    private String paddr(String slotColumn) {
        return "CASE WHEN " + slotColumn + " >= 0 THEN " + slotColumn + "::BIGINT * "
                + region.config().pageSize() + " END";
    }

    private void copy(String select, ExportSchema.Table table, int part) throws SQLException {
        copy(db, select, table, part);
    }

    private void copy(DuckDBConnection via, String select, ExportSchema.Table table, int part) throws SQLException {
        Path file = partFile(table, part);
        DuckDb.execute(via, "COPY (" + select + ") TO " + DuckDb.literal(file.toString()) + " " + format.copyOptions);
        synchronized (this) {
            files++;
        }
    }

    /**
     * Where a small table's rows go: a Parquet file of our writer (direct Parquet), or a DuckDB table copied out when
     * the sink closes (CSV, and the DuckDB reference).
     */
    private TableSink sink(ExportSchema.Table table) throws SQLException {
        if (db == null) {
            return new ParquetRows(partFile(table, 0), table, ParquetTables.createdBy());
        }
        DuckDBConnection c = db;
        DuckDb.execute(c, table.ddl(table.name()));
        DuckDBAppender a = c.createAppender(table.name());
        return new TableSink() {
            @Override
            public TableSink beginRow() throws SQLException {
                a.beginRow();
                return this;
            }

            @Override
            public TableSink append(long v) throws SQLException {
                a.append(v);
                return this;
            }

            @Override
            public TableSink append(int v) throws SQLException {
                a.append(v);
                return this;
            }

            @Override
            public TableSink append(short v) throws SQLException {
                a.append(v);
                return this;
            }

            @Override
            public TableSink append(boolean v) throws SQLException {
                a.append(v);
                return this;
            }

            @Override
            public TableSink append(String v) throws SQLException {
                a.append(v);
                return this;
            }

            @Override
            public TableSink appendNull() throws SQLException {
                a.append((Long) null);
                return this;
            }

            @Override
            public TableSink endRow() throws SQLException {
                a.endRow();
                return this;
            }

            @Override
            public void close() throws SQLException {
                a.close();
                copy("SELECT * FROM " + DuckDb.ident(table.name()), table, 0);
            }
        };
    }

    private Path partFile(ExportSchema.Table table, int part) {
        return out.resolve(table.name()).resolve(String.format(Locale.ROOT, "part-%05d.%s", part, format.extension));
    }

    private void writeSlots(ReplayState state) throws SQLException, IOException {
        SlotState s = new SlotState();
        try (TableSink a = sink(ExportSchema.SLOTS)) {
            for (int slot = 0; slot < state.nrSlots(); slot++) {
                state.load(slot, s);
                a.beginRow()
                        .append(slot)
                        .append(Fmt.paddrOf(slot))
                        .append(RefCount.status(s.refCount))
                        .append(s.refCount)
                        .append(Usage.nameOf(s.usage))
                        .append(s.inList)
                        .append(s.metaType)
                        .append(s.obligations)
                        .append(s.raw);
                nullable(a, s.lastIndex);
                a.endRow();
            }
        }
        countFile(db == null);
        rows.put(ExportSchema.SLOTS.name(), (long) state.nrSlots());
    }

    /** One row of {@code leaks}, before they are ordered by index and slot. */
    private record LeakRow(
            String kind, long handle, int op, int slot, long index, Long count, Long total, Long firstIndex) {}

    private void writeLeaks(AuditReport audit, Map<Long, Integer> siteOfIndex) throws SQLException, IOException {
        List<LeakRow> leaks = new ArrayList<>();
        for (AuditReport.LeakGroup g : audit.leaks()) {
            for (int i = 0; i < g.slots().size(); i++) {
                leaks.add(new LeakRow(
                        "obligation",
                        g.handle(),
                        g.op(),
                        g.slots().get(i),
                        g.indices().get(i),
                        null,
                        g.total(),
                        g.firstIndex()));
            }
        }
        for (AuditReport.RawLeak r : audit.rawLeaks()) {
            leaks.add(new LeakRow("raw", r.handle(), r.op(), r.slot(), r.index(), r.count(), null, null));
        }
        for (AuditReport.LeakedHandle h : audit.leakedHandles()) {
            leaks.add(new LeakRow("detector", h.handle(), h.mintOp(), h.slot(), h.index(), h.pages(), null, null));
        }
        leaks.sort(Comparator.comparingLong(LeakRow::index).thenComparingInt(LeakRow::slot));
        try (TableSink a = sink(ExportSchema.LEAKS)) {
            for (LeakRow r : leaks) {
                a.beginRow()
                        .append(r.kind())
                        .append(r.handle())
                        .append(Fmt.handle(r.handle()))
                        .append(OpCode.nameOf(r.op()))
                        .append(r.slot())
                        .append(Fmt.paddrOf(r.slot()))
                        .append(r.index());
                nullable(a, r.count());
                nullable(a, r.total());
                nullable(a, r.firstIndex());
                a.append(siteOfIndex.getOrDefault(r.index(), EventFields.NO_SITE))
                        .endRow();
            }
        }
        if (audit.leakGroupCount() > audit.leaks().size()
                || audit.rawLeakCount() > audit.rawLeaks().size()
                || audit.leakedHandleCount() > audit.leakedHandles().size()) {
            warnings.add("the leaks table holds the first " + LEAK_LIMIT + " leak groups, raw leaks and leaked handles"
                    + " of each kind (the audit found " + audit.leakGroupCount() + ", " + audit.rawLeakCount() + ", "
                    + audit.leakedHandleCount() + ")");
        }
        countFile(db == null);
        rows.put(ExportSchema.LEAKS.name(), (long) leaks.size());
    }

    private void writeSites(Map<Integer, long[]> sites, AuditReport audit, Map<Long, Integer> siteOfIndex)
            throws SQLException, IOException {
        Map<Integer, Long> leaked = new HashMap<>();
        for (AuditReport.LeakGroup g : audit.leaks()) {
            for (Long idx : g.indices()) {
                leaked.merge(siteOfIndex.getOrDefault(idx, EventFields.NO_SITE), 1L, Long::sum);
            }
        }
        List<Integer> ids = new ArrayList<>(sites.keySet());
        ids.sort(Comparator.naturalOrder());
        long n = 0;
        try (TableSink a = sink(ExportSchema.SITES)) {
            for (int id : ids) {
                long[] c = sites.get(id);
                if (c[0] == 0 && c[1] == 0) {
                    continue;
                }
                a.beginRow()
                        .append(id)
                        .append(c[0])
                        .append(c[1])
                        .append(c[2])
                        .append(leaked.getOrDefault(id, 0L).longValue())
                        .endRow();
                n++;
            }
        }
        countFile(db == null);
        rows.put(ExportSchema.SITES.name(), n);
    }

    private void writeRegion(Pass scan) throws SQLException, IOException {
        try (TableSink a = sink(ExportSchema.REGION)) {
            a.beginRow()
                    .append(region.dir().toString())
                    .append(region.config().maxPaddr())
                    .append(region.config().pageSize())
                    .append(region.nrSlots())
                    .append(region.clean())
                    .append(scan.events);
            nullableIndex(a, scan.first);
            nullableIndex(a, scan.last);
            nullableIndex(a, at);
            a.append(scan.stopReason)
                    .append(region.config().formatVersion())
                    .append(ExportSchema.VERSION)
                    .endRow();
        }
        countFile(db == null);
        rows.put(ExportSchema.REGION.name(), 1L);
    }

    /** A part file written by our Parquet writer ({@link #copy} counts DuckDB's). */
    private void countFile(boolean direct) {
        if (direct) {
            synchronized (this) {
                files++;
            }
        }
    }

    private static void nullableIndex(TableSink a, long index) throws SQLException {
        if (index == JournalIndex.NONE) {
            a.appendNull();
        } else {
            a.append(index);
        }
    }

    private static void nullable(TableSink a, Long v) throws SQLException {
        if (v == null) {
            a.appendNull();
        } else {
            a.append(v.longValue());
        }
    }

    private static void nullable(TableSink a, long index) throws SQLException {
        nullableIndex(a, index);
    }

    private void writeManifest(Pass scan, long bytes) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# framejournal export: one directory per table, part files inside (schema in docs/EXPORT.md)\n");
        sb.append("schema=").append(ExportSchema.VERSION).append('\n');
        sb.append("format=").append(format.extension).append('\n');
        sb.append("tables=");
        for (int i = 0; i < ExportSchema.TABLES.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(ExportSchema.TABLES.get(i).name());
        }
        sb.append('\n');
        for (ExportSchema.Table t : ExportSchema.TABLES) {
            sb.append("rows.")
                    .append(t.name())
                    .append('=')
                    .append(rows.getOrDefault(t.name(), 0L))
                    .append('\n');
        }
        sb.append("firstIndex=").append(JournalIndex.format(scan.first)).append('\n');
        sb.append("lastIndex=").append(JournalIndex.format(scan.last)).append('\n');
        sb.append("complete=").append(scan.stopReason == null).append('\n');
        sb.append("partBytes=").append(bytes).append('\n');
        // written beside and renamed into place: the manifest is what says the export is whole, and one cut short by a
        // kill (an empty file) read as an export of "schema version ''" rather than an unfinished one
        Path tmp = out.resolve("." + MANIFEST + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        io.framejournal.journal.Durable.replace(tmp, out.resolve(MANIFEST));
    }

    private long[] sizes() throws IOException {
        long[] total = new long[1];
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    total[0] += Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return total;
    }
}
