package io.framejournal.allocator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a metadata type stores itself in its slot: a type id and two 64-bit words (16 bytes; OSTD allows 64 in
 * all per slot). Type id 0 means "no metadata"; ids 1..15 are FrameJournal's own. Register a codec once per
 * JVM with {@link #register}; frames find it by the metadata value's class or by the slot's type id.
 *
 * @param <M> the metadata type
 */
public interface MetaCodec<M> {
    short typeId();

    Class<M> type();

    long word0(M meta);

    long word1(M meta);

    M decode(long word0, long word1);

    /** Registers a codec; registering the same codec again is harmless, a clash of ids or classes is an error. */
    static <M> MetaCodec<M> register(MetaCodec<M> codec) {
        return Registry.register(codec);
    }

    /** {@code meta}, refused when null with what to pass (before anything is read or journaled). */
    static <M> M requireMeta(M meta) {
        if (meta == null) {
            throw new NullPointerException("the metadata is null: pass the value the frame is to hold");
        }
        return meta;
    }

    /**
     * The codec for a metadata value's class; an unregistered class is an {@link IllegalArgumentException}. The class
     * is initialized first, so a codec that {@code type} registers in its own static initializer (e.g. a record's
     * {@code static final MetaCodec<X> CODEC = MetaCodec.register(...)}) is found even before any value of it exists.
     */
    @SuppressWarnings("unchecked")
    static <M> MetaCodec<M> of(Class<M> type) {
        if (type == null) {
            throw new NullPointerException("the metadata type is null: pass the class of the metadata the frames hold");
        }
        Registry.Found last = Registry.last;
        if (last.type == type) {
            return (MetaCodec<M>) last.codec; // a codec, once registered, stays: no map lookup per allocation
        }
        MetaCodec<?> c = Registry.BY_CLASS.get(type);
        if (c == null) {
            initialize(type);
            c = Registry.BY_CLASS.get(type);
        }
        if (c == null) {
            throw new IllegalArgumentException(
                    "no MetaCodec registered for " + type.getName() + "; call MetaCodec.register(...) first");
        }
        Registry.last = new Registry.Found(type, c);
        return (MetaCodec<M>) c;
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot initialize " + type.getName(), e);
        }
    }

    /** The codec for a slot's type id, or {@code null}. */
    static MetaCodec<?> ofTypeId(int typeId) {
        return Registry.BY_ID.get(typeId);
    }

    /** Codec registry; holds the built-ins from the start. */
    final class Registry {
        static final Map<Class<?>, MetaCodec<?>> BY_CLASS = new ConcurrentHashMap<>();
        static final Map<Integer, MetaCodec<?>> BY_ID = new ConcurrentHashMap<>();

        /** A class and its codec, as {@link #of} last found them. */
        record Found(Class<?> type, MetaCodec<?> codec) {}

        /** The last codec {@link #of} looked up (registrations are never undone, so it stays right). */
        static volatile Found last = new Found(NoMeta.class, NoMeta.CODEC);

        static {
            register(NoMeta.CODEC);
            register(LongMeta.CODEC);
        }

        private Registry() {}

        static synchronized <M> MetaCodec<M> register(MetaCodec<M> codec) {
            int id = codec.typeId();
            if (id == 0) {
                throw new IllegalArgumentException("metadata type id 0 means 'no metadata'; pick another");
            }
            MetaCodec<?> byId = BY_ID.get(id);
            MetaCodec<?> byClass = BY_CLASS.get(codec.type());
            if ((byId != null && byId.type() != codec.type()) || (byClass != null && byClass.typeId() != id)) {
                throw new IllegalArgumentException("metadata type id " + id + " or class "
                        + codec.type().getName() + " is already registered to another codec");
            }
            BY_ID.put(id, codec);
            BY_CLASS.put(codec.type(), codec);
            return codec;
        }
    }
}
