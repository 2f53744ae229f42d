package io.framejournal.allocator;

import io.framejournal.journal.OpCode;
import java.util.ArrayDeque;

/**
 * A linked list of unique frames (OSTD's {@code LinkedList<M>}): pushing sets a frame's {@code inList} to this list's
 * id, popping clears it; both are journaled. The list owns the frames it holds. Not thread-safe.
 *
 * @param <M> the metadata type
 */
public final class FrameList<M> {
    private final MetaRegion region;
    private final int id;
    private final ArrayDeque<UniqueFrame<M>> frames = new ArrayDeque<>();

    public FrameList(MetaRegion region) {
        region.ensureOpen();
        this.region = region;
        this.id = region.nextListId();
    }

    /** The id written into member slots' {@code inList}. */
    public int id() {
        return id;
    }

    public int size() {
        return frames.size();
    }

    public boolean isEmpty() {
        return frames.isEmpty();
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
        UniqueFrame<M> f = frames.pollFirst();
        return f == null ? null : unlink(f);
    }

    public UniqueFrame<M> popBack() {
        UniqueFrame<M> f = frames.pollLast();
        return f == null ? null : unlink(f);
    }

    private void link(UniqueFrame<M> frame) {
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
