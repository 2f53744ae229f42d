package io.framejournal.allocator;

/** Metadata that says nothing, like OSTD's {@code ()} in its frame tests. Type id 1. */
public enum NoMeta {
    INSTANCE;

    public static final MetaCodec<NoMeta> CODEC = new MetaCodec<>() {
        @Override
        public short typeId() {
            return 1;
        }

        @Override
        public Class<NoMeta> type() {
            return NoMeta.class;
        }

        @Override
        public long word0(NoMeta meta) {
            return 0;
        }

        @Override
        public long word1(NoMeta meta) {
            return 0;
        }

        @Override
        public NoMeta decode(long word0, long word1) {
            return INSTANCE;
        }
    };
}
