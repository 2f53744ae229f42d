package io.framejournal.tests.misuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.FramePanicException;
import io.framejournal.allocator.GetFrameError;
import io.framejournal.allocator.GetFrameException;
import io.framejournal.allocator.LongMeta;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.MetaTypeMismatchException;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.PaddrRange;
import io.framejournal.allocator.RefCountPusher;
import io.framejournal.allocator.Segment;
import io.framejournal.allocator.UniqueFrame;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.SlotState;
import io.framejournal.tests.support.RegionChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Misuse of the allocator API, one row per misuse: each is answered with its specified exception, and the call leaves
 * every slot (state and lastIndex) and the journal exactly as they were. After the table, the region is closed and
 * its journal replayed: every verdict OK, the ledger balanced on every slot, the slot table equal to the replay.
 */
class ApiMisuseTest {
    static final long MAX_PADDR = 4L << 20;
    static final int PAGE = RegionConfig.PAGE_SIZE;

    @TempDir
    static Path tmp;

    static Path dir;
    static MetaRegion region;
    static FrameAllocOptions alloc;

    /** Prepares handles for one misuse (journaled like any use) and returns the misuse itself. */
    @FunctionalInterface
    interface Arrange {
        Act prepare() throws Exception;
    }

    @FunctionalInterface
    interface Act {
        void run() throws Exception;
    }

