package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import java.lang.ref.Cleaner;

/** Notices handles that became unreachable without {@code close()} and has the region journal them. */
final class LeakTracker {
    static final int SAMPLE_INTERVAL = 128;
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "framejournal-leak-detector");
        t.setDaemon(true);
        return t;
    });

    private final MetaRegion region;
    private final LeakDetection level;

    LeakTracker(MetaRegion region, LeakDetection level) {
        this.region = region;
        this.level = level;
    }

    LeakDetection level() {
        return level;
    }

    /**
     * Tracks a sampled handle (the engine samples: see {@code SlotEngine.begin}).
     *
     * @param site the handle's creation site id, 0 for none; a LEAKED_HANDLE record names it
     * @return a token to disarm when the handle is closed or consumed
     */
    Token track(Object handle, int slot, int pages, long handleId, OpCode mintOp, int site) {
        Token token = new Token(region, slot, pages, handleId, mintOp, site);
        token.cleanable = CLEANER.register(handle, token);
        return token;
    }

    /** What to journal if the handle leaks; must not refer to the handle itself. */
    static final class Token implements Runnable {
        private final MetaRegion region;
        private final long handleId;
        private final OpCode mintOp;
        private final int site;
        private volatile int slot;
        private volatile int pages;
        private volatile boolean disarmed;
        private Cleaner.Cleanable cleanable;

        Token(MetaRegion region, int slot, int pages, long handleId, OpCode mintOp, int site) {
            this.region = region;
            this.site = site;
            this.slot = slot;
            this.pages = pages;
            this.handleId = handleId;
            this.mintOp = mintOp;
        }

        /** The tracked handle's creation site, 0 for none. */
        int site() {
            return site;
        }

        void update(int newSlot, int newPages) {
            slot = newSlot;
            pages = newPages;
        }

        void disarm() {
            disarmed = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            if (!disarmed && pages > 0) {
                region.journalLeak(slot, pages, handleId, mintOp, site);
            }
        }
    }
}
