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
 *
 * <p>Each cycle also carries Chronicle's numbers for it (length, file-name pattern, index count and spacing), so that
 * reading {@code region.conf} and locating a record ({@link QueueFileIndex}) load nothing of Chronicle; {@link
 * #rollCycle()} names Chronicle's own constant, and {@code JournalCycleTest} keeps the two equal.
 */
public enum JournalCycle {
    /** The default since roll cycles were chosen: 5-minute files of at most 2^30 records (3.58 M records/s). */
    FIVE_MINUTELY("5min", 5 * 60 * 1000, 4, "V", 2 << 10, 256),
    /** Regions made before {@code rollCycle} was in region.conf: daily files of at most 2^32 records (49.7 k/s). */
    DAILY("daily", 24 * 60 * 60 * 1000, 0, "F", 4 << 10, 256),
    /** For tests only: 1-second files of at most 4,096 records, so a test meets both the roll and the cap. */
    TEST_SECONDLY("test-1s", 1000, 6, "T4", 32, 4);

    /** What a new region gets. */
    public static final JournalCycle DEFAULT = FIVE_MINUTELY;
    /** What a region.conf without a {@code rollCycle} line means: the cycle every journal was written with then. */
    public static final JournalCycle LEGACY = DAILY;

    private final String confName;
    private final long lengthMillis;
    /** Digits of the time of day in a file name after {@code yyyyMMdd-}: 0 (none), 4 (HHmm) or 6 (HHmmss). */
    private final int timeDigits;

    private final String suffix;
    private final int indexCount;
    private final int indexSpacing;

    JournalCycle(String confName, long lengthMillis, int timeDigits, String suffix, int indexCount, int indexSpacing) {
        this.confName = confName;
        this.lengthMillis = lengthMillis;
        this.timeDigits = timeDigits;
        this.suffix = suffix;
        this.indexCount = indexCount;
        this.indexSpacing = indexSpacing;
    }

    /** The name in region.conf and on the command line. */
    public String confName() {
        return confName;
    }

    /** Chronicle's roll cycle (the first call loads Chronicle Queue's classes). */
    public RollCycle rollCycle() {
        return Chronicles.of(this);
    }

    /** Records one queue file (cycle) can hold: Chronicle's {@code maxMessagesPerCycle}. */
    public long maxRecordsPerCycle() {
        return Math.min(sequenceMask(), (long) indexCount * indexCount * indexSpacing);
    }

    /** Length of a cycle in milliseconds. */
    public long lengthMillis() {
        return lengthMillis;
    }

    /** Entries of one index array (and of the index-to-index array) in a queue file of this cycle. */
    public int indexCount() {
        return indexCount;
    }

    /** Every {@code indexSpacing}-th document of a queue file of this cycle is indexed. */
    public int indexSpacing() {
        return indexSpacing;
    }

    /** Bits of an index that hold the sequence number in its cycle (Chronicle's {@code RollCycleArithmetic}). */
    public int cycleShift() {
        return Math.max(32, 2 * log2(indexCount) + log2(indexSpacing));
    }

    /** The sequence-number bits of an index. */
    public long sequenceMask() {
        return (1L << cycleShift()) - 1;
    }

    /** The cycle number of an index. */
    public long cycleOf(long index) {
        return index >>> cycleShift();
    }

    /**
     * The name of the queue file of cycle {@code cycle} ({@code 20261126-2120V.cq4}): the cycle's start in UTC, as
     * Chronicle formats it for this roll cycle with the epoch 0 every journal is written with.
     */
    public String fileName(long cycle) {
        long millis = cycle * lengthMillis;
        long days = Math.floorDiv(millis, 86_400_000L);
        long ofDay = Math.floorMod(millis, 86_400_000L) / 1000;
        long[] ymd = civil(days);
        StringBuilder sb = new StringBuilder(32);
        two(two(sb.append(ymd[0]), ymd[1]), ymd[2]);
        if (timeDigits > 0) {
            two(two(sb.append('-'), ofDay / 3600), ofDay / 60 % 60);
            if (timeDigits > 4) {
                two(sb, ofDay % 60);
            }
        }
        return sb.append(suffix).append(".cq4").toString();
    }

    /**
     * The cycle a queue file's name stands for, or -1 when it is not the name of a file of this roll cycle (checked
     * by formatting the cycle again).
     */
    public long cycleOfFileName(String name) {
        int dateLength = 8 + (timeDigits > 0 ? 1 + timeDigits : 0);
        if (name.length() != dateLength + suffix.length() + 4
                || !name.endsWith(".cq4")
                || !name.startsWith(suffix, dateLength)) { // no string concatenation: none is bootstrapped here
            return -1;
        }
        try {
            long y = Long.parseLong(name.substring(0, 4));
            long m = Long.parseLong(name.substring(4, 6));
            long d = Long.parseLong(name.substring(6, 8));
            long seconds = 0;
            if (timeDigits > 0) {
                if (name.charAt(8) != '-') {
                    return -1;
                }
                seconds = Long.parseLong(name.substring(9, 11)) * 3600 + Long.parseLong(name.substring(11, 13)) * 60;
                if (timeDigits > 4) {
                    seconds += Long.parseLong(name.substring(13, 15));
                }
            }
            long millis = (daysOf(y, m, d) * 86_400L + seconds) * 1000;
            long cycle = Math.floorDiv(millis, lengthMillis);
            return cycle >= 0 && name.equals(fileName(cycle)) ? cycle : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** Year, month, day of a count of days since 1970-01-01 (H. Hinnant's civil_from_days). */
    private static long[] civil(long days) {
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return new long[] {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
    }

    /** Days since 1970-01-01 of a date (days_from_civil). */
    private static long daysOf(long y, long m, long d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static int log2(int powerOfTwo) {
        return 31 - Integer.numberOfLeadingZeros(powerOfTwo);
    }

    /** Chronicle's constants, in a class of their own so that naming a cycle loads nothing of Chronicle. */
    private static final class Chronicles {
        static RollCycle of(JournalCycle c) {
            switch (c) {
                case FIVE_MINUTELY:
                    return RollCycles.FIVE_MINUTELY;
                case DAILY:
                    return RollCycles.FAST_DAILY;
                default:
                    return TestRollCycles.TEST4_SECONDLY;
            }
        }
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
