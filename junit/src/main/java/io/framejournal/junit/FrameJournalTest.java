package io.framejournal.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of the annotated class (or the annotated test method) a fresh region in a temporary directory,
 * and fails the test when, after it ran, the audit of that region finds anything: leaks (obligations outstanding,
 * raw references never restored, handles dropped without close), invariant breaks, illegal transitions, torn
 * operations or divergence. The failure message is the audit's report, as {@code framejournal audit} prints it.
 *
 * <p>Test methods (and {@code @BeforeEach}/{@code @AfterEach} methods) may declare parameters of type
 * {@link io.framejournal.allocator.MetaRegion}, {@link io.framejournal.allocator.FrameAllocOptions} and
 * {@link java.nio.file.Path} annotated {@link RegionDir} (the region's directory). The region is closed after
 * {@code @AfterEach} methods ran (a test may close it itself), then audited if the test passed and
 * {@link #failOnFindings()} is on, then deleted. A test that failed already is not audited (its own failure is what
 * it reports). When the region cannot be created (a {@code maxPaddr} the library refuses, the JVM flags missing) the
 * test fails and its temporary directory is deleted.
 *
 * <pre>{@code
 * @FrameJournalTest
 * class MyAllocatorTest {
 *     @Test
 *     void clones_are_dropped(FrameAllocOptions alloc) {
 *         try (Frame<NoMeta> f = alloc.allocFrame(); Frame<NoMeta> g = f.clone()) {
 *             assertEquals(2, g.referenceCount());
 *         }
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(FrameJournalExtension.class)
public @interface FrameJournalTest {
    /** End of the region's physical memory: 16 MiB (4,096 frames of 4 KiB) unless said otherwise. */
    long maxPaddr() default 16L << 20;

    /**
     * Whether a passing test's region is audited, and any finding fails the test; {@code false} skips the audit and
     * its report.
     */
    boolean failOnFindings() default true;
}
