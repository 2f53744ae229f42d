package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.Usage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small API additions: PaddrRange overloads, long sizes, lazy codecs, list iteration, empty raw segments. */
class ApiConveniencesTest extends RegionTestBase {
    /** Metadata whose codec is registered by its own static initializer; no test touches it before asking for it. */
    record LazyMeta(long tag) {
        static final MetaCodec<LazyMeta> CODEC = MetaCodec.register(new MetaCodec<>() {
            @Override
            public short typeId() {
                return 77;
            }

            @Override
            public Class<LazyMeta> type() {
                return LazyMeta.class;
            }

            @Override
            public long word0(LazyMeta meta) {
                return meta.tag();
            }

            @Override
            public long word1(LazyMeta meta) {
                return 0;
            }

            @Override
            public LazyMeta decode(long word0, long word1) {
                return new LazyMeta(word0);
            }
        });
    }

    @Test
    void segment_from_unused_takes_a_paddr_range() throws Exception {
        PaddrRange range = new PaddrRange(8L * PAGE, 11L * PAGE);
        try (Segment<LongMeta> seg = Segment.fromUnused(region, range, p -> new LongMeta(3, p))) {
            assertThat(seg.startPaddr()).isEqualTo(range.start());
            assertThat(seg.size()).isEqualTo(range.size());
            assertThat(slot(9L * PAGE).refCount).isEqualTo(1);
        }
        assertThat(slot(9L * PAGE).refCount).isEqualTo(RefCount.UNUSED);
    }

    @Test
    void frame_and_unique_sizes_are_longs_like_a_segments() throws Exception {
        try (Frame<NoMeta> f = alloc.allocFrame();
                UniqueFrame<NoMeta> u = alloc.allocUniqueFrameWith(NoMeta.INSTANCE)) {
            long fs = f.size();
            long us = u.size();
            assertThat(fs).isEqualTo(us).isEqualTo(PAGE);
        }
    }

    @Test
    void a_codec_registered_in_a_static_initializer_is_found_by_class_before_any_value_exists() {
        MetaCodec<LazyMeta> codec = MetaCodec.of(LazyMeta.class);
        assertThat(codec.typeId()).isEqualTo((short) 77);
        assertThat(codec.decode(5, 0)).isEqualTo(new LazyMeta(5));
    }

    @Test
    void a_frame_list_iterates_front_to_back_and_knows_its_members() throws Exception {
        FrameList<NoMeta> list = new FrameList<>(region);
        List<UniqueFrame<NoMeta>> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(alloc.allocUniqueFrameWith(NoMeta.INSTANCE));
        }
        list.pushBack(made.get(1));
        list.pushFront(made.get(0));
        list.pushBack(made.get(2));
        UniqueFrame<NoMeta> outsider = alloc.allocUniqueFrameWith(NoMeta.INSTANCE);

        assertThat(list).containsExactlyElementsOf(made);
        assertThat(list.contains(made.get(1))).isTrue();
        assertThat(list.contains(outsider)).isFalse();
        assertThat(list.peekFront()).isSameAs(made.get(0));
        assertThat(list.peekBack()).isSameAs(made.get(2));
        Iterator<UniqueFrame<NoMeta>> it = list.iterator();
        it.next();
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(list.size()).isEqualTo(3);

        UniqueFrame<NoMeta> popped;
        while ((popped = list.popFront()) != null) {
            assertThat(list.contains(popped)).isFalse();
            popped.close();
        }
        outsider.close();
    }

    @Test
    void the_empty_raw_range_of_an_exhausted_segment_restores_to_an_empty_segment() throws Exception {
        Segment<NoMeta> seg = alloc.allocSegment(2);
        for (Frame<NoMeta> f : seg) {
            f.close();
        }
        PaddrRange raw = seg.intoRaw();
        assertThat(raw.size()).isZero();

        Segment<NoMeta> back = Segment.fromRaw(region, raw, NoMeta.class);
        assertThat(back.nrPages()).isZero();
        assertThat(back.next()).isNull();
        long events = region.lastJournalIndex();
        back.close();
        assertThat(region.lastJournalIndex())
                .as("closing an empty segment journals nothing")
                .isEqualTo(events);
    }

    @Test
    void split_halves_keep_the_mint_op_of_the_original() throws Exception {
        PaddrRange raw = alloc.allocSegment(4).intoRaw();
        Segment<NoMeta> restored = Segment.fromRaw(region, raw, NoMeta.class);
        Segment.Halves<NoMeta> halves = restored.split(2L * PAGE);
        assertThat(halves.left().mintOp()).isEqualTo(OpCode.SEGMENT_FROM_RAW);
        assertThat(halves.right().mintOp()).isEqualTo(OpCode.SEGMENT_FROM_RAW);
        halves.left().close();
        halves.right().close();
    }

    @Test
    void a_slot_view_reads_status_and_usage_as_enums() throws Exception {
        try (Frame<LongMeta> f = alloc.allocFrameWith(new LongMeta(1, 2));
                Frame<LongMeta> g = f.clone()) {
            SlotView v = region.slot(f.startPaddr());
            assertThat(v.status()).isEqualTo(FrameStatus.SHARED);
            assertThat(v.usage()).isEqualTo(Usage.FRAME);
            assertThat(v.sharedReferences()).hasValue(2);
            assertThat(v.obligations()).isEqualTo(2);
            assertThat(v.ledgerBalanced()).isTrue();
            assertThat(v.hasMetadata()).isTrue();
            assertThat(v.paddr()).isEqualTo(f.startPaddr());
            assertThat(g.referenceCount()).isEqualTo(2);
        }
        try (UniqueFrame<NoMeta> u = alloc.allocUniqueFrameWith(NoMeta.INSTANCE)) {
            assertThat(region.slot(u.startPaddr()).status()).isEqualTo(FrameStatus.UNIQUE);
        }
        assertThat(region.slot(0).status()).isEqualTo(FrameStatus.FREE);
        assertThat(region.slot(0).usage()).isEqualTo(Usage.UNUSED);
        assertThat(FrameStatus.of(0)).isEqualTo(FrameStatus.BUSY);
        assertThat(FrameStatus.of(-5)).isEqualTo(FrameStatus.ILLEGAL);
    }
}
