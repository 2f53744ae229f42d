package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.RegionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedding API's argument checks: a bad argument is refused up front, with a message that says which one and what
 * to pass, before anything is written; a closed region refuses every call that reads it.
 */
class ApiArgumentChecksTest extends RegionTestBase {
    private List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void create_with_null_options_writes_nothing() throws IOException {
        Path dir = tmp.resolve("never");
        List<Path> before = entries(tmp);
        assertThatThrownBy(() -> MetaRegion.create(dir, TestRegions.SMALL, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region options are null: leave them out to get the defaults");
        assertThat(dir).doesNotExist();
        assertThat(entries(tmp)).as("no region and no .creating sibling").isEqualTo(before);
        MetaRegion.create(dir, TestRegions.SMALL).close(); // the directory is still usable
    }

    @Test
    void create_with_a_null_dir_or_config_is_refused_with_what_to_pass() throws IOException {
        List<Path> before = entries(tmp);
        assertThatThrownBy(() -> MetaRegion.create(null, TestRegions.SMALL))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region directory is null: pass the directory of the region to create");
        assertThatThrownBy(() -> MetaRegion.create(tmp.resolve("never"), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region config is null: pass the config of the region to create");
        assertThat(entries(tmp)).isEqualTo(before);
    }

    @Test
    void a_retention_archive_the_checkpointer_could_never_use_is_refused_before_anything_is_written()
            throws IOException {
        Path dir = region.dir();
        region.close();
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Checkpointer.Policy inside =
                Checkpointer.Policy.everyRecords(1).retaining(new Checkpointer.Retain(0, dir.resolve("archive")));
        Checkpointer.Policy notADirectory =
                Checkpointer.Policy.everyRecords(1).retaining(new Checkpointer.Retain(0, file));
        List<Path> before = entries(dir);
        long journalEnd = io.framejournal.journal.RegionStatus.read(dir.resolve("region.status"))
                .checkpoint();

        assertThatThrownBy(() -> MetaRegion.open(dir, RegionOptions.defaults().withCheckpoints(inside)))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("is inside the region")
                .hasMessageContaining("name a directory outside it");
        assertThatThrownBy(() -> MetaRegion.open(dir, RegionOptions.defaults().withCheckpoints(notADirectory)))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("exists and is not a directory");
        assertThat(entries(dir)).as("nothing written: no session opened").isEqualTo(before);
        assertThat(io.framejournal.journal.RegionStatus.read(dir.resolve("region.status"))
                        .checkpoint())
                .isEqualTo(journalEnd);

        Path fresh = tmp.resolve("fresh");
        assertThatThrownBy(() -> MetaRegion.create(
                        fresh,
                        TestRegions.SMALL,
                        RegionOptions.defaults()
                                .withCheckpoints(Checkpointer.Policy.everyRecords(1)
                                        .retaining(new Checkpointer.Retain(0, fresh.resolve("archive"))))))
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("is inside the region");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void open_and_recover_refuse_null_arguments() {
        Path dir = region.dir();
        region.close();
        assertThatThrownBy(() -> MetaRegion.open(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region directory is null: pass the directory of the region to open");
        assertThatThrownBy(() -> MetaRegion.open(dir, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region options are null: leave them out to get the defaults");
        assertThatThrownBy(() -> MetaRegion.recover(null, false))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region directory is null: pass the directory of the region to recover");
        MetaRegion.open(dir).close(); // the refused open took no lock and left the region clean
    }

    @Test
    void a_closed_region_says_it_is_closed_for_every_read_of_its_state() {
        region.close();
        String closed = "region " + region.dir() + " is closed";
        assertThatThrownBy(region::lastJournalIndex)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        assertThatThrownBy(() -> region.slotState(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        assertThatThrownBy(() -> region.slot(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        assertThatThrownBy(region::recordRedoPoint)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        // a pure computation from the config stays allowed, as its javadoc says
        assertThat(region.slotOf(3L * PAGE)).isEqualTo(3);
        assertThat(region.isClosed()).isTrue();
    }

    @Test
    void a_close_with_a_null_wait_is_refused_and_leaves_the_region_open_and_closable() {
        Frame<NoMeta> frame = alloc.allocFrame();
        assertThatThrownBy(() -> region.close(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the wait is null");
        assertThat(region.isClosed()).as("nothing was done").isFalse();
        frame.close(); // calls go on
        region.close(); // and a later close closes it clean (before the fix: it returned at once, nothing closed)
        assertThat(io.framejournal.journal.RegionStatus.read(
                                new io.framejournal.journal.RegionLayout(region.dir()).status())
                        .clean())
                .isTrue();
    }

    @Test
    void a_close_with_a_wait_too_long_for_nanoseconds_or_negative_closes_clean() {
        Path dir = region.dir();
        region.close(Duration.ofSeconds(Long.MAX_VALUE)); // toNanos() overflows: before the fix, half closed
        assertThat(io.framejournal.journal.RegionStatus.read(new io.framejournal.journal.RegionLayout(dir).status())
                        .clean())
                .isTrue();
        region = MetaRegion.open(dir, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
        region.close(Duration.ofSeconds(-1)); // no call in flight: closes without waiting
        assertThat(region.isClosed()).isTrue();
        MetaRegion.open(dir).close();
    }

    @Test
    void a_handle_that_outlived_its_region_says_what_it_holds_and_how_to_release_it() {
        Frame<NoMeta> frame = alloc.allocFrame();
        Segment<NoMeta> segment = alloc.allocSegment(2);
        region.close();
        for (Runnable use : List.<Runnable>of(frame::close, frame::clone, segment::close)) {
            assertThatThrownBy(use::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("region " + region.dir() + " is closed: this ")
                    .hasMessageContaining("handle was live when it closed")
                    .hasMessageContaining("MetaRegion.recover(dir, true)");
        }
        RecoveryReport reclaimed = MetaRegion.recover(region.dir(), true);
        assertThat(reclaimed.framesReclaimed()).as("what the message promises").isEqualTo(3);
    }

    @Test
    void a_redo_point_period_must_be_positive() {
        RegionOptions options = RegionOptions.defaults();
        assertThatThrownBy(() -> options.withRedoPoint(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a redo point period must be positive, not PT0S");
        assertThatThrownBy(() -> options.withRedoPoint(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
        assertThat(options.withRedoPoint(Duration.ofMillis(1)).redoPointEvery()).isEqualTo(Duration.ofMillis(1));
        assertThat(options.withRedoPoint(null).redoPointEvery())
                .as("null: no redo point")
                .isNull();
    }

    @Test
    void a_null_leak_detection_level_is_refused() {
        assertThatThrownBy(() -> RegionOptions.defaults().withLeakDetection(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("leak detection level is null");
    }

    @Test
    void an_allocator_needs_a_region() {
        assertThatThrownBy(() -> new FrameAllocOptions(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the region is null: pass the open region to allocate frames from");
    }

    @Test
    void a_null_metadata_type_or_value_names_the_argument() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromRaw(region, 0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the metadata type is null");
        assertThatThrownBy(() -> Frame.fromInUse(region, 0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the metadata type is null");
        assertThatThrownBy(() -> Frame.fromUnused(region, 0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the metadata is null");
        before.assertUnchanged(region);
    }

    @Test
    void a_null_region_is_named_by_every_static_factory() {
        List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> factories = List.of(
                () -> Frame.fromUnused(null, 0, NoMeta.INSTANCE),
                () -> Frame.fromInUse(null, 0, NoMeta.class),
                () -> Frame.fromInUse(null, 0),
                () -> Frame.fromRaw(null, 0, NoMeta.class),
                () -> Frame.fromRaw(null, 0),
                () -> UniqueFrame.fromUnused(null, 0, NoMeta.INSTANCE),
                () -> Segment.fromUnused(null, 0, PAGE, p -> NoMeta.INSTANCE),
                () -> Segment.fromUnused(null, new PaddrRange(0, PAGE), p -> NoMeta.INSTANCE),
                () -> Segment.fromRaw(null, new PaddrRange(0, PAGE), NoMeta.class),
                () -> new FrameAllocOptions(null),
                () -> new FrameList<NoMeta>(null));
        for (var factory : factories) {
            assertThatThrownBy(factory)
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageStartingWith("the region is null: pass the open region");
        }
    }

    @Test
    void every_null_argument_is_named_and_changes_nothing() {
        UniqueFrame<NoMeta> unique = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);
        UniqueFrame<LongMeta> tagged = alloc.allocUniqueFrameWith(new LongMeta(1, 2));
        RegionSnapshot before = RegionSnapshot.of(region);
        long last = region.lastJournalIndex();
        FrameList<NoMeta> list = new FrameList<>(region);
        List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> metadata = List.of(
                () -> alloc.allocUniqueFrameWith(null),
                () -> UniqueFrame.fromUnused(region, 0, null),
                () -> unique.setMeta(null), // before the fix: journaled a metadata write of zeros for NoMeta
                () -> tagged.setMeta(null),
                () -> unique.repurpose(null));
        for (var call : metadata) {
            assertThatThrownBy(call)
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("the metadata is null: pass the value the frame is to hold");
        }
        assertThatThrownBy(() -> alloc.allocSegmentWith(2, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the metadata function is null");
        assertThatThrownBy(() -> Segment.fromUnused(region, 0, PAGE, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the metadata function is null");
        assertThatThrownBy(() -> Segment.fromUnused(region, null, p -> NoMeta.INSTANCE))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the paddr range is null");
        assertThatThrownBy(() -> Segment.fromRaw(region, null, NoMeta.class))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the paddr range is null");
        assertThatThrownBy(() -> list.pushBack(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the frame is null");
        assertThatThrownBy(() -> new FrameList<NoMeta>(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the region is null");
        assertThatThrownBy(() -> region.slotStateAt(0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageStartingWith("the slot state to copy into is null");
        for (int slot : new int[] {-1, region.config().nrSlots(), Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> region.slotStateAt(slot, new io.framejournal.journal.SlotState()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("slot " + slot + " is not a slot of this region: its slots are 0..255");
        }
        assertThat(region.lastJournalIndex()).as("nothing journaled").isEqualTo(last);
        before.assertUnchanged(region);
        unique.close();
        tagged.close();
    }

    @Test
    void a_segment_with_a_negative_start_reports_the_start() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Segment.fromUnused(region, -PAGE, PAGE, p -> NoMeta.INSTANCE))
                .isInstanceOfSatisfying(GetFrameException.class, e -> {
                    assertThat(e.error()).isEqualTo(GetFrameError.OUT_OF_BOUND);
                    assertThat(e.paddr()).isEqualTo(-PAGE);
                });
        long max = region.config().maxPaddr();
        assertThatThrownBy(() -> Segment.fromUnused(region, -PAGE, max + PAGE, p -> NoMeta.INSTANCE))
                .as("an end past max is the seed's check, and is reported first")
                .isInstanceOfSatisfying(
                        GetFrameException.class, e -> assertThat(e.paddr()).isEqualTo(max + PAGE));
        before.assertUnchanged(region);
    }

    @Test
    void a_reversed_range_keeps_the_seeds_outcomes() {
        RegionSnapshot before = RegionSnapshot.of(region);
        PaddrRange misaligned = new PaddrRange(2L * PAGE + 1, PAGE);
        assertThatThrownBy(() -> Segment.fromUnused(region, misaligned, p -> NoMeta.INSTANCE))
                .as("NotAligned comes before the seed's assert on start < end")
                .isInstanceOfSatisfying(
                        GetFrameException.class, e -> assertThat(e.error()).isEqualTo(GetFrameError.NOT_ALIGNED));
        PaddrRange reversed = new PaddrRange(2L * PAGE, PAGE);
        assertThatThrownBy(() -> Segment.fromUnused(region, reversed, p -> NoMeta.INSTANCE))
                .isInstanceOf(FramePanicException.class);
        assertThatThrownBy(() -> Segment.fromRaw(region, reversed, NoMeta.class))
                .isInstanceOf(FramePanicException.class);
        before.assertUnchanged(region);
    }
}
