package io.framejournal.replay.export;

import java.util.List;

/**
 * The tables {@code framejournal export} writes and {@code framejournal sql} queries: names, columns and types. This
 * is the stable schema documented in docs/EXPORT.md: columns are only ever added at the end of a table, never
 * renamed, retyped or reordered, and {@link #VERSION} is bumped if that rule ever has to be broken.
 */
public final class ExportSchema {
    /** Schema version, written to the export's manifest. */
    public static final int VERSION = 1;

    /**
     * One column.
     *
     * @param name    its name
     * @param type    its DuckDB type (Parquet: BIGINT = INT64, INTEGER = INT32, SMALLINT = INT16 / INT(16), VARCHAR =
     *                UTF8 string, BOOLEAN)
     * @param meaning one line for the docs
     */
    public record Column(String name, String type, String meaning) {}

    /**
     * One table.
     *
     * @param name    its name (also its directory in an export)
     * @param meaning one line for the docs
     * @param columns its columns, in order
     */
    public record Table(String name, String meaning, List<Column> columns) {
        /** {@code CREATE TABLE name (...)} with every identifier quoted. */
        public String ddl(String tableName) {
            StringBuilder sb = new StringBuilder("CREATE TABLE ")
                    .append(DuckDb.ident(tableName))
                    .append(" (");
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                sb.append(i == 0 ? "" : ", ")
                        .append(DuckDb.ident(c.name()))
                        .append(' ')
                        .append(c.type());
            }
            return sb.append(')').toString();
        }
    }

    private static Column c(String name, String type, String meaning) {
        return new Column(name, type, meaning);
    }

    public static final Table EVENTS = new Table(
            "events",
            "one row per slot event (journal entry), in journal order",
            List.of(
                    c("index", "BIGINT", "journal index (Chronicle Queue index; events of one record share it)"),
                    c("time", "BIGINT", "timestamp, epoch nanoseconds"),
                    c("thread", "INTEGER", "id of the writing thread"),
                    c("op", "VARCHAR", "the public call behind it (OpCode name, e.g. FRAME_CLONE)"),
                    c("kind", "VARCHAR", "what happened (EventKind name, e.g. REFCOUNT, MINT)"),
                    c("slot", "INTEGER", "frame index; -1 for region-wide events"),
                    c("paddr", "BIGINT", "physical address slot * page size; NULL for region-wide events"),
                    c("before", "BIGINT", "value before (meaning by kind: refcount, obligations, usage code, ...)"),
                    c("after", "BIGINT", "value after"),
                    c("handle", "BIGINT", "handle id (session << 40 | counter); 0 for none"),
                    c("site", "INTEGER", "call-site id; 0 = none recorded (journal format 1 records none)"),
                    c("flags", "SMALLINT", "record flags: 1 = op end (quiet point), 2 = in-place metadata update"),
                    c("meta_type", "SMALLINT", "metadata type id (META_*), format version (REGION_OPEN), else 0")));

    public static final Table CALLS = new Table(
            "calls",
            "one row per journal record (one public call's entries)",
            List.of(
                    c("index", "BIGINT", "journal index of the record"),
                    c("time", "BIGINT", "timestamp, epoch nanoseconds"),
                    c("thread", "INTEGER", "id of the writing thread"),
                    c("op", "VARCHAR", "the public call (OpCode name)"),
                    c("handle", "BIGINT", "handle id; 0 for none"),
                    c("site", "INTEGER", "call-site id; 0 = none"),
                    c("entries", "INTEGER", "events (entries) in the record"),
                    c("slot_entries", "INTEGER", "entries that change a slot"),
                    c("first_slot", "INTEGER", "lowest slot it touches; NULL when none"),
                    c("last_slot", "INTEGER", "highest slot it touches; NULL when none")));

    public static final Table SLOTS = new Table(
            "slots",
            "one row per frame: its state at the end (or at --at)",
            List.of(
                    c("slot", "INTEGER", "frame index"),
                    c("paddr", "BIGINT", "physical address"),
                    c("status", "VARCHAR", "free, unique, shared, busy or illegal (from ref_count)"),
                    c("ref_count", "BIGINT", "reference count: -1 UNUSED, -2 UNIQUE, else the count"),
                    c("usage", "VARCHAR", "UNUSED, RESERVED, FRAME, PAGE_TABLE, META, KERNEL, MMIO"),
                    c("in_list", "INTEGER", "id of the frame list it is on; 0 for none"),
                    c("meta_type", "SMALLINT", "metadata type id; 0 = not initialized"),
                    c("obligations", "BIGINT", "live handles' obligations"),
                    c("raw", "BIGINT", "references forgotten with into_raw and not restored"),
                    c("last_index", "BIGINT", "journal index of the last event applied; NULL for never touched")));

    public static final Table LEAKS = new Table(
            "leaks",
            "what the audit found outstanding: obligations, raw references, handles the leak detector saw dropped",
            List.of(
                    c("kind", "VARCHAR", "obligation, raw or detector (a LEAKED_HANDLE event)"),
                    c("handle", "BIGINT", "the minting (obligation), forgetting (raw) or leaked (detector) handle"),
                    c("handle_text", "VARCHAR", "the handle as session:counter"),
                    c("op", "VARCHAR", "the op that minted (obligation, detector) or forgot (raw) it"),
                    c("slot", "INTEGER", "the frame (detector: the handle's first frame)"),
                    c("paddr", "BIGINT", "its physical address"),
                    c("index", "BIGINT", "journal index of the mint, the into_raw, or the LEAKED_HANDLE event"),
                    c("count", "BIGINT", "raw: references outstanding; detector: pages; obligation: NULL"),
                    c("group_total", "BIGINT", "obligation: obligations the handle+op group owes in all; else NULL"),
                    c("group_first_index", "BIGINT", "obligation: the group's earliest outstanding mint; else NULL"),
                    c("site", "INTEGER", "call-site id of the event at index; 0 = none")));

    public static final Table SITES = new Table(
            "sites",
            "one row per call-site id met in the journal",
            List.of(
                    c("site", "INTEGER", "call-site id; 0 = none recorded"),
                    c("calls", "BIGINT", "records carrying it"),
                    c("events", "BIGINT", "events carrying it"),
                    c("mints", "BIGINT", "MINT events carrying it"),
                    c("leaked_obligations", "BIGINT", "leak rows (kind obligation) minted there")));

    public static final Table REGION = new Table(
            "region",
            "one row: the region exported and how far",
            List.of(
                    c("dir", "VARCHAR", "the region directory as given"),
                    c("max_paddr", "BIGINT", "end of physical memory"),
                    c("page_size", "INTEGER", "bytes per frame"),
                    c("frames", "INTEGER", "frames (slots)"),
                    c("clean", "BOOLEAN", "closed cleanly or recovered"),
                    c("events", "BIGINT", "events exported"),
                    c("first_index", "BIGINT", "first journal index exported"),
                    c("last_index", "BIGINT", "last journal index exported"),
                    c("at", "BIGINT", "the --at index, or NULL for the end"),
                    c("stop_reason", "VARCHAR", "why reading stopped early, or NULL"),
                    c("format_version", "INTEGER", "journal format version of this build"),
                    c("schema_version", "INTEGER", "this export schema's version")));

    /** Every table, in the order they are written. */
    public static final List<Table> TABLES = List.of(EVENTS, CALLS, SLOTS, LEAKS, SITES, REGION);

    private ExportSchema() {}
}
