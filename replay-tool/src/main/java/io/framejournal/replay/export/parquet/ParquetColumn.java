package io.framejournal.replay.export.parquet;

import java.util.List;

/**
 * One flat column of a Parquet file this package writes.
 *
 * @param name       its name
 * @param type       its type
 * @param optional   OPTIONAL (nulls, written as definition levels) or REQUIRED
 * @param dictionary {@link Type#STRING} only, or {@code null} for PLAIN strings: every value the column may hold
 *                   (rows carry indices into it)
 */
public record ParquetColumn(String name, Type type, boolean optional, List<String> dictionary) {
    /**
     * Physical type, converted type and logical type, as DuckDB's BIGINT, INTEGER, SMALLINT, VARCHAR and BOOLEAN
     * map.
     */
    public enum Type {
        INT16(Physical.INT32, 16, 16),
        INT32(Physical.INT32, 17, 32),
        INT64(Physical.INT64, 18, 64),
        STRING(Physical.BYTE_ARRAY, 0, 0),
        BOOLEAN(Physical.BOOLEAN, -1, 0);

        final Physical physical;
        /** Parquet's ConvertedType (INT_16, INT_32, INT_64, UTF8), -1 for none. */
        final int converted;
        /** Bits of the INTEGER logical type (0: the STRING logical type). */
        final int bits;

        Type(Physical physical, int converted, int bits) {
            this.physical = physical;
            this.converted = converted;
            this.bits = bits;
        }
    }

    /** Parquet's physical Type enum values. */
    enum Physical {
        BOOLEAN(0, 1),
        INT32(1, 4),
        INT64(2, 8),
        BYTE_ARRAY(6, 0);

        final int id;
        /** Bytes of a plain-encoded value (statistics), 0 for variable length. */
        final int width;

        Physical(int id, int width) {
            this.id = id;
            this.width = width;
        }
    }

    public ParquetColumn {
        if (dictionary != null && type != Type.STRING) {
            throw new IllegalArgumentException("column " + name + ": only strings are dictionary encoded");
        }
        dictionary = dictionary == null ? null : List.copyOf(dictionary);
    }

    public static ParquetColumn required(String name, Type type) {
        return new ParquetColumn(name, type, false, null);
    }

    public static ParquetColumn optional(String name, Type type) {
        return new ParquetColumn(name, type, true, null);
    }

    public static ParquetColumn dictionary(String name, List<String> values) {
        return new ParquetColumn(name, Type.STRING, false, values);
    }
}