    /**
     * One row.
     *
     * @param name     what is misused
     * @param arrange  sets the scene, returns the misuse
     * @param expected the exception type the API specifies
     * @param error    for {@link GetFrameException}, the seed's error; else null
     */
    record Misuse(String name, Arrange arrange, Class<? extends Throwable> expected, GetFrameError error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Misuse panics(String name, Arrange a) {
        return new Misuse(name, a, FramePanicException.class, null);
    }

    static Misuse illegalState(String name, Arrange a) {
        return new Misuse(name, a, IllegalStateException.class, null);
    }

    static Misuse mismatch(String name, Arrange a) {
        return new Misuse(name, a, MetaTypeMismatchException.class, null);
    }

    static Misuse seedError(String name, GetFrameError error, Arrange a) {
        return new Misuse(name, a, GetFrameException.class, error);
    }

    @BeforeAll
    static void openRegion() {
        dir = tmp.resolve("region");
        region = MetaRegion.create(dir, RegionConfig.of(MAX_PADDR));
        alloc = new FrameAllocOptions(region);
    }

    static Stream<Misuse> misuses() {
        long end = MAX_PADDR;
        return Stream.of(
                illegalState("double close of a frame", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    f.close();
                    return f::close;
                }),
                illegalState("double close of a segment", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    s.close();
                    return s::close;
                }),
                illegalState("double close of a unique frame", () -> {
                    UniqueFrame<LongMeta> u = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
                    u.close();
                    return u::close;
                }),
                illegalState("clone after close", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    f.close();
                    return f::clone;
                }),
                illegalState("into_raw after close", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(3);
                    s.close();
                    return s::intoRaw;
                }),
                illegalState("use of a segment after split", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    s.split(2L * PAGE);
                    return s::clone;
                }),
                illegalState("use of a frame after into_raw", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    f.intoRaw();
                    return f::close;
                }),
                illegalState("set_meta on a unique frame after it became shared", () -> {
                    UniqueFrame<LongMeta> u = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
                    u.intoShared();
                    return () -> u.setMeta(new LongMeta(3, 4));
                }),
                illegalState("restore without forget (frame)", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    return () -> Frame.fromRaw(region, f.startPaddr());
                }),
                illegalState("restore twice (frame)", () -> {
                    long p = alloc.allocFrame().intoRaw();
                    Frame.fromRaw(region, p);
                    return () -> Frame.fromRaw(region, p);
                }),
                illegalState("restore without forget (segment)", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(3);
                    return () -> Segment.fromRaw(region, new PaddrRange(s.startPaddr(), s.endPaddr()), NoMeta.class);
                }),
                illegalState("restore a segment of which one frame was never forgotten", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(2);
                    long p = s.endPaddr();
                    Frame<NoMeta> f = Frame.fromUnused(region, p, NoMeta.INSTANCE);
                    PaddrRange r = s.intoRaw();
                    return () ->
                            Segment.fromRaw(region, new PaddrRange(r.start(), f.startPaddr() + PAGE), NoMeta.class);
                }),
                mismatch("restore as the wrong metadata type (frame)", () -> {
                    long p = alloc.allocFrameWith(new LongMeta(1, 2)).intoRaw();
                    return () -> Frame.fromRaw(region, p, NoMeta.class);
                }),
                mismatch("restore as the wrong metadata type (segment)", () -> {
                    PaddrRange r =
                            alloc.allocSegmentWith(3, p -> new LongMeta(5, p)).intoRaw();
                    return () -> Segment.fromRaw(region, r, NoMeta.class);
                }),
                mismatch("from_in_use as the wrong metadata type", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    return () -> Frame.fromInUse(region, f.startPaddr(), LongMeta.class);
                }),
                panics("split at 0", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.split(0);
                }),
                panics("split at the end", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.split(s.size());
                }),
                panics("split past the end", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.split(s.size() + PAGE);
                }),
                panics("split not page-aligned", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.split(PAGE + 1);
                }),
                panics("slice past the end", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.slice(0, s.size() + PAGE);
                }),
                panics("slice reversed", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.slice(2L * PAGE, PAGE);
                }),
                panics("slice misaligned", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.slice(100, PAGE);
                }),
                panics("slice with a negative start", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(4);
                    return () -> s.slice(-PAGE, PAGE);
                }),
                panics("clone of a frame at refcount MAX", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    RefCountPusher.pushToMax(region, f.startPaddr());
                    assertThat(f.referenceCount()).isEqualTo(RefCount.MAX);
                    return f::clone;
                }),
                panics("from_in_use of a frame at refcount MAX", () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    RefCountPusher.pushToMax(region, f.startPaddr());
                    return () -> Frame.fromInUse(region, f.startPaddr());
                }),
                panics("clone of a segment with a frame at refcount MAX", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(3);
                    RefCountPusher.pushToMax(region, s.startPaddr() + PAGE);
                    return s::clone;
                }),
                panics("slice over a frame at refcount MAX", () -> {
                    Segment<NoMeta> s = alloc.allocSegment(3);
                    RefCountPusher.pushToMax(region, s.startPaddr() + 2L * PAGE);
                    return () -> s.slice(PAGE, 3L * PAGE);
                }),
                panics(
                        "empty segment range",
                        () -> () -> Segment.fromUnused(region, 8L * PAGE, 8L * PAGE, p -> NoMeta.INSTANCE)),
                panics(
                        "reversed segment range",
                        () -> () -> Segment.fromUnused(region, 9L * PAGE, 8L * PAGE, p -> NoMeta.INSTANCE)),
                seedError(
                        "segment range past maxPaddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> Segment.fromUnused(region, end - PAGE, end + PAGE, p -> NoMeta.INSTANCE)),
                seedError(
                        "segment range starting at maxPaddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> Segment.fromUnused(region, end, end + 4L * PAGE, p -> NoMeta.INSTANCE)),
                seedError(
                        "frame at maxPaddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> Frame.fromUnused(region, end, NoMeta.INSTANCE)),
                seedError(
                        "unique frame past maxPaddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> UniqueFrame.fromUnused(region, end + PAGE, new LongMeta(1, 1))),
                seedError(
                        "from_in_use past maxPaddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> Frame.fromInUse(region, end + 8L * PAGE)),
                seedError(
                        "negative paddr",
                        GetFrameError.OUT_OF_BOUND,
                        () -> () -> Frame.fromUnused(region, -PAGE, NoMeta.INSTANCE)),
                seedError(
                        "unaligned frame",
                        GetFrameError.NOT_ALIGNED,
                        () -> () -> Frame.fromUnused(region, PAGE + 1, NoMeta.INSTANCE)),
                seedError(
                        "unaligned segment start",
                        GetFrameError.NOT_ALIGNED,
                        () -> () -> Segment.fromUnused(region, 1, 4L * PAGE, p -> NoMeta.INSTANCE)),
                seedError(
                        "unaligned segment end",
                        GetFrameError.NOT_ALIGNED,
                        () -> () -> Segment.fromUnused(region, 0, 4L * PAGE - 1, p -> NoMeta.INSTANCE)),
                seedError(
                        "unaligned and past maxPaddr: NotAligned first, as in the seed",
                        GetFrameError.NOT_ALIGNED,
                        () -> () -> Frame.fromInUse(region, end + 3)),
                seedError("from_unused of a frame in use", GetFrameError.IN_USE, () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    return () -> Frame.fromUnused(region, f.startPaddr(), NoMeta.INSTANCE);
                }),
                seedError("from_unused of a unique frame", GetFrameError.UNIQUE, () -> {
                    UniqueFrame<LongMeta> u = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
                    return () -> Frame.fromUnused(region, u.startPaddr(), NoMeta.INSTANCE);
                }),
                seedError("from_in_use of a free frame", GetFrameError.UNUSED, () -> {
                    Frame<NoMeta> f = alloc.allocFrame();
                    long p = f.startPaddr();
                    f.close();
                    return () -> Frame.fromInUse(region, p);
                }),
                seedError("from_in_use of a unique frame", GetFrameError.UNIQUE, () -> {
                    UniqueFrame<LongMeta> u = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
                    return () -> Frame.fromInUse(region, u.startPaddr(), LongMeta.class);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuses")
    void misuseIsRefusedAndChangesNothing(Misuse m) throws Exception {
        Act act = m.arrange().prepare();
        List<SlotState> before = snapshot();
        long journalBefore = region.lastJournalIndex();

        Throwable thrown = catchThrowable(act::run);

        assertThat(thrown).as(m.name()).isInstanceOf(m.expected());
        if (m.error() != null) {
            assertThat(((GetFrameException) thrown).error()).as(m.name()).isEqualTo(m.error());
        }
        assertThat(thrown.getMessage()).as("message of " + m.name()).isNotBlank();
        assertThat(region.lastJournalIndex()).as("journal after " + m.name()).isEqualTo(journalBefore);
        List<SlotState> after = snapshot();
        for (int slot = 0; slot < before.size(); slot++) {
            assertThat(after.get(slot).sameAs(before.get(slot), true))
                    .as("slot %d after %s: %s", slot, m.name(), after.get(slot).diff(before.get(slot)))
                    .isTrue();
        }
    }

    @Test
    void useAfterRegionCloseIsAnIllegalState() throws Exception {
        Path other = tmp.resolve("closed");
        MetaRegion closed = MetaRegion.create(other, RegionConfig.of(1L << 20));
        Frame<NoMeta> f = new FrameAllocOptions(closed).allocFrame();
        closed.close();
        closed.close(); // closing twice is harmless
        assertThat(catchThrowable(f::close)).isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowable(() -> Frame.fromUnused(closed, 0, NoMeta.INSTANCE)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowable(() -> new FrameAllocOptions(closed).allocSegment(2)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(RegionChecks.badVerdicts(other)).isEmpty();
        assertThat(RegionChecks.tableVersusReplay(other)).isEmpty();
        assertThat(RegionChecks.ledgerBreaks(other)).isEmpty();
    }

    private static List<SlotState> snapshot() {
        int nr = region.config().nrSlots();
        List<SlotState> states = new ArrayList<>(nr);
        for (int slot = 0; slot < nr; slot++) {
            states.add(region.slotStateAt(slot, new SlotState()));
        }
        return states;
    }

    @AfterAll
    static void auditTheJournal() {
        region.close();
        assertThat(RegionChecks.badVerdicts(dir))
                .as("replay verdicts other than OK")
                .isEmpty();
        assertThat(RegionChecks.ledgerBreaks(dir)).as("ledger").isEmpty();
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("slot table == replay")
                .isEmpty();
    }
}
