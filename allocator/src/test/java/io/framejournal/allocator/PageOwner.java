package io.framejournal.allocator;

/**
 * A user metadata type for tests: which process owns a page and where it maps it. Stored through {@link #CODEC}
 * (type id 100) as two words: the pid and the virtual address.
 *
 * @param pid   owning process
 * @param vaddr virtual address it is mapped at
 */
record PageOwner(int pid, long vaddr) {
    static final MetaCodec<PageOwner> CODEC = MetaCodec.register(new MetaCodec<>() {
        @Override
        public short typeId() {
            return 100;
        }

        @Override
        public Class<PageOwner> type() {
            return PageOwner.class;
        }

        @Override
        public long word0(PageOwner meta) {
            return meta.pid;
        }

        @Override
        public long word1(PageOwner meta) {
            return meta.vaddr;
        }

        @Override
        public PageOwner decode(long word0, long word1) {
            return new PageOwner((int) word0, word1);
        }
    });
}
