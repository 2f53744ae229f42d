package io.framejournal.allocator;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.SlotState;
import io.framejournal.journal.Usage;
import java.util.OptionalLong;

/**
 * One frame's slot as a user reads it: status and usage as enums, counts as numbers, no sentinels to decode. An
 * immutable copy; {@link SlotState} is the mutable engine form it is made from.
 *
 * @param paddr       the frame's physical address
 * @param frame       the frame's index ({@code paddr / pageSize})
 * @param status      what the reference count says
 * @param refCount    the raw reference count, with OSTD's sentinels ({@code -1} UNUSED, {@code -2} UNIQUE)
 * @param usage       what the frame is used for ({@code null} only for a code no version of ours writes)
 * @param metaType    the metadata type id, 0 when no metadata is initialized
 * @param meta0       first metadata word
 * @param meta1       second metadata word
 * @param list        the id of the frame list the frame is on, 0 for none
 * @param obligations live handles' obligations on the frame
 * @param raw         references forgotten with {@code intoRaw} and not yet restored
 * @param lastIndex   journal index of the last event applied to the slot, {@link JournalIndex#NONE} for none
 */
public record SlotView(
        long paddr,
        int frame,
        FrameStatus status,
        long refCount,
        Usage usage,
        int metaType,
        long meta0,
        long meta1,
        int list,
        long obligations,
        long raw,
        long lastIndex) {

    /** A view of {@code s}, the slot of frame {@code frame} in a region with pages of {@code pageSize} bytes. */
    public static SlotView of(int frame, int pageSize, SlotState s) {
        return new SlotView(
                (long) frame * pageSize,
                frame,
                FrameStatus.of(s.refCount),
                s.refCount,
                Usage.ofCode(s.usage),
                s.metaType,
                s.meta0,
                s.meta1,
                s.inList,
                s.obligations,
                s.raw,
                s.lastIndex);
    }

    /** The number of shared references, when {@link #status()} is {@link FrameStatus#SHARED}. */
    public OptionalLong sharedReferences() {
        return status == FrameStatus.SHARED ? OptionalLong.of(refCount) : OptionalLong.empty();
    }

    public boolean isFree() {
        return status == FrameStatus.FREE;
    }

    public boolean hasMetadata() {
        return metaType != 0;
    }

    public boolean onList() {
        return list != 0;
    }

    /** Handles' obligations and raw references explain the reference count (meaningful for a shared frame). */
    public boolean ledgerBalanced() {
        return status != FrameStatus.SHARED || refCount == obligations + raw;
    }
}
