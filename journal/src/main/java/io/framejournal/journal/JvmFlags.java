package io.framejournal.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM flags Chronicle needs ({@code --add-opens}/{@code --add-exports} of JDK internals), and the check that
 * they are present. Without them Chronicle fails deep inside a static initializer
 * ({@code ExceptionInInitializerError} caused by {@code InaccessibleObjectException}) after it has already created
 * files; {@link #require()} runs first in {@code MetaRegion.create/open/recover} and when a region is opened for
 * reading, so a JVM started without them gets one clear {@link MissingJvmFlagsException} and nothing is created on
 * disk.
 *
 * <p>Twelve flags (five exports, seven opens); Java exports {@code jdk.unsupported/sun.misc} by default, so a JVM started
 * without any lacks eleven. The same list is in the repository's {@code config/chronicle.jvmopts} (a {@code java
 * @argfile}, with three Chronicle properties besides) and in the
 * {@code Add-Opens}/{@code Add-Exports} manifest entries of {@code framejournal.jar}; a test keeps the three equal.
 */
public final class JvmFlags {
    /** The packages Chronicle needs exported to the unnamed module: {@code module/package}. */
    public static final List<String> EXPORTS = List.of(
            "java.base/jdk.internal.ref",
            "java.base/jdk.internal.misc",
            "java.base/sun.nio.ch",
            "jdk.unsupported/sun.misc",
            "jdk.compiler/com.sun.tools.javac.file");

    /** The packages Chronicle needs opened to the unnamed module (deep reflection): {@code module/package}. */
    public static final List<String> OPENS = List.of(
            "jdk.compiler/com.sun.tools.javac",
            "java.base/java.lang",
            "java.base/java.lang.reflect",
            "java.base/java.io",
            "java.base/java.nio",
            "java.base/java.util",
            "java.base/sun.nio.ch");

    /** Set to {@code false} to skip {@link #require()}'s check. */
    public static final String CHECK_PROPERTY = "framejournal.jvmFlagsCheck";

    private static volatile boolean checked;

    private JvmFlags() {}

    /** Every flag, as it is written on a {@code java} command line. */
    public static List<String> commandLineFlags() {
        List<String> flags = new ArrayList<>();
        EXPORTS.forEach(p -> flags.add("--add-exports=" + p + "=ALL-UNNAMED"));
        OPENS.forEach(p -> flags.add("--add-opens=" + p + "=ALL-UNNAMED"));
        return flags;
    }

    /** The value of a jar manifest's {@code Add-Exports} entry: {@code module/package} separated by spaces. */
    public static String manifestAddExports() {
        return String.join(" ", EXPORTS);
    }

    /** The value of a jar manifest's {@code Add-Opens} entry. */
    public static String manifestAddOpens() {
        return String.join(" ", OPENS);
    }

    /**
     * The flags this JVM lacks, as command-line flags; empty when Chronicle can run. A module that is not in this
     * JVM at all (e.g. {@code jdk.compiler} in a runtime image without it) cannot be opened by any flag and is
     * not reported.
     */
    public static List<String> missing() {
        Module self = JvmFlags.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String p : EXPORTS) {
            if (!granted(p, self, false)) {
                missing.add("--add-exports=" + p + "=ALL-UNNAMED");
            }
        }
        for (String p : OPENS) {
            if (!granted(p, self, true)) {
                missing.add("--add-opens=" + p + "=ALL-UNNAMED");
            }
        }
        return missing;
    }

    private static boolean granted(String modulePackage, Module to, boolean open) {
        int slash = modulePackage.indexOf('/');
        Optional<Module> m = ModuleLayer.boot().findModule(modulePackage.substring(0, slash));
        if (m.isEmpty()) {
            return true;
        }
        String pkg = modulePackage.substring(slash + 1);
        return open ? m.get().isOpen(pkg, to) : m.get().isExported(pkg, to);
    }

    /**
     * Throws {@link MissingJvmFlagsException} when this JVM lacks any flag Chronicle needs; cheap after the first
     * successful call. Call it before touching anything on disk. The system property
     * {@code framejournal.jvmFlagsCheck=false} turns the check off (for a JVM that grants the access some other way;
     * Chronicle then fails on its own if it cannot run).
     */
    public static void require() {
        if (checked) {
            return;
        }
        Chronicle.quiet();
        if ("false".equals(System.getProperty(CHECK_PROPERTY))) {
            checked = true;
            return;
        }
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new MissingJvmFlagsException(missing);
        }
        checked = true;
    }

    /** Chronicle cannot run in this JVM: it was started without flags Chronicle needs. */
    public static final class MissingJvmFlagsException extends RegionException {
        private static final long serialVersionUID = 1L;

        private final transient List<String> missing;

        MissingJvmFlagsException(List<String> missing) {
            super("this JVM lacks " + missing.size() + " of the "
                    + commandLineFlags().size()
                    + " flags Chronicle needs (" + String.join(" ", missing) + "); start java with all of them: the"
                    + " FrameJournal README's \"JVM flags\" section lists them, and config/chronicle.jvmopts in its"
                    + " repository holds them as a java @argfile (java @chronicle.jvmopts ..., or Surefire's"
                    + " <argLine>); or run an executable jar whose manifest has the entries 'Add-Opens: "
                    + manifestAddOpens() + "' and 'Add-Exports: " + manifestAddExports() + "' (framejournal.jar has"
                    + " them); nothing was created on disk");
            this.missing = List.copyOf(missing);
        }

        /** The missing flags, as command-line flags. */
        public List<String> missing() {
            return missing;
        }
    }
}
