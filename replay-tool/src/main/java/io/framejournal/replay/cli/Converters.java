package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line value parsers: hex or decimal numbers, durations like {@code 10s}. */
final class Converters {
    private Converters() {}

    /**
     * {@code 0x…} hexadecimal or decimal, 0 or more: paddrs and frame numbers (a negative value, or a hex one of
     * 0x8000000000000000 or more, is neither); out of range in the words of {@link FilterOptions#number}.
     */
    static final class Number implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long v = parse(value);
            if (v < 0) {
                throw new TypeConversionException("'" + value + "' is out of range (0.." + Long.MAX_VALUE + ")");
            }
            return v;
        }
    }

    /** A journal index ({@code dump --from/--to}): {@link Number}'s forms, 0 or more. */
    static final class Index implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long v = parse(value);
            if (v < 0) {
                throw new TypeConversionException(notAnIndex(value));
            }
            return v;
        }
    }

    private static long parse(String value) {
        try {
            return JournalIndex.parse(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number (use decimal or 0x-prefixed hex)");
        }
    }

    /** The one message for a negative journal index, of every option that takes one (and of {@link FilterOptions}). */
    static String notAnIndex(String value) {
        return "'" + value + "' is not a journal index (those are 0 to 0x7fffffffffffffff)";
    }

    /** A whole number of at least {@code min} and at most {@code max}, with the one message for a count. */
    static long count(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        if (n < min) {
            throw new TypeConversionException("'" + value + "' is not a count (a whole number, " + min + " or more)");
        }
        if (n > max) {
            throw new TypeConversionException("'" + value + "' is too large (at most " + max + ")");
        }
        return n;
    }

    /** A count of 1 or more ({@code --limit}, {@code --events}). */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return count(value, 1, Long.MAX_VALUE);
        }
    }

    /** A count of 1 or more, for an {@code int} option ({@code audit --limit}, {@code --keep}). */
    static final class IntCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) count(value, 1, Integer.MAX_VALUE);
        }
    }

    /** A count of 0 or more, for an {@code int} option where 0 means something ({@code sql --max-rows 0}). */
    static final class IntCountOrZero implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) count(value, 0, Integer.MAX_VALUE);
        }
    }

    /** A count of 0 or more ({@code simulate --ops 0}: open or create the region and close it). */
    static final class CountOrZero implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return count(value, 0, Long.MAX_VALUE);
        }
    }

    /**
     * A directory name ({@code DIR}): not empty, and not under a regular file (such a directory can be neither read
     * nor made). Whether it must exist, be a region or be new is the command's to say.
     */
    static final class Dir implements ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("an empty name is no directory; give a directory's path");
            }
            java.nio.file.Path path = FrameJournalCli.path(value); // a name the locale cannot encode says so
            for (java.nio.file.Path p = path.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
                if (java.nio.file.Files.isDirectory(p)) {
                    break;
                }
                if (java.nio.file.Files.exists(p)) {
                    throw new TypeConversionException("'" + value + "' cannot be a directory: " + p
                            + " is a file; give a path under a directory");
                }
            }
            return path;
        }
    }

    /** A journal index or an ISO-8601 time ({@code --at}). */
    static final class At implements ITypeConverter<io.framejournal.replay.analysis.Position> {
        @Override
        public io.framejournal.replay.analysis.Position convert(String value) {
            try {
                return checked(value, io.framejournal.replay.analysis.Position.parse(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A parsed position that is a negative index (no journal index is) fails with {@link #notAnIndex}. */
    static io.framejournal.replay.analysis.Position checked(String value, io.framejournal.replay.analysis.Position p) {
        if (!p.isTime() && p.value() < 0) {
            throw new IllegalArgumentException(notAnIndex(value));
        }
        return p;
    }

    /**
     * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT10S}), longer than zero (a run, a
     * period); the message echoes the value as given.
     */
    static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = span(value);
            if (d == null) {
                throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 10s, 2m, 1h)");
            }
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException(
                        "'" + value + "' is not a positive duration (e.g. 500ms, 10s, 2m, 1h)");
            }
            return d;
        }
    }

    /** {@link Span}'s forms, zero and negative ones too; {@code null} when {@code value} is none of them. */
    static Duration span(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code 30s}, {@code 5m} or a number of records, as a checkpoint policy; bad values fail in one line. */
    static io.framejournal.journal.Checkpointer.Policy checkpointPolicy(
            String option, String value, String keepOption, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException(keepOption + " must be at least 1, not " + keep);
        }
        String v = value.trim();
        io.framejournal.journal.Checkpointer.Policy p;
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + value + " is too large");
            }
            if (n <= 0) {
                throw new IllegalArgumentException(option + " needs a positive number of records, not " + value);
            }
            p = io.framejournal.journal.Checkpointer.Policy.everyRecords(n);
        } else {
            Duration d = span(v);
            if (d == null) {
                throw new IllegalArgumentException(
                        option + " " + value + " is neither a time (30s, 5m, 1h) nor a number of records");
            }
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(option + " needs a positive time, not " + value);
            }
            p = io.framejournal.journal.Checkpointer.Policy.every(d);
        }
        return p.keeping(keep);
    }

    /** {@code 512M}, {@code 10G}, {@code 1T} or a number of bytes; bad values fail in one line. */
    static long size(String option, String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n <= 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " " + value + " is not a size (a positive number of bytes, or with K, M, G or T)");
        }
    }
}
