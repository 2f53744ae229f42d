package io.framejournal.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.SlotState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Metadata codecs: stored in the slot, surviving close and reopen, and type-checked on restore. */
class MetadataTest extends RegionTestBase {

    @BeforeAll
    static void registerCodec() {
        assertThat(PageOwner.CODEC.typeId()).isEqualTo((short) 100);
    }

    private void reopen() {
        java.nio.file.Path dir = region.dir();
        region.close();
        region = MetaRegion.open(dir, RegionOptions.defaults().withLeakDetection(LeakDetection.DISABLED));
        alloc = new FrameAllocOptions(region);
    }

    @Test
    void metadata_is_stored_in_the_slot() {
        Frame<PageOwner> frame = alloc.allocFrameWith(new PageOwner(77, 0x7fff_0000L));
        SlotState s = slot(frame.startPaddr());
        assertThat(s.metaType).isEqualTo((short) 100);
        assertThat(s.meta0).isEqualTo(77);
        assertThat(s.meta1).isEqualTo(0x7fff_0000L);
        assertThat(frame.meta()).isEqualTo(new PageOwner(77, 0x7fff_0000L));
        frame.close();
    }

    @Test
    void metadata_survives_close_and_reopen() throws GetFrameException {
        long ownerPaddr = alloc.allocFrameWith(new PageOwner(12, 0x4000)).intoRaw();
        Frame<LongMeta> kept = alloc.allocFrameWith(new LongMeta(-3, Long.MIN_VALUE));
        long keptPaddr = kept.intoRaw();
        PaddrRange segment = alloc.allocSegmentWith(4, p -> new LongMeta(9, p)).intoRaw();
        UniqueFrame<PageOwner> unique = alloc.allocUniqueFrameWith(new PageOwner(1, 2));
        long uniquePaddr = unique.startPaddr();
        unique.close();

        reopen();

        Frame<PageOwner> owner = Frame.fromRaw(region, ownerPaddr, PageOwner.class);
        assertThat(owner.meta()).isEqualTo(new PageOwner(12, 0x4000));
        Frame<LongMeta> other = Frame.fromInUse(region, keptPaddr, LongMeta.class);
        assertThat(other.meta()).isEqualTo(new LongMeta(-3, Long.MIN_VALUE));
        Segment<LongMeta> seg = Segment.fromRaw(region, segment, LongMeta.class);
        for (Frame<LongMeta> f : seg) {
            assertThat(f.meta()).isEqualTo(new LongMeta(9, f.startPaddr()));
            f.close();
        }
        seg.close();
        assertThat(slot(uniquePaddr).metaInitialized())
                .as("dropped metadata stays dropped")
                .isFalse();
        owner.close();
        other.close();
        Frame.fromRaw(region, keptPaddr, LongMeta.class).close();
        assertThat(slot(keptPaddr).isFree()).isTrue();
    }

    @Test
    void restoring_as_the_wrong_metadata_type_changes_nothing() throws GetFrameException {
        long raw = alloc.allocFrameWith(new PageOwner(5, 6)).intoRaw();
        PaddrRange range = alloc.allocSegmentWith(2, p -> new LongMeta(1, p)).intoRaw();
        reopen();

        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> Frame.fromRaw(region, raw, LongMeta.class))
                .isInstanceOf(MetaTypeMismatchException.class)
                .hasMessageContaining("type 100");
        assertThatThrownBy(() -> Frame.fromRaw(region, raw)).isInstanceOf(MetaTypeMismatchException.class);
        assertThatThrownBy(() -> Frame.fromInUse(region, raw, LongMeta.class))
                .isInstanceOf(MetaTypeMismatchException.class);
        assertThatThrownBy(() -> Segment.fromRaw(region, range, PageOwner.class))
                .isInstanceOf(MetaTypeMismatchException.class);
        assertThatThrownBy(() -> Frame.fromInUse(region, range.start(), NoMeta.class))
                .isInstanceOf(MetaTypeMismatchException.class);
        before.assertUnchanged(region);

        Frame.fromRaw(region, raw, PageOwner.class).close();
        Segment.fromRaw(region, range, LongMeta.class).close();
        assertThat(slot(raw).isFree()).isTrue();
        assertThat(slot(range.start()).isFree()).isTrue();
    }

    @Test
    void unregistered_types_and_clashing_codecs_are_refused() {
        RegionSnapshot before = RegionSnapshot.of(region);
        assertThatThrownBy(() -> alloc.allocFrameWith(new ContractErrorsTest.Unregistered(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MetaCodec.register");
        assertThatThrownBy(() -> alloc.allocSegmentWith(2, p -> new ContractErrorsTest.Unregistered(p)))
                .isInstanceOf(IllegalArgumentException.class);
        before.assertSlotsUnchanged(region, false);
        assertThat(MetaCodec.register(PageOwner.CODEC))
                .as("registering again is harmless")
                .isSameAs(PageOwner.CODEC);
        assertThatThrownBy(() -> MetaCodec.register(clash((short) 100))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetaCodec.register(clash((short) 0))).isInstanceOf(IllegalArgumentException.class);
    }

    private static MetaCodec<ContractErrorsTest.Unregistered> clash(short id) {
        return new MetaCodec<>() {
            @Override
            public short typeId() {
                return id;
            }

            @Override
            public Class<ContractErrorsTest.Unregistered> type() {
                return ContractErrorsTest.Unregistered.class;
            }

            @Override
            public long word0(ContractErrorsTest.Unregistered meta) {
                return meta.x();
            }

            @Override
            public long word1(ContractErrorsTest.Unregistered meta) {
                return 0;
            }

            @Override
            public ContractErrorsTest.Unregistered decode(long word0, long word1) {
                return new ContractErrorsTest.Unregistered(word0);
            }
        };
    }
}
