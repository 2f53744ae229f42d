package io.framejournal.journal;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import sun.misc.Unsafe;

/**
 * Plain reads of off-heap memory (a mapped queue file's window, or {@link RecordDecoder}'s own direct buffer), through
 * {@code sun.misc.Unsafe} (module {@code jdk.unsupported}, exported): nothing of Chronicle is loaded (the history walk
 * reads queue files without it). Called directly, not through method handles: the JIT inlines either down to the plain
 * loads, but a fresh JVM runs this interpreted (a history is often its only work), where a method handle's first calls
 * spin lambda forms and every call walks them. The main code is compiled with {@code -XDignore.symbol.file}, so
 * javac's "internal proprietary API" warning, which no {@code @SuppressWarnings} silences, does not fail
 * {@code -Werror}. Callers check their bounds.
 */
final class OffHeap {
    private static final Unsafe UNSAFE;
    /** Offset of {@code java.nio.Buffer.address} (a direct buffer's base address) in a buffer object. */
    private static final long BUFFER_ADDRESS;

    static {
        try {
            Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            UNSAFE = (Unsafe) theUnsafe.get(null);
            BUFFER_ADDRESS = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OffHeap() {}

    /** The base address of a direct buffer. */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS);
    }

    // InternalError from any read: a page of a file truncated under its mapping (SIGBUS); callers catch it

    static byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    static short getShort(long address) {
        return UNSAFE.getShort(address);
    }

    static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    static long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    /** An int read with volatile (so at least acquire) semantics: a document header a writer may be completing. */
    static int getIntVolatile(long address) {
        return UNSAFE.getIntVolatile(null, address);
    }
}
