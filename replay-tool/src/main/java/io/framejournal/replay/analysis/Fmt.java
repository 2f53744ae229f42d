package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.Usage;
import java.time.Instant;

/** How the tool writes the values it reports: hex paddrs, {@code session:counter} handles, values by kind. */
public final class Fmt {
    /** Handle and compound ids are {@code session << 40 | counter}. */
    public static final int SESSION_SHIFT = 40;

    private Fmt() {}

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    public static long paddrOf(int slot) {
        return (long) slot * RegionConfig.PAGE_SIZE;
    }

    public static String paddr(int slot) {
        return hex(paddrOf(slot));
    }

    /** A handle id as {@code session:counter}, or {@code -} for none. */
    /**
     * A call site in one cell: {@code #id Class.method(File.java:line)} (its innermost frame), {@code -} for none; a
     * site's text comes from the region's site table and is escaped for the terminal.
     */
    public static String site(io.framejournal.journal.CallSite site, int id) {
        if (id == 0) {
            return "-";
        }
        if (site == null) {
            return "#" + Integer.toUnsignedString(id) + " (not in the site table)";
        }
        return "#" + Integer.toUnsignedString(id) + " " + frame(site.top());
    }

    /** One frame as {@code Class.method(File.java:line)}, escaped for the terminal. */
    public static String frame(io.framejournal.journal.CallSite.Frame f) {
        return io.framejournal.journal.SiteTable.printable(f.shortText());
    }

    /** Text from a region file, safe to print: control characters and escape sequences escaped. */
    public static String safe(String s) {
        return io.framejournal.journal.SiteTable.printable(s);
    }

    public static String handle(long handle) {
        if (handle == 0) {
            return "-";
        }
        return (handle >>> SESSION_SHIFT) + ":" + (handle & ((1L << SESSION_SHIFT) - 1));
    }

    /** Epoch nanoseconds as an ISO-8601 instant. */
    public static String time(long epochNanos) {
        return Instant.ofEpochSecond(
                        Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
                .toString();
    }

    /** An event's before or after value, written the way its kind means it. */
    public static String value(JournalEvent e, long v) {
        return value(e.kind, v);
    }

    public static String value(EventKind kind, long v) {
        switch (kind) {
            case REFCOUNT:
                return RefCount.describe(v);
            case USAGE:
                return Usage.nameOf(v);
            case REGION_OPEN:
            case META_WRITE:
            case META_DROP:
                return hex(v);
            case LIST:
                return v == 0 ? "none" : "list#" + v;
            default:
                return Long.toString(v);
        }
    }

    /** {@code before→after} for slot events; what the fields mean for markers. */
    public static String change(JournalEvent e) {
        switch (e.kind) {
            case META_WRITE:
                return "type " + e.metaType + " := " + hex(e.before) + "/" + hex(e.after)
                        + ((e.flags & JournalEvent.FLAG_UPDATE) != 0 ? " (update)" : "");
            case META_DROP:
                return "type " + e.metaType + " dropped (was " + hex(e.before) + "/" + hex(e.after) + ")";
            case REGION_OPEN:
                return "maxPaddr=" + hex(e.before) + " pageSize=" + e.after + " format=" + e.metaType + " session="
                        + e.handle;
            case REGION_CLOSE:
                return "clean close";
            case BEGIN:
                return e.before + " page(s), compound " + handle(e.after);
            case END:
                return (e.before == 0 ? "completed" : "failed, rolled back") + ", compound " + handle(e.after);
            case LEAKED_HANDLE:
                return e.before + " page(s), minted by " + io.framejournal.journal.OpCode.nameOf((int) e.after);
            case RECOVERY:
                return (e.after == 0 ? "started" : "finished") + ", " + e.before + " event(s) redone";
            default:
                return value(e.kind, e.before) + "\u2192" + value(e.kind, e.after);
        }
    }

    /** Thousands separators, for counts people read. */
    public static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(java.util.Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
