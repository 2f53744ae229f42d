package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;

/**
 * A linked list of unique frames (OSTD's {@code LinkedList<M>}): pushing sets a frame's {@code inList} to this list's
 * id, popping clears it; both are journaled. The list owns the frames it holds. A frame closed (or reset) while on the
 * list leaves it with that call, which clears its {@code inList} in the same record: the list then no longer counts,
 * shows or hands out that handle. Not thread-safe.
 *
 * @param <M> the metadata type
 */
public final class FrameList<M> implements Iterable<UniqueFrame<M>> {
    private final MetaRegion region;
    private final int id;
    private final ArrayDeque<UniqueFrame<M>> frames = new ArrayDeque<>();

    public FrameList(MetaRegion region) {
        java.util.Objects.requireNonNull(region, "the region is null: pass the open region of the list's frames");
        region.ensureOpen();
        this.region = region;
        this.id = region.nextListId();
    }

    /** The id written into member slots' {@code inList}. */
    public int id() {
        return id;
    }

    public int size() {
        forgetClosed();
        return frames.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Whether {@code frame} (this very handle) is on the list. */
    public boolean contains(UniqueFrame<M> frame) {
        forgetClosed();
        for (UniqueFrame<M> f : frames) {
            if (f == frame) {
                return true;
            }
        }
        return false;
    }

    /** The first frame without removing it, or {@code null} when empty. */
    public UniqueFrame<M> peekFront() {
        forgetClosed();
        return frames.peekFirst();
    }

    /** The last frame without removing it, or {@code null} when empty. */
    public UniqueFrame<M> peekBack() {
        forgetClosed();
        return frames.peekLast();
    }

    /**
     * The frames front to back, read-only: the list still owns them (pop one to take it off). {@code remove} is not
     * supported: unlinking is journaled and goes through {@link #popFront()}/{@link #popBack()}.
     */
    @Override
    public Iterator<UniqueFrame<M>> iterator() {
        forgetClosed();
        return Collections.unmodifiableCollection(frames).iterator();
    }

    public void pushFront(UniqueFrame<M> frame) {
        link(frame);
        frames.addFirst(frame);
    }

    public void pushBack(UniqueFrame<M> frame) {
        link(frame);
        frames.addLast(frame);
    }

    /** @return the first frame, no longer on the list, or {@code null} when empty */
    public UniqueFrame<M> popFront() {
        forgetClosed();
        UniqueFrame<M> f = frames.pollFirst();
        return f == null ? null : unlink(f);
    }

    public UniqueFrame<M> popBack() {
        forgetClosed();
        UniqueFrame<M> f = frames.pollLast();
        return f == null ? null : unlink(f);
    }

    /**
     * Drops the handles closed while on the list: their frames left it when they were released (possibly to be
     * claimed and listed again by another handle since), so the list must not count or hand them out.
     */
    private void forgetClosed() {
        frames.removeIf(Handle::isClosed);
    }

    private void link(UniqueFrame<M> frame) {
        java.util.Objects.requireNonNull(frame, "the frame is null: pass a live UniqueFrame of this list's region");
        frame.ensureLive();
        if (frame.region != region) {
            throw new IllegalArgumentException("frame belongs to another region");
        }
        region.engine().setList(frame.slot(), OpCode.LIST_PUSH, frame.handleId(), id);
    }

    private UniqueFrame<M> unlink(UniqueFrame<M> frame) {
        frame.ensureLive(); // closed while listed: its slot may belong to another handle (and list) by now
        region.engine().setList(frame.slot(), OpCode.LIST_POP, frame.handleId(), 0);
        return frame;
    }
}
