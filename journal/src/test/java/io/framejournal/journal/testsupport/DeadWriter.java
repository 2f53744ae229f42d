package io.framejournal.journal.testsupport;

import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A cleanly closed region's {@code region.status} rewritten as a writer that died would have left it: the one helper
 * of every module's tests (and the benchmarks') for a region "not closed cleanly", instead of each writing the status
 * by hand. Shared through the journal module's test-jar ({@code io/framejournal/journal/testsupport/**} only).
 */
public final class DeadWriter {
    private DeadWriter() {}

    /**
     * Marks the region open again in its last session, at the same checkpoint: as if that session's writer had died
     * before its clean close (its journal and slot table are as the close left them, so recovery finds them consistent).
     */
    public static void markOpen(Path regionDir) {
        RegionStatus clean = cleanStatus(regionDir);
        write(regionDir, new RegionStatus(false, clean.session(), clean.checkpoint()));
    }

    /**
     * Marks the region open again in its last session, at {@code checkpoint} (the journal index that session opened
     * at, where recovery and readers start its unclean part).
     */
    public static void markOpen(Path regionDir, long checkpoint) {
        RegionStatus clean = cleanStatus(regionDir);
        write(regionDir, new RegionStatus(false, clean.session(), checkpoint));
    }

    /**
     * Marks the region open in a new session (the next number), at the same checkpoint: as a writer leaves it that died
     * right after it marked the region open, before it journaled or recorded anything else.
     */
    public static void markOpenInANewSession(Path regionDir) {
        RegionStatus clean = cleanStatus(regionDir);
        write(regionDir, clean.opened(clean.checkpoint()));
    }

    private static RegionStatus cleanStatus(Path regionDir) {
        RegionStatus status = RegionStatus.read(new RegionLayout(regionDir).status());
        if (!status.clean()) {
            throw new IllegalStateException(regionDir + " was not closed cleanly: nothing to mark open");
        }
        return status;
    }

    private static void write(Path regionDir, RegionStatus status) {
        try {
            status.write(new RegionLayout(regionDir).status());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
