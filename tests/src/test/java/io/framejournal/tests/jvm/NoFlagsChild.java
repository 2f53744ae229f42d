package io.framejournal.tests.jvm;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.JvmFlags.MissingJvmFlagsException;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;

/**
 * Runs in a child JVM started without Chronicle's flags: tries {@code MetaRegion.create}, {@code open} or
 * {@code recover} (first argument) on the directory given second, and prints the exception's message on stdout.
 * Exit 0 when the expected {@link MissingJvmFlagsException} came, 1 when the call succeeded, 3 for anything else.
 */
public final class NoFlagsChild {
    private NoFlagsChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "create" ->
                    MetaRegion.create(dir, RegionConfig.of(4L << 20)).close();
                case "open" -> MetaRegion.open(dir).close();
                case "recover" -> MetaRegion.recover(dir, false);
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.exit(1);
        } catch (MissingJvmFlagsException e) {
            System.out.println(e.getMessage());
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(3);
        }
    }
}
