package io.framejournal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.FrameStatus;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link FrameJournalTest} run through the JUnit engine: clean tests pass, leaking tests fail with the audit. */
class FrameJournalTestTest {
    /** Directories the sample tests saw, to check they were fresh and are gone. */
    static final List<Path> SEEN = new ArrayList<>();
    /** The samples fail on purpose: they run only when this class runs them through the engine test kit. */
    static volatile boolean viaTestKit;

    static boolean viaTestKit() {
        return viaTestKit;
    }

    @FrameJournalTest(maxPaddr = 4L << 20)
    @EnabledIf("io.framejournal.junit.FrameJournalTestTest#viaTestKit")
    static class Samples {
        @Test
        void clean(MetaRegion region, FrameAllocOptions alloc, @RegionDir Path dir) {
            SEEN.add(dir);
            assertThat(region.dir()).isEqualTo(dir);
            assertThat(region.config().nrSlots()).isEqualTo(1024);
            try (Frame<NoMeta> f = alloc.allocFrame();
                    Frame<NoMeta> g = f.clone()) {
                assertThat(region.slot(f.startPaddr()).status()).isEqualTo(FrameStatus.SHARED);
                assertThat(g.referenceCount()).isEqualTo(2);
            }
        }

        @Test
        void leaksAFrame(FrameAllocOptions alloc, @RegionDir Path dir) {
            SEEN.add(dir);
            Frame<NoMeta> kept = alloc.allocFrame();
            assertThat(kept.referenceCount()).isEqualTo(1);
        }

        @Test
        void forgetsASegmentRaw(FrameAllocOptions alloc) {
            Segment<NoMeta> seg = alloc.allocSegment(3);
            seg.intoRaw();
        }

        @Nested
        class Inner {
            @Test
            void nestedTestsGetARegionToo(MetaRegion region) {
                assertThat(region.config().nrSlots()).isEqualTo(1024);
            }
        }

        @Test
        void failsByItself(FrameAllocOptions alloc) {
            alloc.allocFrame(); // leaked too, but the test's own failure is what is reported
            throw new IllegalStateException("the test's own failure");
        }
    }

    /** A region the library refuses to create (smaller than a page). */
    @FrameJournalTest(maxPaddr = 100)
    @EnabledIf("io.framejournal.junit.FrameJournalTestTest#viaTestKit")
    static class TooSmall {
        @Test
        void neverRuns(MetaRegion region) {
            throw new AssertionError("the region of maxPaddr 100 was created: " + region.dir());
        }
    }

    @Test
    void a_region_that_cannot_be_created_fails_the_test_and_leaves_no_temporary_directory() {
        FrameJournalExtension.lastTempDir = null;
        Events tests;
        viaTestKit = true;
        try {
            tests = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(TooSmall.class))
                    .execute()
                    .testEvents();
        } finally {
            viaTestKit = false;
        }
        tests.assertStatistics(s -> s.started(1).failed(1));
        tests.assertThatEvents()
                .haveExactly(
                        1,
                        finishedWithFailure(message(m -> m.contains("100") && !m.contains("the region of maxPaddr"))));
        Path made = FrameJournalExtension.lastTempDir;
        assertThat(made).as("the extension made its temporary directory").isNotNull();
        assertThat(made.getFileName().toString()).startsWith("framejournal-test");
        assertThat(Files.exists(made)).as("%s is deleted", made).isFalse();
    }

    @Test
    void clean_tests_pass_and_leaks_fail_with_the_audit_report() {
        SEEN.clear();
        Events tests;
        viaTestKit = true;
        try {
            tests = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(Samples.class))
                    .execute()
                    .testEvents();
        } finally {
            viaTestKit = false;
        }
        tests.assertStatistics(s -> s.started(5).succeeded(2).failed(3));
        tests.assertThatEvents()
                .haveExactly(
                        1,
                        finishedWithFailure(
                                instanceOf(AssertionError.class),
                                message(m -> m.startsWith("the audit of the test's region found 1 finding(s):\naudit ")
                                        && m.contains("leaks:         1 obligation(s) outstanding in 1 handle group(s)")
                                        && m.contains("FRAME_FROM_UNUSED"))))
                .haveExactly(
                        1,
                        finishedWithFailure(
                                instanceOf(AssertionError.class),
                                message(m -> m.contains("3 raw reference(s) never restored"))))
                .haveExactly(
                        1,
                        finishedWithFailure(
                                instanceOf(IllegalStateException.class), message("the test's own failure")));
        assertThat(tests.succeeded().map(e -> e.getTestDescriptor().getDisplayName()))
                .containsExactlyInAnyOrder(
                        "clean(MetaRegion, FrameAllocOptions, Path)", "nestedTestsGetARegionToo(MetaRegion)");
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(d -> assertThat(Files.exists(d)).isFalse());
    }
}
