package io.framejournal.journal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Plain reads of off-heap memory (a mapped queue file's window, or {@link RecordDecoder}'s own direct buffer), through
 * {@code sun.misc.Unsafe} (module {@code jdk.unsupported}) found reflectively: nothing of Chronicle is loaded (the
 * history walk reads queue files without it), and javac's proprietary-API warning does not apply. The method handles
 * are static finals, which the JIT inlines down to the plain loads. Callers check their bounds.
 */
final class OffHeap {
    private static final MethodHandle GET_BYTE;
    private static final MethodHandle GET_SHORT;
    private static final MethodHandle GET_INT;
    private static final MethodHandle GET_LONG;
    private static final MethodHandle GET_OBJECT_LONG;
    /** Offset of {@code java.nio.Buffer.address} (a direct buffer's base address) in a buffer object. */
    private static final long BUFFER_ADDRESS;

    static {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            GET_BYTE = read(lookup, unsafeClass, unsafe, "getByte", byte.class);
            GET_SHORT = read(lookup, unsafeClass, unsafe, "getShort", short.class);
            GET_INT = read(lookup, unsafeClass, unsafe, "getInt", int.class);
            GET_LONG = read(lookup, unsafeClass, unsafe, "getLong", long.class);
            GET_OBJECT_LONG = lookup.findVirtual(
                            unsafeClass, "getLong", MethodType.methodType(long.class, Object.class, long.class))
                    .bindTo(unsafe);
            MethodHandle fieldOffset = lookup.findVirtual(
                            unsafeClass, "objectFieldOffset", MethodType.methodType(long.class, Field.class))
                    .bindTo(unsafe);
            BUFFER_ADDRESS = (long) fieldOffset.invokeExact(Buffer.class.getDeclaredField("address"));
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OffHeap() {}

    private static MethodHandle read(
            MethodHandles.Lookup lookup, Class<?> unsafeClass, Object unsafe, String name, Class<?> type)
            throws ReflectiveOperationException {
        return lookup.findVirtual(unsafeClass, name, MethodType.methodType(type, long.class))
                .bindTo(unsafe);
    }

    /** The base address of a direct buffer. */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        try {
            return (long) GET_OBJECT_LONG.invokeExact((Object) direct, BUFFER_ADDRESS);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static byte getByte(long address) {
        try {
            return (byte) GET_BYTE.invokeExact(address);
        } catch (RuntimeException | Error e) {
            throw e; // InternalError: a page of a file truncated under its mapping (SIGBUS)
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static short getShort(long address) {
        try {
            return (short) GET_SHORT.invokeExact(address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int getInt(long address) {
        try {
            return (int) GET_INT.invokeExact(address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long getLong(long address) {
        try {
            return (long) GET_LONG.invokeExact(address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
