package io.framejournal.replay.export.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer written front to back, reused between pages (reset, never reallocated once big enough):
 * little-endian fixed-width values, ULEB128 varints and zigzag varints, as Parquet and Thrift's compact protocol
 * spell them.
 */
public final class ByteSink {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] buf;
    int len;

    public ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Bytes written since the last {@link #reset}. */
    public int size() {
        return len;
    }

    /** The backing array: bytes {@code [0, size())} are the content. */
    public byte[] array() {
        return buf;
    }

    public void reset() {
        len = 0;
    }

    /** Makes room for {@code extra} more bytes. */
    public void ensure(int extra) {
        long need = (long) len + extra;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a Parquet buffer would exceed 2 GiB (" + need + " bytes)");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length)));
        }
    }

    /** Marks {@code n} bytes written directly into {@link #array()} at {@link #size()}. */
    public void advance(int n) {
        len += n;
    }

    public void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    public void writeIntLE(int v) {
        ensure(4);
        INT_LE.set(buf, len, v);
        len += 4;
    }

    public void writeLongLE(long v) {
        ensure(8);
        LONG_LE.set(buf, len, v);
        len += 8;
    }

    /** Overwrites 4 bytes at {@code pos} (a length prefix written before its content was known). */
    public void setIntLE(int pos, int v) {
        INT_LE.set(buf, pos, v);
    }

    /** ULEB128: 7 bits a byte, low groups first, the high bit set on all but the last. */
    public void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    /** Zigzag then ULEB128 (Thrift compact i16/i32/i64, Parquet's delta header values). */
    public void writeZigZagLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    public void write(ByteSink other) {
        write(other.buf, 0, other.len);
    }

    public void writeUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
    }

    /** A copy of the content (tests, small metadata). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    static void putLongLE(byte[] b, int pos, long v) {
        LONG_LE.set(b, pos, v);
    }
}
