package io.framejournal.replay.export;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.OpCode;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.export.parquet.ParquetColumn;
import io.framejournal.replay.export.parquet.ParquetWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code events} and {@code calls} written as Parquet by {@link ParquetWriter}, column by column: the scanning thread
 * copies each event's fields into the columns of a batch of {@value #BATCH} rows ({@link #event}); each full batch goes
 * to two threads: the writer thread encodes it as one {@code events} data page per column, the second thread feeds it
 * to the audit (when given one) and derives the {@code calls} rows from it (one per record: a record's events are
 * consecutive). Each ends a row group every {@link #ROW_GROUP} rows and a part file at every {@link #endPart}. Three
 * batches take turns (one filling, two with the threads), so memory stays bounded and nothing is allocated per event.
 */
final class ParquetTables implements AutoCloseable {
    /** Rows per batch: one data page per column. */
    static final int BATCH = 1 << 16;
    /** Rows per row group (at most). */
    static final int ROW_GROUP = 1 << 20;
    /** Batches in turn: one filling, up to two queued for or in the two threads. */
    static final int RING = 3;

    static final List<String> OP_NAMES = opNames();
    static final List<String> KIND_NAMES = kindNames();
    /** Which kinds change a slot, by ordinal. */
    private static final boolean[] CHANGES_SLOT = changesSlot();

    static final List<ParquetColumn> EVENT_COLUMNS = columns(ExportSchema.EVENTS, Set.of("paddr"));
    static final List<ParquetColumn> CALL_COLUMNS = columns(ExportSchema.CALLS, Set.of("first_slot", "last_slot"));

    private final Path out;
    private final long pageSize;
    private final int nrSlots;
    private final int rowGroup;
    /** Rows per batch and page: {@link #BATCH}, or fewer so that pages fill row groups exactly. */
    private final int batchRows;

    private final String createdBy;
    private final ExecutorService writer;
    private final Auditor auditor;
    /** The second thread: the audit (when fed) and the calls rows. */
    private final ExecutorService side;

    private final Batch[] ring = new Batch[RING];
    private final Future<?>[] inFlight = new Future<?>[RING];
    private final Future<?>[] inSide = new Future<?>[RING];
    private int turn;
    private Batch filling;
    private int parts;
    private final Encoder encoder = new Encoder();

    /**
     * @param out      the export directory (its {@code events} and {@code calls} directories exist)
     * @param pageSize bytes per frame ({@code paddr = slot * pageSize})
     * @param nrSlots  frames in the region (a slot entry's slot is below it)
     * @param rowGroup rows per row group, at most {@link #ROW_GROUP}
     * @param auditor  fed every batch's events on the second thread ({@link Auditor#accept}), so the audit for
     *                 {@code leaks} needs no second read of the journal; {@code null}: none
     */
    ParquetTables(Path out, long pageSize, int nrSlots, int rowGroup, Auditor auditor) {
        this.out = out;
        this.auditor = auditor;
        this.side = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, auditor == null ? "framejournal-export-calls" : "framejournal-export-audit");
            t.setDaemon(true);
            return t;
        });
        this.pageSize = pageSize;
        this.nrSlots = nrSlots;
        this.rowGroup = Math.max(1, Math.min(ROW_GROUP, rowGroup));
        this.batchRows = Math.min(BATCH, this.rowGroup);
        this.createdBy = createdBy();
        for (int i = 0; i < RING; i++) {
            ring[i] = new Batch();
        }
        filling = ring[0];
        writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "framejournal-export-parquet");
            t.setDaemon(true);
            return t;
        });
    }

    /** The footer's created_by: "framejournal version V" (readers parse "app version x.y.z"). */
    static String createdBy() {
        String v = ParquetTables.class.getPackage().getImplementationVersion();
        return "framejournal version " + (v == null ? "0.1.0-dev" : v);
    }

    /** Scanning thread: one event of the current part. */
    void event(JournalEvent e, int site) throws IOException {
        Batch b = filling;
        int i = b.n;
        b.index[i] = e.index;
        b.time[i] = e.timestamp;
        b.thread[i] = e.thread;
        b.op[i] = e.op;
        b.kind[i] = e.kind.ordinal();
        b.slot[i] = e.slot;
        b.before[i] = e.before;
        b.after[i] = e.after;
        b.handle[i] = e.handle;
        b.site[i] = site;
        b.flags[i] = e.flags;
        b.metaType[i] = e.metaType;
        b.seq[i] = e.seq;
        b.groupStart[i] = e.groupStart;
        if ((b.n = i + 1) == batchRows) {
            handOff(false);
        }
    }

    /** Scanning thread: the part so far is complete (it ends at a record boundary); the next event starts another. */
    void endPart() throws IOException {
        handOff(true);
    }

    /** Scanning thread: waits until every part is written (and every event audited). */
    void finish() throws IOException {
        for (int i = 0; i < RING; i++) {
            await(i);
        }
        writer.shutdown();
        side.shutdown();
    }

    /** The audit thread's side: the batch's events, rebuilt one at a time in its own flyweight. */
    private final JournalEvent audited = new JournalEvent();

    private static final EventKind[] KINDS = EventKind.values();

    private void audit(Batch b) {
        JournalEvent e = audited;
        for (int i = 0; i < b.n; i++) {
            e.index = b.index[i];
            e.timestamp = b.time[i];
            e.thread = b.thread[i];
            e.op = b.op[i];
            e.kind = KINDS[b.kind[i]];
            e.slot = b.slot[i];
            e.before = b.before[i];
            e.after = b.after[i];
            e.handle = b.handle[i];
            e.site = b.site[i];
            e.flags = b.flags[i];
            e.metaType = (short) b.metaType[i];
            e.seq = b.seq[i];
            e.groupStart = b.groupStart[i];
            auditor.accept(e);
        }
    }

    /** Part files written. */
    long files() {
        return 2L * parts;
    }

    /** Stops the two threads; after a failure, closes the part files they left open. */
    @Override
    public void close() {
        writer.shutdownNow();
        side.shutdownNow();
        try {
            if (!writer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)
                    || !side.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                return; // still busy: leave its files to it rather than close them under it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        encoder.abandon();
    }

    private void handOff(boolean endsPart) throws IOException {
        Batch b = filling;
        b.endsPart = endsPart;
        b.part = parts;
        if (endsPart) {
            parts++;
        }
        inFlight[turn] = writer.submit(() -> {
            encoder.writeEvents(b);
            return null;
        });
        inSide[turn] = side.submit(() -> {
            if (auditor != null) {
                audit(b);
            }
            encoder.writeCalls(b);
            return null;
        });
        turn = (turn + 1) % RING;
        await(turn);
        filling = ring[turn];
        filling.n = 0;
    }

    private void await(int i) throws IOException {
        Future<?> a = inSide[i];
        inSide[i] = null;
        await(a);
        Future<?> f = inFlight[i];
        inFlight[i] = null;
        await(f);
    }

    private static void await(Future<?> f) throws IOException {
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing part files", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(String.valueOf(c), c);
        }
    }

    /** One batch of event rows, column by column. */
    static final class Batch {
        final long[] index = new long[BATCH];
        final long[] time = new long[BATCH];
        final long[] before = new long[BATCH];
        final long[] after = new long[BATCH];
        final long[] handle = new long[BATCH];
        final int[] thread = new int[BATCH];
        final int[] op = new int[BATCH];
        final int[] kind = new int[BATCH];
        final int[] slot = new int[BATCH];
        final int[] site = new int[BATCH];
        final int[] flags = new int[BATCH];
        final int[] metaType = new int[BATCH];
        /** For the audit only: the record's sequence number and whether the event starts its slot's group. */
        final long[] seq = new long[BATCH];

        final boolean[] groupStart = new boolean[BATCH];
        int n;
        int part;
        boolean endsPart;
    }

    /**
     * The writing side: the open part files, the record being summed, the calls rows not yet written. Events are
     * written on the writer thread, calls on the second thread: the two share nothing but the batches they read.
     */
    private final class Encoder {
        ParquetWriter events;
        ParquetWriter calls;
        long eventRows;
        long callRows;
        // the calls rows of the current page
        final long[] cIndex = new long[BATCH];
        final long[] cTime = new long[BATCH];
        final long[] cHandle = new long[BATCH];
        final int[] cThread = new int[BATCH];
        final int[] cOp = new int[BATCH];
        final int[] cSite = new int[BATCH];
        final int[] cEntries = new int[BATCH];
        final int[] cSlotEntries = new int[BATCH];
        final int[] cFirst = new int[BATCH];
        final int[] cLast = new int[BATCH];
        int cn;
        /** Whether {@code cn} holds a record still open (its entries may continue in the next batch). */
        boolean open;
        // scratch: definition levels and the non-null values of an optional column (events', then calls')
        final int[] defined = new int[BATCH];
        final long[] someLongs = new long[BATCH];
        final int[] callDefined = new int[BATCH];
        final int[] someInts = new int[BATCH];

        /** Writer thread: the batch's events rows. */
        void writeEvents(Batch b) throws IOException {
            if (events == null) {
                events = open(ExportSchema.EVENTS, EVENT_COLUMNS, b.part);
                eventRows = 0;
            }
            if (b.n > 0) {
                eventPages(b);
            }
            if (b.endsPart) {
                events.close();
                events = null;
            }
        }

        /** Second thread: the batch's records added to the calls rows, full pages written. */
        void writeCalls(Batch b) throws IOException {
            if (calls == null) {
                calls = open(ExportSchema.CALLS, CALL_COLUMNS, b.part);
                callRows = 0;
            }
            if (b.n > 0) {
                sumCalls(b);
            }
            if (b.endsPart) {
                if (open) {
                    cn++;
                    open = false;
                }
                callPages();
                calls.close();
                calls = null;
            }
        }

        private ParquetWriter open(ExportSchema.Table table, List<ParquetColumn> columns, int part) throws IOException {
            Path file = out.resolve(table.name()).resolve(String.format(Locale.ROOT, "part-%05d.parquet", part));
            return new ParquetWriter(file, columns, ParquetWriter.Compression.ZSTD, createdBy);
        }

        private void eventPages(Batch b) throws IOException {
            int n = b.n;
            ParquetWriter w = events;
            w.longs(0, b.index, n);
            w.longs(1, b.time, n);
            w.ints(2, b.thread, n);
            w.codes(3, b.op, n);
            w.codes(4, b.kind, n);
            w.ints(5, b.slot, n);
            int k = 0;
            for (int i = 0; i < n; i++) {
                int s = b.slot[i];
                int d = s >= 0 ? 1 : 0;
                defined[i] = d;
                someLongs[k] = s * pageSize;
                k += d;
            }
            w.optionalLongs(6, defined, n, someLongs, k);
            w.longs(7, b.before, n);
            w.longs(8, b.after, n);
            w.longs(9, b.handle, n);
            w.ints(10, b.site, n);
            w.ints(11, b.flags, n);
            w.ints(12, b.metaType, n);
            eventRows += n;
            if (eventRows / rowGroup != (eventRows - n) / rowGroup) {
                w.endRowGroup();
            }
        }

        /** Adds the batch's events to the calls rows: a new index starts a record, else the open one grows. */
        private void sumCalls(Batch b) throws IOException {
            for (int i = 0; i < b.n; i++) {
                long index = b.index[i];
                if (!open || cIndex[cn] != index) {
                    if (open && ++cn == batchRows) {
                        callPages();
                    }
                    int c = cn;
                    cIndex[c] = index;
                    cTime[c] = b.time[i];
                    cThread[c] = b.thread[i];
                    cOp[c] = b.op[i];
                    cHandle[c] = b.handle[i];
                    cSite[c] = b.site[i];
                    cEntries[c] = 0;
                    cSlotEntries[c] = 0;
                    cFirst[c] = Integer.MAX_VALUE;
                    cLast[c] = Integer.MIN_VALUE;
                    open = true;
                }
                int c = cn;
                cEntries[c]++;
                int s = b.slot[i];
                if (CHANGES_SLOT[b.kind[i]] && s >= 0 && s < nrSlots) {
                    cSlotEntries[c]++;
                    cFirst[c] = Math.min(cFirst[c], s);
                    cLast[c] = Math.max(cLast[c], s);
                }
            }
        }

        /** Writes the finished calls rows {@code [0, cn)} as one page per column. */
        private void callPages() throws IOException {
            int n = cn;
            if (n == 0) {
                return;
            }
            ParquetWriter w = calls;
            w.longs(0, cIndex, n);
            w.longs(1, cTime, n);
            w.ints(2, cThread, n);
            w.codes(3, cOp, n);
            w.longs(4, cHandle, n);
            w.ints(5, cSite, n);
            w.ints(6, cEntries, n);
            w.ints(7, cSlotEntries, n);
            int k = 0;
            for (int i = 0; i < n; i++) {
                int d = cSlotEntries[i] > 0 ? 1 : 0;
                callDefined[i] = d;
                someInts[k] = cFirst[i];
                k += d;
            }
            w.optionalInts(8, callDefined, n, someInts, k);
            k = 0;
            for (int i = 0; i < n; i++) {
                someInts[k] = cLast[i];
                k += callDefined[i];
            }
            w.optionalInts(9, callDefined, n, someInts, k);
            callRows += n;
            if (callRows / rowGroup != (callRows - n) / rowGroup) {
                w.endRowGroup();
            }
            cn = 0;
        }

        /** After a failure: closes what is open (the files are incomplete; the export reports the failure). */
        void abandon() {
            for (ParquetWriter w : new ParquetWriter[] {events, calls}) {
                if (w != null) {
                    try {
                        w.close();
                    } catch (IOException | RuntimeException e) {
                        // the export already failed; this file is left as far as it got
                    }
                }
            }
            events = null;
            calls = null;
        }
    }

    /**
     * The Parquet columns of an export table: its DuckDB types mapped, {@code optional} the columns with nulls;
     * {@code null}: every column OPTIONAL and strings PLAIN (the small tables).
     */
    static List<ParquetColumn> columns(ExportSchema.Table table, Set<String> optional) {
        List<ParquetColumn> cols = new ArrayList<>();
        for (ExportSchema.Column c : table.columns()) {
            boolean opt = optional == null || optional.contains(c.name());
            if (optional == null && c.type().equals("VARCHAR")) {
                cols.add(ParquetColumn.optional(c.name(), ParquetColumn.Type.STRING));
                continue;
            }
            ParquetColumn col =
                    switch (c.type()) {
                        case "BIGINT" -> new ParquetColumn(c.name(), ParquetColumn.Type.INT64, opt, null);
                        case "INTEGER" -> new ParquetColumn(c.name(), ParquetColumn.Type.INT32, opt, null);
                        case "SMALLINT" -> new ParquetColumn(c.name(), ParquetColumn.Type.INT16, opt, null);
                        case "BOOLEAN" -> new ParquetColumn(c.name(), ParquetColumn.Type.BOOLEAN, opt, null);
                        case "VARCHAR" ->
                            ParquetColumn.dictionary(
                                    c.name(),
                                    switch (c.name()) {
                                        case "op" -> OP_NAMES;
                                        case "kind" -> KIND_NAMES;
                                        default ->
                                            throw new IllegalStateException(
                                                    table.name() + "." + c.name() + " has no dictionary");
                                    });
                        default ->
                            throw new IllegalStateException(
                                    table.name() + "." + c.name() + ": no Parquet mapping for " + c.type());
                    };
            cols.add(col);
        }
        return List.copyOf(cols);
    }

    /** Op names by code (0..highest code; a gap would read {@code op#N}). */
    private static List<String> opNames() {
        int max = 0;
        for (OpCode op : OpCode.values()) {
            max = Math.max(max, op.code() & 0xff);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(OpCode.nameOf(c));
        }
        return List.copyOf(names);
    }

    private static List<String> kindNames() {
        List<String> names = new ArrayList<>();
        for (EventKind k : EventKind.values()) {
            names.add(k.name());
        }
        return List.copyOf(names);
    }

    private static boolean[] changesSlot() {
        boolean[] b = new boolean[EventKind.values().length];
        for (EventKind k : EventKind.values()) {
            b[k.ordinal()] = k.changesSlot();
        }
        return b;
    }
}
