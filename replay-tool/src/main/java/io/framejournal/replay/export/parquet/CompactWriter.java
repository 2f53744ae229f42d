package io.framejournal.replay.export.parquet;

/**
 * The few pieces of Thrift's compact protocol that Parquet's page headers and footer need: field headers (short form
 * for id deltas 1..15), zigzag varint integers, binaries, lists and nested structs.
 */
public final class CompactWriter {
    static final int BOOL_TRUE = 1;
    static final int BOOL_FALSE = 2;
    static final int BYTE = 3;
    static final int I16 = 4;
    static final int I32 = 5;
    static final int I64 = 6;
    static final int BINARY = 8;
    static final int LIST = 9;
    static final int STRUCT = 12;

    private final ByteSink out;
    private final int[] lastIds = new int[16];
    private int depth;
    private int lastId;

    public CompactWriter(ByteSink out) {
        this.out = out;
    }

    private void field(int id, int type) {
        int delta = id - lastId;
        if (delta > 0 && delta <= 15) {
            out.writeByte(delta << 4 | type);
        } else {
            out.writeByte(type);
            out.writeZigZagLong(id);
        }
        lastId = id;
    }

    public CompactWriter i32(int id, int v) {
        field(id, I32);
        out.writeZigZagLong(v);
        return this;
    }

    public CompactWriter i16(int id, int v) {
        field(id, I16);
        out.writeZigZagLong(v);
        return this;
    }

    public CompactWriter i64(int id, long v) {
        field(id, I64);
        out.writeZigZagLong(v);
        return this;
    }

    public CompactWriter i8(int id, int v) {
        field(id, BYTE);
        out.writeByte(v);
        return this;
    }

    public CompactWriter bool(int id, boolean v) {
        field(id, v ? BOOL_TRUE : BOOL_FALSE);
        return this;
    }

    public CompactWriter binary(int id, byte[] b, int off, int n) {
        field(id, BINARY);
        out.writeVarLong(n);
        out.write(b, off, n);
        return this;
    }

    public CompactWriter string(int id, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return binary(id, b, 0, b.length);
    }

    /** A struct field: its fields follow, then {@link #end}. */
    public CompactWriter struct(int id) {
        field(id, STRUCT);
        return push();
    }

    /** A list field of {@code size} elements of {@code elementType}. */
    public CompactWriter list(int id, int elementType, int size) {
        field(id, LIST);
        if (size < 15) {
            out.writeByte(size << 4 | elementType);
        } else {
            out.writeByte(0xF0 | elementType);
            out.writeVarLong(size);
        }
        return this;
    }

    /** A struct element of a list: its fields follow, then {@link #end}. */
    public CompactWriter element() {
        return push();
    }

    /** A list element of type i32. */
    public CompactWriter i32Element(int v) {
        out.writeZigZagLong(v);
        return this;
    }

    /** A list element of type binary. */
    public CompactWriter stringElement(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeVarLong(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** Ends a struct (also the outermost one: its STOP byte). */
    public CompactWriter end() {
        out.writeByte(0);
        if (depth > 0) {
            lastId = lastIds[--depth];
        } else {
            lastId = 0;
        }
        return this;
    }

    private CompactWriter push() {
        lastIds[depth++] = lastId;
        lastId = 0;
        return this;
    }
}
