package io.framejournal.replay.analysis;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.Usage;

/** How the tool writes the values it reports: hex paddrs, {@code session:counter} handles, values by kind. */
public final class Fmt {
    /** Handle and compound ids are {@code session << 40 | counter}. */
    public static final int SESSION_SHIFT = 40;

    private Fmt() {}

    public static String hex(long v) {
        return appendHex(new StringBuilder(18), v).toString();
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

    /** Epoch nanoseconds as an ISO-8601 UTC instant with nine fraction digits ({@link IsoTime}). */
    public static String time(long epochNanos) {
        return IsoTime.format(epochNanos);
    }

    /** An event's before or after value, written the way its kind means it. */
    public static String value(JournalEvent e, long v) {
        return value(e.kind, v);
    }

    public static String value(EventKind kind, long v) {
        return appendValue(new StringBuilder(24), kind, v).toString();
    }

    /** Appends {@code 0x} and {@code v} in lower-case hex (unsigned), without allocating. */
    public static StringBuilder appendHex(StringBuilder sb, long v) {
        sb.append("0x");
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(v)) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 0xf]);
        }
        return sb;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Appends a handle id as {@code session:counter}, or {@code -} for none. */
    public static StringBuilder appendHandle(StringBuilder sb, long handle) {
        if (handle == 0) {
            return sb.append('-');
        }
        return sb.append(handle >>> SESSION_SHIFT).append(':').append(handle & ((1L << SESSION_SHIFT) - 1));
    }

    /** Appends {@link #value(EventKind, long)}. */
    public static StringBuilder appendValue(StringBuilder sb, EventKind kind, long v) {
        switch (kind) {
            case REFCOUNT:
                if (v == RefCount.UNUSED || v == RefCount.UNIQUE || v == RefCount.MAX || v < 0) {
                    return sb.append(RefCount.describe(v));
                }
                return sb.append(v);
            case USAGE:
                return sb.append(Usage.nameOf(v));
            case REGION_OPEN:
            case META_WRITE:
            case META_DROP:
                return appendHex(sb, v);
            case LIST:
                return v == 0 ? sb.append("none") : sb.append("list#").append(v);
            default:
                return sb.append(v);
        }
    }

    /** {@code before→after} for slot events; what the fields mean for markers. */
    public static String change(JournalEvent e) {
        return appendChange(new StringBuilder(48), e).toString();
    }

    /** The arrow between a slot event's before and after values. */
    public static final char ARROW = '\u2192';

    /** Appends {@link #change(JournalEvent)} without allocating for slot events. */
    public static StringBuilder appendChange(StringBuilder sb, JournalEvent e) {
        return appendChange(sb, e, ARROW);
    }

    /**
     * Appends {@link #change(JournalEvent)} with {@code arrow} in place of {@link #ARROW}: a fast writer passes a
     * Latin-1 stand-in so that its builder never turns UTF-16 (which makes every later append slower), and encodes
     * the arrow itself.
     */
    public static StringBuilder appendChange(StringBuilder sb, JournalEvent e, char arrow) {
        switch (e.kind) {
            case META_WRITE:
                sb.append("type ").append(e.metaType).append(" := ");
                appendHex(sb, e.before).append('/');
                appendHex(sb, e.after);
                return (e.flags & JournalEvent.FLAG_UPDATE) != 0 ? sb.append(" (update)") : sb;
            case META_DROP:
                sb.append("type ").append(e.metaType).append(" dropped (was ");
                appendHex(sb, e.before).append('/');
                return appendHex(sb, e.after).append(')');
            case REGION_OPEN:
                sb.append("maxPaddr=");
                return appendHex(sb, e.before)
                        .append(" pageSize=")
                        .append(e.after)
                        .append(" format=")
                        .append(e.metaType)
                        .append(" session=")
                        .append(e.handle);
            case REGION_CLOSE:
                return sb.append("clean close");
            case BEGIN:
                return appendHandle(sb.append(e.before).append(" page(s), compound "), e.after);
            case END:
                return appendHandle(
                        sb.append(e.before == 0 ? "completed" : "failed, rolled back")
                                .append(", compound "),
                        e.after);
            case LEAKED_HANDLE:
                return sb.append(e.before)
                        .append(" page(s), minted by ")
                        .append(io.framejournal.journal.OpCode.nameOf((int) e.after));
            case RECOVERY:
                return sb.append(e.after == 0 ? "started" : "finished")
                        .append(", ")
                        .append(e.before)
                        .append(" event(s) redone");
            default:
                appendValue(sb, e.kind, e.before).append(arrow);
                return appendValue(sb, e.kind, e.after);
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
