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
}
