package io.framejournal.allocator;

import io.framejournal.journal.CallSite;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SiteTable;
import java.lang.StackWalker.StackFrame;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Captures the call site of sampled handle creations and into_raw calls: the caller's stack, FrameJournal's own
 * frames dropped, at most {@value #DEPTH} frames, stored once in the region's {@link SiteTable}.
 *
 * <p>"FrameJournal's own frames" are the leading frames of classes in {@code io.framejournal.allocator} or
 * {@code io.framejournal.journal} loaded from the library's own jar (or classes directory): the API's entry points and
 * what they call. The first frame after them is the caller's, and from there every frame is kept, whatever its
 * package: a simulator, a test (FrameJournal's own tests live in the allocator package but another classes
 * directory) or a user's code calling through a helper of theirs.
 *
 * <p>A stack already in the table costs one stack walk (StackWalker's own frame objects) and a lock-free lookup by
 * its key, a 64-bit hash of each kept frame's class name, method name and bytecode index (String hashes are specified,
 * so the key is the same in every run of the same code). Only a new stack asks for file names and line numbers.
 */
final class SiteCapture {
    static final int DEPTH = 8;

    /** Fetches the API frames and the kept ones in one batch (a walk fetches frames from the VM in batches). */
    private static final StackWalker WALKER =
            StackWalker.getInstance(java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 24);

    private static final CodeSource ALLOCATOR = codeSource(SiteCapture.class);
    private static final CodeSource JOURNAL = codeSource(SiteTable.class);

    /** Whether a class is FrameJournal's own (its frames are dropped from the top of a captured stack). */
    private static final ClassValue<Boolean> LIBRARY = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            String n = type.getName();
            if (!n.startsWith("io.framejournal.allocator.") && !n.startsWith("io.framejournal.journal.")) {
                return false;
            }
            CodeSource cs = codeSource(type);
            return cs == null || sameLocation(cs, ALLOCATOR) || sameLocation(cs, JOURNAL);
        }
    };

    private final SiteTable table;

    SiteCapture(SiteTable table) {
        this.table = table;
    }

    private static CodeSource codeSource(Class<?> type) {
        var pd = type.getProtectionDomain();
        return pd == null ? null : pd.getCodeSource();
    }

    private static boolean sameLocation(CodeSource a, CodeSource b) {
        return b != null && a.getLocation() != null && a.getLocation().equals(b.getLocation());
    }

    /**
     * The site id of the calling thread's stack, adding it to the table when new.
     *
     * @param walk the calling thread's scratch
     * @return the site id, or 0 when the stack has no caller frame, the table is full or cannot be written
     */
    int capture(Walk walk) {
        WALKER.walk(walk);
        try {
            if (walk.n == 0) {
                return 0;
            }
            int id = table.find(walk.key);
            if (id != 0) {
                return id;
            }
            List<CallSite.Frame> frames = new ArrayList<>(walk.n);
            for (int i = 0; i < walk.n; i++) {
                StackFrame f = walk.frames[i];
                String file = f.getFileName();
                frames.add(new CallSite.Frame(
                        f.getClassName(),
                        f.getMethodName(),
                        file == null ? "" : file,
                        f.getLineNumber(),
                        f.getByteCodeIndex()));
            }
            return table.add(walk.key, frames);
        } catch (RegionException cannotWrite) {
            // a call site is a diagnostic, not state: a site table that cannot take an entry (a full disk) leaves the
            // record without a site rather than failing the call; the journal append reports a full disk itself
            return 0;
        } finally {
            walk.clear();
        }
    }

    /** One thread's reusable stack walk: keeps the caller's frames and hashes them as it goes. */
    static final class Walk implements Function<Stream<StackFrame>, Void>, Predicate<StackFrame> {
        final StackFrame[] frames = new StackFrame[DEPTH];
        int n;
        long key;
        private boolean inCaller;

        @Override
        public Void apply(Stream<StackFrame> stream) {
            n = 0;
            key = 0x9E3779B97F4A7C15L;
            inCaller = false;
            stream.anyMatch(this); // stops at the first frame for which test() is true: after DEPTH kept frames
            return null;
        }

        @Override
        public boolean test(StackFrame f) {
            if (!inCaller) {
                if (LIBRARY.get(f.getDeclaringClass())) {
                    return false;
                }
                inCaller = true;
            }
            frames[n++] = f;
            key = mix(key, f.getClassName().hashCode(), f.getMethodName().hashCode(), f.getByteCodeIndex());
            return n == DEPTH;
        }

        void clear() {
            for (int i = 0; i < n; i++) {
                frames[i] = null;
            }
            n = 0;
        }

        static long mix(long h, int a, int b, int c) {
            h = (h ^ a) * 0x100000001B3L;
            h = (h ^ b) * 0x100000001B3L;
            h = (h ^ c) * 0x100000001B3L;
            return h ^ (h >>> 29);
        }
    }
}
