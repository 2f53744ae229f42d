package net.openhft.chronicle.queue.impl.single;

import java.nio.file.Path;
import net.openhft.chronicle.wire.WireType;

/**
 * A queue builder whose queue takes the write lock it is given instead of Chronicle's own (a lock word in the
 * queue's metadata file, taken and released with a CAS each, and read once more, around every append). For
 * FrameJournal's journal writer, which already serialises every append under its own append lock and allows one
 * writing process per region (the region's file lock): it hands its append lock to Chronicle here, so an append
 * takes one lock, not two. {@code SingleChronicleQueueBuilder.writeLock()} is package-private, hence this class's
 * package; it overrides nothing else, and a test pins that the queue it builds holds the lock given
 * ({@code ExternalWriteLockTest}).
 */
public final class ExternallyLockedQueueBuilder extends SingleChronicleQueueBuilder {
    private final transient WriteLock writeLock;

    private ExternallyLockedQueueBuilder(WriteLock writeLock) {
        this.writeLock = writeLock;
    }

    /** A binary queue at {@code dir} (as {@code SingleChronicleQueueBuilder.binary(dir)}) locked by {@code lock}. */
    public static SingleChronicleQueueBuilder binary(Path dir, WriteLock lock) {
        return new ExternallyLockedQueueBuilder(lock)
                .wireType(WireType.BINARY_LIGHT)
                .path(dir.toFile());
    }

    @Override
    WriteLock writeLock() {
        return readOnly() ? super.writeLock() : writeLock;
    }

    /** The write lock a queue holds (for the test that pins this builder's effect). */
    public static WriteLock writeLockOf(SingleChronicleQueue queue) {
        return queue.writeLock();
    }
}
