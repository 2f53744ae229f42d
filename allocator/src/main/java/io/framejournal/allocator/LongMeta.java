package io.framejournal.allocator;

/**
 * Metadata holding two longs (a tag and a value); handy for tests and workloads. Type id 2.
 *
 * @param tag   what the frame is for, in the caller's terms
 * @param value a payload
 */
public record LongMeta(long tag, long value) {
    public static final MetaCodec<LongMeta> CODEC = new MetaCodec<>() {
        @Override
        public short typeId() {
            return 2;
        }

        @Override
        public Class<LongMeta> type() {
            return LongMeta.class;
        }

        @Override
        public long word0(LongMeta meta) {
            return meta.tag;
        }

        @Override
        public long word1(LongMeta meta) {
            return meta.value;
        }

        @Override
        public LongMeta decode(long word0, long word1) {
            return new LongMeta(word0, word1);
        }
    };
}
