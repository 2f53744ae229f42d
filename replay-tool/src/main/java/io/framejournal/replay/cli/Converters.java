package io.framejournal.replay.cli;

import io.framejournal.journal.JournalIndex;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line value parsers: hex or decimal numbers, durations like {@code 10s}. */
final class Converters {
    private Converters() {}

    /** {@code 0x…} hexadecimal or decimal, for paddrs and journal indices. */
    static final class Number implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return JournalIndex.parse(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number (use decimal or 0x-prefixed hex)");
            }
        }
    }

    /** A count of 1 or more ({@code --limit}). */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a count (a whole number, 1 or more)");
            }
            if (n < 1) {
                throw new TypeConversionException("'" + value + "' is not a count (a whole number, 1 or more)");
            }
            return n;
        }
    }

    /** A journal index or an ISO-8601 time ({@code --at}). */
    static final class At implements ITypeConverter<io.framejournal.replay.analysis.Position> {
        @Override
        public io.framejournal.replay.analysis.Position convert(String value) {
            try {
                return io.framejournal.replay.analysis.Position.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
    static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
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
                        break;
                }
            } catch (RuntimeException e) {
                // fall through to the one message below
            }
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 10s, 2m, 1h)");
        }
    }

    /** {@code 30s}, {@code 5m} or a number of records, as a checkpoint policy; bad values fail in one line. */
    static io.framejournal.journal.Checkpointer.Policy checkpointPolicy(String option, String value, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("--keep-checkpoints must be at least 1, not " + keep);
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
            Duration d;
            try {
                d = new Span().convert(v);
            } catch (RuntimeException e) {
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
