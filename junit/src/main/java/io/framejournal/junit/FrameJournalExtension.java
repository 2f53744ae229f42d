package io.framejournal.junit;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.RegionConfig;
import io.framejournal.replay.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** The extension behind {@link FrameJournalTest}; see there. */
public final class FrameJournalExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final Namespace NS = Namespace.create(FrameJournalExtension.class);
    private static final String KEY = "region";

    /** The temporary directory the last {@link #beforeEach} made (for this module's tests: is it gone?). */
    static volatile Path lastTempDir;

    /** The fresh region of one test. */
    private static final class TestRegion {
        final Path dir;
        final MetaRegion region;
        final FrameAllocOptions alloc;

        TestRegion(Path dir, MetaRegion region) {
            this.dir = dir;
            this.region = region;
            this.alloc = new FrameAllocOptions(region);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        FrameJournalTest config = settings(context);
        Path parent = Files.createTempDirectory("framejournal-test");
        lastTempDir = parent;
        Path dir = parent.resolve("region");
        MetaRegion region;
        try {
            region = MetaRegion.create(dir, RegionConfig.of(config.maxPaddr()));
        } catch (RuntimeException | Error e) {
            // a config the region refuses, or the JVM flags missing: the temporary directory goes too
            try {
                deleteTree(parent);
            } catch (UncheckedIOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        context.getStore(NS).put(KEY, new TestRegion(dir, region));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestRegion t = context.getStore(NS).remove(KEY, TestRegion.class);
        if (t == null) {
            return;
        }
        try {
            if (!t.region.isClosed()) {
                t.region.close();
            }
            // A test that failed already says why; the audit would only add noise to its report.
            if (settings(context).failOnFindings()
                    && context.getExecutionException().isEmpty()) {
                Region.Audit audit = Region.audit(t.dir);
                if (!audit.clean()) {
                    throw new AssertionError("the audit of the test's region found " + audit.findings()
                            + " finding(s):\n" + audit.text()
                            + (audit.warnings().isEmpty() ? "" : "warnings: " + audit.warnings() + "\n"));
                }
            }
        } finally {
            deleteTree(t.dir.getParent());
        }
    }

    /** The nearest {@link FrameJournalTest}: on the method, its class, or an enclosing class (for @Nested tests). */
    private static FrameJournalTest settings(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context);
                c.isPresent();
                c = c.get().getParent()) {
            Optional<AnnotatedElement> element = c.get().getElement();
            Optional<FrameJournalTest> found =
                    element.flatMap(e -> AnnotationSupport.findAnnotation(e, FrameJournalTest.class));
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalStateException("FrameJournalExtension is meant to be used through @FrameJournalTest");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == MetaRegion.class
                || type == FrameAllocOptions.class
                || (type == Path.class && p.isAnnotated(RegionDir.class));
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        TestRegion t = e.getStore(NS).get(KEY, TestRegion.class);
        if (t == null) {
            throw new ParameterResolutionException("no FrameJournal region here: parameters of type "
                    + p.getParameter().getType().getSimpleName() + " are given to test methods and to "
                    + "@BeforeEach/@AfterEach methods of a @FrameJournalTest");
        }
        Class<?> type = p.getParameter().getType();
        if (type == MetaRegion.class) {
            return t.region;
        }
        return type == FrameAllocOptions.class ? t.alloc : t.dir;
    }

    static void deleteTree(Path root) {
        try {
            io.framejournal.journal.Trees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test region " + root, e);
        }
    }
}
