package io.framejournal.replay.export.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one Parquet file of flat columns, column by column, without a row appender: {@code PAR1}, row groups of
 * column chunks (a PLAIN dictionary page then RLE_DICTIONARY data pages for strings; DELTA_BINARY_PACKED data pages
 * for integers; definition levels, RLE, for OPTIONAL columns), and the Thrift-compact {@code FileMetaData} footer with
 * each chunk's statistics (min, max, null count).
 *
 * <p>Use: for each row group, hand every column its pages ({@link #longs}, {@link #ints}, {@link #optionalLongs},
 * {@link #optionalInts}, {@link #codes}; any number of pages a column, in any column order, the same rows for every
 * column), then {@link #endRowGroup}; {@link #close} writes the footer. Pages are encoded and compressed as they
 * are handed in and kept (compressed) until their row group ends, so memory is bounded by one row group's output. One
 * thread; no allocation per value, except in {@link #strings} and {@link #optionalBooleans}, which are for the small
 * tables. A column chunk is ZSTD-compressed (when asked) only if its first page shrinks by at least 1/8.
 */
public final class ParquetWriter implements Closeable {
    /** Page compression. */
    public enum Compression {
        UNCOMPRESSED(0),
        ZSTD(6);

        final int codec;

        Compression(int codec) {
            this.codec = codec;
        }
    }

    static final int DATA_PAGE = 0;
    static final int DICTIONARY_PAGE = 2;
    static final int PLAIN = 0;
    static final int RLE = 3;
    static final int DELTA_BINARY_PACKED = 5;
    static final int RLE_DICTIONARY = 8;

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    /** ZSTD level: 1, the fastest of the regular levels (the columns are already delta packed). */
    static final int ZSTD_LEVEL = 1;
    /** A chunk is compressed when its first page shrinks by at least 1/8. */
    static final int MIN_SAVING = 8;

    private final List<ParquetColumn> columns;
    private final Compression compression;
    private final String createdBy;
    private final OutputStream out;
    private final Path file;
    private long position;
    private long rows;
    private final Chunk[] chunks;
    private final List<RowGroupMeta> rowGroups = new ArrayList<>();

    private final ByteSink raw = new ByteSink(1 << 20);
    private final ByteSink packed = new ByteSink(1 << 20);
    private final ByteSink header = new ByteSink(256);
    private final CompactWriter headerWriter = new CompactWriter(header);
    private final DeltaBinaryPacked delta = new DeltaBinaryPacked();
    private final ZstdCompressCtx zstd;

    /**
     * @param file        created (or truncated)
     * @param columns     the schema, in order
     * @param compression page compression
     * @param createdBy   the footer's created_by, "app version x.y.z" (what readers parse)
     */
    public ParquetWriter(Path file, List<ParquetColumn> columns, Compression compression, String createdBy)
            throws IOException {
        this.file = file;
        this.columns = List.copyOf(columns);
        this.compression = compression;
        this.createdBy = createdBy;
        this.chunks = new Chunk[columns.size()];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new Chunk(this.columns.get(i));
        }
        this.out = new FileOutputStream(file.toFile());
        this.zstd = compression == Compression.ZSTD ? new ZstdCompressCtx().setLevel(ZSTD_LEVEL) : null;
        write(MAGIC, 0, MAGIC.length);
    }

    public Path file() {
        return file;
    }

    /** Rows in the finished row groups. */
    public long rows() {
        return rows;
    }

    /** Column {@code col}'s chunk, checked to be of the physical type a page call writes. */
    private Chunk chunk(int col, ParquetColumn.Physical physical) {
        if (col < 0 || col >= chunks.length) {
            throw new IllegalArgumentException("no column " + col + " in " + file);
        }
        Chunk c = chunks[col];
        if (c.column.type().physical != physical) {
            throw new IllegalArgumentException("column " + c.column.name() + " is " + c.column.type());
        }
        return c;
    }

    /** A page of a REQUIRED INT64 column. */
    public void longs(int col, long[] v, int n) {
        Chunk c = chunk(col, ParquetColumn.Physical.INT64);
        requireRequired(c);
        raw.reset();
        delta.encodeLongs(v, 0, n, raw);
        c.stats(delta, n);
        page(c, n, DELTA_BINARY_PACKED);
    }

    /** A page of a REQUIRED INT32 or INT16 column. */
    public void ints(int col, int[] v, int n) {
        Chunk c = chunk(col, ParquetColumn.Physical.INT32);
        requireRequired(c);
        raw.reset();
        delta.encodeInts(v, 0, n, raw);
        c.stats(delta, n);
        page(c, n, DELTA_BINARY_PACKED);
    }

    /**
     * A page of an OPTIONAL INT64 column: {@code defined[i]} is 1 for a value, 0 for a null ({@code rows} of them);
     * {@code values[0..count)} are the non-null values in row order.
     */
    public void optionalLongs(int col, int[] defined, int rows, long[] values, int count) {
        Chunk c = chunk(col, ParquetColumn.Physical.INT64);
        requireOptional(c);
        raw.reset();
        levels(defined, rows);
        delta.encodeLongs(values, 0, count, raw);
        c.stats(delta, count);
        c.nulls += rows - count;
        page(c, rows, DELTA_BINARY_PACKED);
    }

    /** A page of an OPTIONAL INT32 or INT16 column; see {@link #optionalLongs}. */
    public void optionalInts(int col, int[] defined, int rows, int[] values, int count) {
        Chunk c = chunk(col, ParquetColumn.Physical.INT32);
        requireOptional(c);
        raw.reset();
        levels(defined, rows);
        delta.encodeInts(values, 0, count, raw);
        c.stats(delta, count);
        c.nulls += rows - count;
        page(c, rows, DELTA_BINARY_PACKED);
    }

    /**
     * A page of a PLAIN string column (REQUIRED, or OPTIONAL with {@code null} for a null). Small tables only: it
     * encodes each value to UTF-8.
     */
    public void strings(int col, String[] v, int n) {
        Chunk c = chunk(col, ParquetColumn.Physical.BYTE_ARRAY);
        if (c.column.dictionary() != null) {
            throw new IllegalArgumentException("column " + c.column.name() + " is dictionary encoded: give codes");
        }
        raw.reset();
        int count = n;
        if (c.column.optional()) {
            int[] defined = new int[n];
            count = 0;
            for (int i = 0; i < n; i++) {
                defined[i] = v[i] == null ? 0 : 1;
                count += defined[i];
            }
            levels(defined, n);
        }
        for (int i = 0; i < n; i++) {
            if (v[i] == null) {
                if (!c.column.optional()) {
                    throw new IllegalArgumentException(
                            "column " + c.column.name() + " is REQUIRED: row " + i + " is null");
                }
                continue;
            }
            byte[] b = v[i].getBytes(StandardCharsets.UTF_8);
            raw.writeIntLE(b.length);
            raw.write(b, 0, b.length);
            c.stats(b);
        }
        c.nulls += n - count;
        page(c, n, PLAIN);
    }

    /**
     * A page of an OPTIONAL BOOLEAN column (PLAIN: one bit a value): {@code bits[0..count)} are the non-null values,
     * 0 or 1; see {@link #optionalLongs}.
     */
    public void optionalBooleans(int col, int[] defined, int rows, int[] bits, int count) {
        Chunk c = chunk(col, ParquetColumn.Physical.BOOLEAN);
        requireOptional(c);
        raw.reset();
        levels(defined, rows);
        BitPacking.packInts(bits, 0, (count + 7) & ~7, count, 1, raw);
        c.stats(bits, count);
        c.nulls += rows - count;
        page(c, rows, PLAIN);
    }

    /** A page of a (REQUIRED) dictionary column: {@code codes[i]} indexes its dictionary. */
    public void codes(int col, int[] codes, int n) {
        Chunk c = chunk(col, ParquetColumn.Physical.BYTE_ARRAY);
        if (c.column.dictionary() == null) {
            throw new IllegalArgumentException("column " + c.column.name() + " has no dictionary: give strings");
        }
        int size = c.column.dictionary().size();
        for (int i = 0; i < n; i++) {
            int k = codes[i];
            if (k < 0 || k >= size) {
                throw new IllegalArgumentException(
                        "column " + c.column.name() + ": code " + k + " is outside its dictionary of " + size);
            }
            c.used[k] = true;
        }
        raw.reset();
        int width = BitPacking.width(size - 1);
        raw.writeByte(width);
        RleHybrid.encode(codes, n, width, raw);
        page(c, n, RLE_DICTIONARY);
    }

    private static void requireRequired(Chunk c) {
        if (c.column.optional()) {
            throw new IllegalArgumentException("column " + c.column.name() + " is OPTIONAL: give its nulls");
        }
    }

    private static void requireOptional(Chunk c) {
        if (!c.column.optional()) {
            throw new IllegalArgumentException("column " + c.column.name() + " is REQUIRED: it has no nulls");
        }
    }

    /** Definition levels (max level 1) as data page v1 carries them: a 4-byte length, then the RLE hybrid. */
    private void levels(int[] defined, int rows) {
        int at = raw.size();
        raw.writeIntLE(0);
        RleHybrid.encode(defined, rows, 1, raw);
        raw.setIntLE(at, raw.size() - at - 4);
    }

    /**
     * Compresses {@link #raw} (as its chunk's first page decided) and keeps it, with its header, in the column's
     * chunk. The first page of a chunk decides for all its pages: ZSTD when it saves at least {@link #MIN_SAVING} of
     * the page, else the chunk is stored uncompressed (nearly random deltas, such as handles, do not compress, and
     * compressing them would only cost time).
     */
    private void page(Chunk c, int values, int encoding) {
        ByteSink body = raw;
        if (c.codec == null) {
            body = compress(raw);
            c.codec = body != raw && body.size() <= raw.size() - raw.size() / MIN_SAVING
                    ? compression
                    : Compression.UNCOMPRESSED;
            if (c.codec == Compression.UNCOMPRESSED) {
                body = raw;
            }
        } else if (c.codec != Compression.UNCOMPRESSED) {
            body = compress(raw);
        }
        header.reset();
        headerWriter
                .i32(1, DATA_PAGE)
                .i32(2, raw.size())
                .i32(3, body.size())
                .struct(5)
                .i32(1, values)
                .i32(2, encoding)
                .i32(3, RLE)
                .i32(4, RLE)
                .end()
                .end();
        c.pages.write(header);
        c.pages.write(body);
        c.values += values;
        c.uncompressed += header.size() + raw.size();
        c.compressed += header.size() + body.size();
    }

    private ByteSink compress(ByteSink src) {
        if (zstd == null) {
            return src;
        }
        packed.reset();
        int bound = (int) Zstd.compressBound(src.size());
        packed.ensure(bound);
        int n = zstd.compressByteArray(packed.array(), 0, bound, src.array(), 0, src.size());
        packed.advance(n);
        return packed;
    }

    /** Writes the row group's column chunks (every column must have the same rows). */
    public void endRowGroup() throws IOException {
        long n = chunks[0].values;
        for (Chunk c : chunks) {
            if (c.values != n) {
                throw new IllegalStateException("row group of " + file + ": column " + c.column.name() + " has "
                        + c.values + " rows, " + chunks[0].column.name() + " has " + n);
            }
        }
        if (n == 0) {
            return;
        }
        long start = position;
        long uncompressed = 0;
        List<ChunkMeta> metas = new ArrayList<>(chunks.length);
        for (Chunk c : chunks) {
            long chunkStart = position;
            long dictionaryOffset = -1;
            long u = c.uncompressed;
            long z = c.compressed;
            if (c.column.dictionary() != null) {
                dictionaryOffset = position;
                raw.reset();
                for (String s : c.column.dictionary()) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    raw.writeIntLE(b.length);
                    raw.write(b, 0, b.length);
                }
                ByteSink body = c.codec == Compression.UNCOMPRESSED ? raw : compress(raw);
                header.reset();
                headerWriter
                        .i32(1, DICTIONARY_PAGE)
                        .i32(2, raw.size())
                        .i32(3, body.size())
                        .struct(7)
                        .i32(1, c.column.dictionary().size())
                        .i32(2, PLAIN)
                        .end()
                        .end();
                write(header.array(), 0, header.size());
                write(body.array(), 0, body.size());
                u += header.size() + raw.size();
                z += header.size() + body.size();
            }
            long dataOffset = position;
            write(c.pages.array(), 0, c.pages.size());
            metas.add(new ChunkMeta(
                    c.column, chunkStart, dataOffset, dictionaryOffset, c.values, u, z, c.statistics(), c.codec));
            uncompressed += u;
            c.reset();
        }
        rowGroups.add(new RowGroupMeta(metas, n, start, uncompressed, position - start));
        rows += n;
    }

    private void write(byte[] b, int off, int n) throws IOException {
        out.write(b, off, n);
        position += n;
    }

    /** Ends the last row group and writes the footer. */
    @Override
    public void close() throws IOException {
        try {
            endRowGroup();
            ByteSink footer = new ByteSink(4096);
            writeFooter(new CompactWriter(footer));
            write(footer.array(), 0, footer.size());
            ByteSink tail = new ByteSink(8);
            tail.writeIntLE(footer.size());
            tail.write(MAGIC, 0, MAGIC.length);
            write(tail.array(), 0, tail.size());
        } finally {
            out.close();
            if (zstd != null) {
                zstd.close();
            }
        }
    }

    private void writeFooter(CompactWriter w) {
        w.i32(1, 1);
        w.list(2, CompactWriter.STRUCT, columns.size() + 1);
        w.element().string(4, "schema").i32(5, columns.size()).end();
        for (ParquetColumn c : columns) {
            w.element()
                    .i32(1, c.type().physical.id)
                    .i32(3, c.optional() ? 1 : 0)
                    .string(4, c.name());
            if (c.type() == ParquetColumn.Type.STRING) {
                w.i32(6, c.type().converted).struct(10).struct(1).end().end();
            } else if (c.type() != ParquetColumn.Type.BOOLEAN) {
                w.i32(6, c.type().converted)
                        .struct(10)
                        .struct(10)
                        .i8(1, c.type().bits)
                        .bool(2, true)
                        .end()
                        .end();
            }
            w.end();
        }
        w.i64(3, rows);
        w.list(4, CompactWriter.STRUCT, rowGroups.size());
        for (int g = 0; g < rowGroups.size(); g++) {
            RowGroupMeta rg = rowGroups.get(g);
            w.element().list(1, CompactWriter.STRUCT, rg.chunks.size());
            for (ChunkMeta m : rg.chunks) {
                w.element().i64(2, m.start).struct(3);
                w.i32(1, m.column.type().physical.id);
                boolean dict = m.dictionaryOffset >= 0;
                w.list(2, CompactWriter.I32, dict ? 3 : 2);
                if (dict) {
                    w.i32Element(PLAIN).i32Element(RLE_DICTIONARY).i32Element(RLE);
                } else {
                    w.i32Element(plain(m.column) ? PLAIN : DELTA_BINARY_PACKED).i32Element(RLE);
                }
                w.list(3, CompactWriter.BINARY, 1).stringElement(m.column.name());
                w.i32(4, m.codec.codec)
                        .i64(5, m.values)
                        .i64(6, m.uncompressed)
                        .i64(7, m.compressed)
                        .i64(9, m.dataOffset);
                if (dict) {
                    w.i64(11, m.dictionaryOffset);
                }
                Statistics s = m.statistics;
                w.struct(12).i64(3, s.nulls);
                if (s.max != null) {
                    w.binary(5, s.max, 0, s.max.length).binary(6, s.min, 0, s.min.length);
                }
                w.end(); // statistics
                w.end(); // meta_data
                w.end(); // column chunk
            }
            w.i64(2, rg.uncompressed)
                    .i64(3, rg.rows)
                    .i64(5, rg.start)
                    .i64(6, rg.compressed)
                    .i16(7, g);
            w.end();
        }
        w.string(6, createdBy);
        w.list(7, CompactWriter.STRUCT, columns.size());
        for (int i = 0; i < columns.size(); i++) {
            w.element().struct(1).end().end(); // TYPE_ORDER: min and max compare as the logical type says
        }
        w.end();
    }

    /** Whether the column's pages are PLAIN (strings without a dictionary, booleans), else DELTA_BINARY_PACKED. */
    private static boolean plain(ParquetColumn c) {
        return c.type() == ParquetColumn.Type.BOOLEAN || c.type() == ParquetColumn.Type.STRING;
    }

    /** Min and max (plain-encoded, {@code null} when the chunk has no value) and nulls of one column chunk. */
    record Statistics(byte[] min, byte[] max, long nulls) {}

    private record ChunkMeta(
            ParquetColumn column,
            long start,
            long dataOffset,
            long dictionaryOffset,
            long values,
            long uncompressed,
            long compressed,
            Statistics statistics,
            Compression codec) {}

    private record RowGroupMeta(List<ChunkMeta> chunks, long rows, long start, long uncompressed, long compressed) {}

    /** One column's pages of the row group being written, and their statistics. */
    private static final class Chunk {
        final ParquetColumn column;
        final ByteSink pages = new ByteSink(1 << 16);
        final boolean[] used;
        /** Chosen by the chunk's first page; {@code null} before it. */
        Compression codec;

        long values;
        long nulls;
        long uncompressed;
        long compressed;
        long min;
        long max;
        boolean any;

        Chunk(ParquetColumn column) {
            this.column = column;
            this.used = column.dictionary() == null
                    ? null
                    : new boolean[column.dictionary().size()];
            reset();
        }

        void reset() {
            pages.reset();
            codec = null;
            values = 0;
            nulls = 0;
            uncompressed = 0;
            compressed = 0;
            min = Long.MAX_VALUE;
            max = Long.MIN_VALUE;
            any = false;
            minBytes = null;
            maxBytes = null;
            if (used != null) {
                java.util.Arrays.fill(used, false);
            }
        }

        void stats(DeltaBinaryPacked d, int n) {
            if (n > 0) {
                min = Math.min(min, d.min());
                max = Math.max(max, d.max());
                any = true;
            }
        }

        void stats(int[] v, int n) {
            int lo = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, min));
            int hi = (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, max));
            for (int i = 0; i < n; i++) {
                int x = v[i];
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            min = lo;
            max = hi;
            any |= n > 0;
        }

        byte[] minBytes;
        byte[] maxBytes;

        /** Statistics of a PLAIN string: unsigned byte-wise order, as Parquet compares UTF-8. */
        void stats(byte[] b) {
            if (minBytes == null || java.util.Arrays.compareUnsigned(b, minBytes) < 0) {
                minBytes = b;
            }
            if (maxBytes == null || java.util.Arrays.compareUnsigned(b, maxBytes) > 0) {
                maxBytes = b;
            }
        }

        Statistics statistics() {
            if (column.type() == ParquetColumn.Type.STRING && used == null) {
                return new Statistics(minBytes, maxBytes, nulls);
            }
            if (used != null) {
                String lo = null;
                String hi = null;
                for (int k = 0; k < used.length; k++) {
                    if (used[k]) {
                        String s = column.dictionary().get(k);
                        lo = lo == null || s.compareTo(lo) < 0 ? s : lo;
                        hi = hi == null || s.compareTo(hi) > 0 ? s : hi;
                    }
                }
                return lo == null
                        ? new Statistics(null, null, nulls)
                        : new Statistics(
                                lo.getBytes(StandardCharsets.UTF_8), hi.getBytes(StandardCharsets.UTF_8), nulls);
            }
            if (!any) {
                return new Statistics(null, null, nulls);
            }
            int width = column.type().physical.width;
            ByteSink b = new ByteSink(16);
            if (width == 8) {
                b.writeLongLE(min);
                b.writeLongLE(max);
            } else if (width == 1) {
                b.writeByte((int) min);
                b.writeByte((int) max);
            } else {
                b.writeIntLE((int) min);
                b.writeIntLE((int) max);
            }
            byte[] all = b.toByteArray();
            return new Statistics(
                    java.util.Arrays.copyOfRange(all, 0, width),
                    java.util.Arrays.copyOfRange(all, width, 2 * width),
                    nulls);
        }
    }
}
