package io.framejournal.replay.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ParquetTables} on its own: a record cut across batches and parts, and a writer that fails. */
class ParquetTablesTest {
    @TempDir
    Path tmp;

    static JournalEvent event(long index, int slot, EventKind kind) {
        JournalEvent e = new JournalEvent();
        e.index = index;
        e.timestamp = 1_000_000L + index;
        e.kind = kind;
        e.op = 4;
        e.slot = slot;
        e.thread = 7;
        e.handle = 1L << 40 | index;
        return e;
    }

    @Test
    void aRecordLongerThanABatchIsOneCallsRow() throws Exception {
        for (String t : new String[] {"events", "calls"}) {
            Files.createDirectories(tmp.resolve(t));
        }
        int batch = 100; // row groups (and batches) of 100 rows
        try (ParquetTables tables = new ParquetTables(tmp, 4096, 1000, batch, null)) {
            tables.event(event(1, -1, EventKind.BEGIN), 0);
            for (int i = 0; i < 250; i++) {
                tables.event(event(2, i, EventKind.REFCOUNT), 3); // one record of 250 entries: three batches
            }
            tables.endPart();
            tables.event(event(3, 5, EventKind.MINT), 0);
            tables.endPart();
            tables.finish();
            assertThat(tables.files()).isEqualTo(4);
        }
        try (Connection c = DuckDb.open(tmp);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"index\", entries, slot_entries, first_slot, last_slot, site,"
                        + " regexp_extract(filename, 'part-[0-9]+') FROM read_parquet('"
                        + tmp.resolve("calls/*.parquet")
                        + "', filename = true) ORDER BY \"index\"")) {
            StringBuilder got = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= 7; i++) {
                    got.append(rs.getString(i)).append(i == 7 ? "\n" : " ");
                }
            }
            assertThat(got.toString())
                    .isEqualTo("1 1 0 null null 0 part-00000\n" + "2 250 250 0 249 3 part-00000\n"
                            + "3 1 1 5 5 0 part-00001\n");
        }
    }

    @Test
    void aFailedWriterIsReportedAndNothingHangs() {
        // no events/ or calls/ directory: the writer thread cannot create its part files
        ParquetTables tables = new ParquetTables(tmp.resolve("missing"), 4096, 1000, 10, null);
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 1000; i++) {
                        tables.event(event(i, i % 100, EventKind.REFCOUNT), 0);
                    }
                    tables.endPart();
                    tables.finish();
                })
                .isInstanceOf(IOException.class)
                .hasMessageContaining("part-00000.parquet");
        tables.close();
    }
}
