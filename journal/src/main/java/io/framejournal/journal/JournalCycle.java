package io.framejournal.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How a region's journal is cut into queue files (Chronicle roll cycles), named in {@code region.conf} by our own
 * names ({@code rollCycle=5min}), never by a Chronicle class or constant name. A cycle caps the records one queue file
 * can index; {@link JournalWriter} refuses a record past the cap with a one-line error instead of letting Chronicle
 * write a record it cannot index. The arithmetic that picked the default is in docs/DESIGN.md ("Roll cycles").
 */
public enum JournalCycle {
    /** The default since roll cycles were chosen: 5-minute files of at most 2^30 records (3.58 M records/s). */
    FIVE_MINUTELY("5min", RollCycles.FIVE_MINUTELY),
    /** Regions made before {@code rollCycle} was in region.conf: daily files of at most 2^32 records (49.7 k/s). */
    DAILY("daily", RollCycles.FAST_DAILY),
    /** For tests only: 1-second files of at most 4,096 records, so a test meets both the roll and the cap. */
    TEST_SECONDLY("test-1s", TestRollCycles.TEST4_SECONDLY);

    /** What a new region gets. */
    public static final JournalCycle DEFAULT = FIVE_MINUTELY;
    /** What a region.conf without a {@code rollCycle} line means: the cycle every journal was written with then. */
    public static final JournalCycle LEGACY = DAILY;

    private final String confName;
    private final RollCycle rollCycle;

    JournalCycle(String confName, RollCycle rollCycle) {
        this.confName = confName;
        this.rollCycle = rollCycle;
    }

    /** The name in region.conf and on the command line. */
    public String confName() {
        return confName;
    }

    public RollCycle rollCycle() {
        return rollCycle;
    }

    /** Records one queue file (cycle) can hold. */
    public long maxRecordsPerCycle() {
        return rollCycle.maxMessagesPerCycle();
    }

    /** Length of a cycle in milliseconds. */
    public long lengthMillis() {
        return rollCycle.lengthInMillis();
    }

    /** The cycle of a region.conf or command-line name; unknown names are a one-line {@link RegionException}. */
    public static JournalCycle ofName(String name) {
        for (JournalCycle c : values()) {
            if (c.confName.equals(name)) {
                return c;
            }
        }
        throw new RegionException("unknown roll cycle '" + name + "'; known: " + names());
    }

    /** The known names, comma separated. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (JournalCycle c : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.confName);
        }
        return sb.toString();
    }

    /**
     * The cycle of the region a journal directory belongs to (its parent's region.conf), or the default when there is
     * none or it is unreadable: an existing queue's own metadata names its cycle and wins anyway, so a journal stays
     * readable whatever happened to region.conf (writers read and check region.conf before they get here).
     */
    public static JournalCycle ofJournalDir(Path journalDir) {
        Path parent = journalDir.toAbsolutePath().getParent();
        Path conf = parent == null ? null : parent.resolve(RegionLayout.CONFIG);
        if (conf != null && Files.isRegularFile(conf)) {
            try {
                return RegionConfig.read(conf).cycle();
            } catch (RegionException unreadable) {
                return DEFAULT;
            }
        }
        return DEFAULT;
    }
}
