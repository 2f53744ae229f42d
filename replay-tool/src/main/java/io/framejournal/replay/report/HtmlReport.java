package io.framejournal.replay.report;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.SlotFinding;
import io.framejournal.replay.export.EventFields;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * {@code framejournal report}: one self-contained HTML file (no network, no external script, font or style) with a
 * memory map, per-leak-group timelines, event rates and the audit's findings linked to the frames they name. Drawn
 * from fixed-size grids ({@link ReportScan}), so it stays small and fast to render for any journal length. Every
 * string from the region goes through {@link Html#esc}; a Content-Security-Policy with a per-report nonce allows only
 * the report's own inline script, so even a markup bug could not run injected script or load anything.
 */
public final class HtmlReport {
    /** Time columns of the grids. */
    public static final int COLUMNS = 600;
    /** Frame rows of the memory map. */
    public static final int ROWS = 256;

    static final int SHOWN_PER_CATEGORY = 50;
    static final int SHOWN_GROUPS = 30;
    static final int FRAMES_PER_GROUP = 6;
    static final int MAX_WATCHED = 600;

    private static final String[] STATUS_NAMES = {"free", "unique", "shared", "busy", "illegal"};
    private static final int[] STATUS_RGB = {0xe9ecf1, 0x2f855a, 0x2b6cb0, 0xdd6b20, 0xc53030};
    private static final String[] PALETTE = {
        "#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#b7791f", "#319795", "#d53f8c", "#4a5568", "#9c4221",
        "#0bc5ea", "#805ad5", "#e53e3e", "#3182ce", "#718096", "#975a16"
    };

    /**
     * What was written.
     *
     * @param file       the HTML file
     * @param bytes      its size
     * @param events     events read
     * @param findings   the audit's findings
     * @param columns    time columns drawn
     * @param bucket     events per column
     * @param rows       frame rows of the map
     * @param stopReason why reading stopped early, or {@code null}
     */
    public record Result(
            Path file, long bytes, long events, long findings, int columns, long bucket, int rows, String stopReason) {}

    private final RegionInput region;
    private final long at;
    private final String label;

    /**
     * @param region the region
     * @param at     as of this journal index, or {@link JournalIndex#NONE}
     * @param label  how to name the region on the page (the DIR the user gave)
     */
    /**
     * What a report of a journal whose early files were retired, and no usable checkpoint covers, says (on the page,
     * and as the command's warning): its drawing replays the kept journal alone.
     */
    public static final String RETIRED_UNCOVERED = "the journal's early files were retired (`retain`) and no usable"
            + " checkpoint covers them: the report draws the kept journal only, so the frame states it shows miss what"
            + " came before its oldest kept record (`framejournal state` gives a frame's state now)";

    /** The page's note when the states at a retired journal's oldest kept record were derived from a checkpoint. */
    static String retiredFrom(long checkpoint) {
        return "the journal's early files were retired (`retain`): the report draws the kept journal, each frame's"
                + " state at its oldest kept record derived from checkpoint " + JournalIndex.format(checkpoint)
                + " (the state there, taken back to the values the first kept events started from)";
    }

    private String warning;

    /** The audit's warnings (part of the input could not be read); set by {@link #write}. */
    private java.util.List<String> auditWarnings = java.util.List.of();

    /** The audit's warnings, also on the page: part of the input could not be read. */
    public java.util.List<String> auditWarnings() {
        return auditWarnings;
    }

    /**
     * What the report warns of, or {@code null}: {@link #RETIRED_UNCOVERED} when the journal's start was retired and
     * no checkpoint covers it. Set by {@link #write}.
     */
    public String warning() {
        return warning;
    }

    public HtmlReport(RegionInput region, long at, String label) {
        this.region = region;
        this.at = at;
        this.label = label;
    }

    /** Audits, scans and writes the report to {@code out} ({@link OutputFile#of} checked it before any reading). */
    public Result write(OutputFile out, Progress progress) {
        boolean retired = io.framejournal.journal.ReplayStart.journalStartRetired(
                region.layout().journal());
        AuditReport audit = new Auditor(region, at, Auditor.DEFAULT_DETAIL_LIMIT).run(Progress.none());
        auditWarnings = audit.warnings();
        Watch watch = watch(audit);
        ReportScan scan = new ReportScan(region, at, COLUMNS, ROWS, watch.slots(), watch.marks());
        if (retired) {
            scan.runRetired(progress);
            warning = scan.seededFrom == JournalIndex.NONE ? RETIRED_UNCOVERED : null;
        } else {
            scan.run(progress);
        }
        String html = render(audit, scan, watch);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        return new Result(
                out.target(),
                bytes.length,
                scan.events,
                audit.findings(),
                scan.cols,
                scan.bucket,
                scan.rows,
                scan.stopReason != null ? scan.stopReason : audit.stopReason());
    }

    // ------------------------------------------------------------------ what to watch

    /**
     * The frames drawn in detail and the journal indices to place on the time axis.
     *
     * @param slots  watched slots (each gets a timeline and an anchor {@code frame-N})
     * @param marks  mint / forget / leaked-handle indices, ascending
     */
    record Watch(int[] slots, long[] marks) {
        int indexOf(int slot) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == slot) {
                    return i;
                }
            }
            return -1;
        }

        int markOf(long index) {
            int i = Arrays.binarySearch(marks, index);
            return i < 0 ? -1 : i;
        }
    }

    private static Watch watch(AuditReport a) {
        Set<Integer> slots = new LinkedHashSet<>();
        TreeSet<Long> marks = new TreeSet<>();
        int groups = 0;
        for (AuditReport.LeakGroup g : a.leaks()) {
            if (groups++ == SHOWN_GROUPS) {
                break;
            }
            int n = 0;
            for (int i = 0; i < g.slots().size() && n < FRAMES_PER_GROUP; i++) {
                if (slots.add(g.slots().get(i))) {
                    n++;
                }
                marks.add(g.indices().get(i));
            }
        }
        for (AuditReport.RawLeak r : first(a.rawLeaks())) {
            slots.add(r.slot());
            marks.add(r.index());
        }
        for (AuditReport.LeakedHandle h : first(a.leakedHandles())) {
            if (h.slot() >= 0 && h.slot() < a.nrSlots()) {
                slots.add(h.slot());
            }
            marks.add(h.index());
        }
        for (AuditReport.TornCompound t : first(a.tornCompounds())) {
            if (t.startSlot() >= 0 && t.startSlot() < a.nrSlots()) {
                slots.add(t.startSlot());
            }
        }
        for (AuditReport.Findings f : slotFindings(a).values()) {
            for (SlotFinding s : first(f.shown())) {
                if (s.slot() >= 0 && s.slot() < a.nrSlots()) {
                    slots.add(s.slot());
                }
            }
        }
        int[] s = slots.stream().limit(MAX_WATCHED).mapToInt(Integer::intValue).toArray();
        long[] m = marks.stream().mapToLong(Long::longValue).toArray();
        return new Watch(s, m);
    }

    private static <T> List<T> first(List<T> l) {
        return l.size() > SHOWN_PER_CATEGORY ? l.subList(0, SHOWN_PER_CATEGORY) : l;
    }

    private static Map<String, AuditReport.Findings> slotFindings(AuditReport a) {
        Map<String, AuditReport.Findings> m = new LinkedHashMap<>();
        m.put("Ledger breaks at the end", a.ledger());
        m.put("Invariant breaks at quiet points", a.invariants());
        m.put("Illegal transitions, double frees, continuity breaks", a.transitions());
        m.put("Slots torn mid-operation", a.tornSlots());
        m.put("Divergence from the slot table", a.divergence().findings());
        return m;
    }

    // ------------------------------------------------------------------ the page

    private String render(AuditReport a, ReportScan s, Watch w) {
        byte[] nonceBytes = new byte[18];
        new SecureRandom().nextBytes(nonceBytes);
        String nonce = Base64.getEncoder().encodeToString(nonceBytes);
        StringBuilder h = new StringBuilder(256 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; ")
                .append("style-src 'unsafe-inline'; script-src 'nonce-")
                .append(nonce)
                .append("'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>FrameJournal report: ")
                .append(Html.esc(label))
                .append("</title>\n")
                .append("<script nonce=\"")
                .append(nonce)
                .append("\">")
                .append(ERROR_HOOK)
                .append("</script>\n")
                .append("<style>")
                .append(CSS)
                .append("</style></head><body>\n")
                .append("<div id=\"fj-status\" data-errors=\"0\" data-csp=\"0\" data-ready=\"false\" hidden></div>\n");
        summary(h, a, s);
        memoryMap(h, s);
        rates(h, s);
        leaks(h, a, s, w);
        findings(h, a, w);
        frames(h, a, s, w);
        h.append("<footer>framejournal report · journal format ")
                .append(a.formatVersion())
                .append(" · ")
                .append(Fmt.count(s.events))
                .append(" events drawn in ")
                .append(s.cols)
                .append(" columns of ")
                .append(Fmt.count(s.bucket))
                .append(" event(s)</footer>\n");
        axisData(h, s, nonce);
        h.append("<script nonce=\"").append(nonce).append("\">").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private void summary(StringBuilder h, AuditReport a, ReportScan s) {
        h.append("<header><h1>FrameJournal report</h1><p class=\"dir\">")
                .append(Html.esc(label))
                .append("</p></header>\n");
        h.append("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">");
        kv(
                h,
                "frames",
                Fmt.count(s.nrSlots) + " (maxPaddr " + Fmt.hex(region.config().maxPaddr()) + ", page size "
                        + region.config().pageSize() + ")");
        kv(
                h,
                "region",
                region.clean()
                        ? "closed cleanly"
                        : region.archive() ? "an archive of retired journal files" : "open, or not closed cleanly");
        kv(
                h,
                "events",
                Fmt.count(s.events)
                        + (s.events == 0
                                ? ""
                                : " (" + JournalIndex.format(s.first) + " .. " + JournalIndex.format(s.last) + ")")
                        + (at == JournalIndex.NONE ? "" : ", as of --at " + JournalIndex.format(at)));
        if (s.events > 0) {
            kv(
                    h,
                    "span",
                    Fmt.time(s.firstTime) + " .. " + Fmt.time(s.lastTime)
                            + String.format(Locale.ROOT, " (%.3f s)", (s.lastTime - s.firstTime) / 1e9));
        }
        if (s.seededFrom != JournalIndex.NONE) {
            kv(h, "note", retiredFrom(s.seededFrom));
        }
        if (warning != null) {
            kv(h, "warning", warning);
        }
        kv(h, "findings", Fmt.count(a.findings()) + (a.findings() == 0 ? " (clean)" : ""));
        kv(
                h,
                "leaks",
                Fmt.count(a.obligations()) + " obligation(s) outstanding in " + Fmt.count(a.leakGroupCount())
                        + " handle group(s); " + Fmt.count(a.rawReferences()) + " raw reference(s) never restored; "
                        + Fmt.count(a.leakedHandleCount()) + " handle(s) dropped without close");
        long[] st = new long[ReportScan.STATUSES];
        for (int i = 0; i < s.nrSlots; i++) {
            st[ReportScan.status(s.state.refCount(i))]++;
        }
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < st.length; i++) {
            frames.append(i == 0 ? "" : ", ")
                    .append(STATUS_NAMES[i])
                    .append(' ')
                    .append(Fmt.count(st[i]));
        }
        kv(h, "frames at the end", frames.toString());
        String stop = s.stopReason != null ? s.stopReason : a.stopReason();
        if (stop != null) {
            h.append("<tr class=\"bad\"><th>reading stopped</th><td>")
                    .append(Html.esc(stop))
                    .append(" (the report covers what was read)</td></tr>");
        }
        for (String warning : a.warnings()) {
            h.append("<tr class=\"bad\"><th>warning</th><td>")
                    .append(Html.esc(warning))
                    .append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static void kv(StringBuilder h, String k, String v) {
        h.append("<tr><th>")
                .append(Html.esc(k))
                .append("</th><td>")
                .append(Html.esc(v))
                .append("</td></tr>");
    }

    private void memoryMap(StringBuilder h, ReportScan s) {
        h.append("<section id=\"memory-map\"><h2>Memory map</h2>\n<p class=\"note\">Frames top to bottom (")
                .append(s.rows)
                .append(" rows of ")
                .append(Fmt.count(Math.max(1, s.nrSlots / s.rows)))
                .append(" frame(s)), time left to right (")
                .append(s.cols)
                .append(" columns of ")
                .append(Fmt.count(s.bucket))
                .append(" event(s)). Each cell: the status most frames of the row had ")
                .append("at the column's end that were not free, darker the more of them were in use.</p>\n");
        h.append("<div class=\"legend\">");
        for (int i = 0; i < STATUS_NAMES.length; i++) {
            h.append("<span><i style=\"background:#")
                    .append(String.format("%06x", STATUS_RGB[i]))
                    .append("\"></i>")
                    .append(STATUS_NAMES[i])
                    .append("</span>");
        }
        h.append("</div>\n<div class=\"mapwrap\"><div class=\"yaxis\"><span>frame 0</span><span>")
                .append(Fmt.paddr(0))
                .append("</span><span class=\"grow\"></span><span>frame ")
                .append(Fmt.count(s.nrSlots - 1))
                .append("</span><span>")
                .append(Fmt.paddr(s.nrSlots - 1))
                .append("</span></div>");
        h.append("<img id=\"fj-map\" alt=\"memory map\" width=\"")
                .append(Math.max(1, s.cols))
                .append("\" height=\"")
                .append(s.rows)
                .append("\" src=\"data:image/png;base64,")
                .append(mapPng(s))
                .append("\"></div>\n");
        timeAxis(h, s);
        h.append("<div id=\"fj-tip\" class=\"tip\">hover the map for frames and time</div></section>\n");
    }

    private void timeAxis(StringBuilder h, ReportScan s) {
        h.append("<div class=\"xaxis\">");
        int ticks = 5;
        for (int t = 0; t < ticks && s.cols > 0; t++) {
            int c = (int) ((long) t * (s.cols - 1) / (ticks - 1));
            h.append("<span>")
                    .append(JournalIndex.format(s.colIndex[c]))
                    .append("<br>+")
                    .append(String.format(Locale.ROOT, "%.3f s", (s.colTime[c] - s.firstTime) / 1e9))
                    .append("</span>");
        }
        h.append("</div>\n");
    }

    private static String mapPng(ReportScan s) {
        int cols = Math.max(1, s.cols);
        BufferedImage img = new BufferedImage(cols, s.rows, BufferedImage.TYPE_INT_RGB);
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < s.rows; r++) {
                int cell = s.cols == 0 ? 0 : s.map[c][r] & 0xff;
                img.setRGB(c, r, colour(cell));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        // in memory: ImageIO's default stream caches in java.io.tmpdir, and a missing or read-only one failed the
        // report with "Can't create cache file!"
        try (javax.imageio.stream.MemoryCacheImageOutputStream to =
                new javax.imageio.stream.MemoryCacheImageOutputStream(png)) {
            ImageIO.write(img, "png", to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /** A map cell's colour: the free colour blended toward the status colour by the share in use (at least 35%). */
    static int colour(int cell) {
        int level = cell & 31;
        if (level == 0) {
            return STATUS_RGB[0];
        }
        int to = STATUS_RGB[Math.min(STATUS_RGB.length - 1, cell >>> 5)];
        double f = 0.35 + 0.65 * (level / 31.0);
        int from = STATUS_RGB[0];
        int r = (int) Math.round(((from >> 16) & 255) * (1 - f) + ((to >> 16) & 255) * f);
        int g = (int) Math.round(((from >> 8) & 255) * (1 - f) + ((to >> 8) & 255) * f);
        int b = (int) Math.round((from & 255) * (1 - f) + (to & 255) * f);
        return r << 16 | g << 8 | b;
    }

    private void rates(StringBuilder h, ReportScan s) {
        h.append("<section id=\"rates\"><h2>Event rate over time</h2>\n");
        List<String> kindNames = new ArrayList<>();
        List<long[]> kindSeries = new ArrayList<>();
        for (EventKind k : EventKind.values()) {
            if (s.totalKinds[k.ordinal()] > 0) {
                kindNames.add(k.name());
                long[] v = new long[s.cols];
                for (int c = 0; c < s.cols; c++) {
                    v[c] = s.kinds[c][k.ordinal()];
                }
                kindSeries.add(v);
            }
        }
        h.append("<h3>by kind</h3>");
        stacked(h, s, "fj-rate-kind", kindNames, kindSeries);
        Integer[] order = new Integer[OpCode.values().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(s.totalOps[y], s.totalOps[x]));
        List<String> opNames = new ArrayList<>();
        List<long[]> opSeries = new ArrayList<>();
        long[] other = new long[s.cols];
        boolean anyOther = false;
        for (int i = 0; i < order.length; i++) {
            int o = order[i];
            if (s.totalOps[o] == 0) {
                continue;
            }
            if (opNames.size() < 10) {
                opNames.add(OpCode.nameOf(o));
                long[] v = new long[s.cols];
                for (int c = 0; c < s.cols; c++) {
                    v[c] = s.ops[c][o];
                }
                opSeries.add(v);
            } else {
                anyOther = true;
                for (int c = 0; c < s.cols; c++) {
                    other[c] += s.ops[c][o];
                }
            }
        }
        if (anyOther) {
            opNames.add("other ops");
            opSeries.add(other);
        }
        h.append("<h3>by op</h3>");
        stacked(h, s, "fj-rate-op", opNames, opSeries);
        timeAxis(h, s);
        h.append("</section>\n");
    }

    /** A stacked area chart: one path per series over the columns; y is events per column. */
    private static void stacked(StringBuilder h, ReportScan s, String id, List<String> names, List<long[]> series) {
        int cols = Math.max(1, s.cols);
        long max = 1;
        for (int c = 0; c < s.cols; c++) {
            long sum = 0;
            for (long[] v : series) {
                sum += v[c];
            }
            max = Math.max(max, sum);
        }
        double height = 100;
        h.append("<div class=\"chart\"><span class=\"ymax\">")
                .append(Fmt.count(max))
                .append(" events per column</span>")
                .append("<svg id=\"")
                .append(id)
                .append("\" class=\"rate\" viewBox=\"0 0 ")
                .append(cols)
                .append(' ')
                .append((int) height)
                .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"event rate\">");
        long[] base = new long[s.cols];
        for (int i = 0; i < series.size(); i++) {
            long[] v = series.get(i);
            StringBuilder top = new StringBuilder();
            StringBuilder bottom = new StringBuilder();
            for (int c = 0; c < s.cols; c++) {
                double y0 = height - base[c] * height / max;
                double y1 = height - (base[c] + v[c]) * height / max;
                top.append(c == 0 ? "M" : "L")
                        .append(c)
                        .append(',')
                        .append(num(y1))
                        .append('L')
                        .append(c + 1)
                        .append(',')
                        .append(num(y1));
                bottom.insert(0, "L" + (c + 1) + "," + num(y0) + "L" + c + "," + num(y0));
                base[c] += v[c];
            }
            h.append("<path fill=\"")
                    .append(PALETTE[i % PALETTE.length])
                    .append("\" d=\"")
                    .append(top)
                    .append(bottom)
                    .append("Z\"><title>")
                    .append(Html.esc(names.get(i)))
                    .append("</title></path>");
        }
        h.append("</svg></div><div class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            h.append("<span><i style=\"background:")
                    .append(PALETTE[i % PALETTE.length])
                    .append("\"></i>")
                    .append(Html.esc(names.get(i)))
                    .append("</span>");
        }
        h.append("</div>\n");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private void leaks(StringBuilder h, AuditReport a, ReportScan s, Watch w) {
        h.append(
                "<section id=\"leaks\"><h2>Leaks: outstanding obligations by the handle and op that minted them</h2>\n");
        if (a.leaks().isEmpty()) {
            h.append("<p class=\"ok\">No obligation outstanding.</p></section>\n");
            return;
        }
        h.append(
                "<p class=\"note\">Per frame: <span class=\"k rc\">refcount</span> <span class=\"k ob\">obligations</span>"
                        + " <span class=\"k raw\">raw references</span> over time; the red line is the mint that is still"
                        + " outstanding.</p>\n");
        int shown = 0;
        for (AuditReport.LeakGroup g : a.leaks()) {
            if (shown++ == SHOWN_GROUPS) {
                break;
            }
            int mark = w.markOf(g.firstIndex());
            int site = g.site() != EventFields.NO_SITE ? g.site() : mark < 0 ? EventFields.NO_SITE : s.markSite[mark];
            h.append("<div class=\"group\" id=\"leak-")
                    .append(shown)
                    .append("\"><h3>handle ")
                    .append(Html.esc(Fmt.handle(g.handle())))
                    .append(" · minted by ")
                    .append(Html.esc(OpCode.nameOf(g.op())))
                    .append(" · ")
                    .append(Html.esc(siteText(a, site)))
                    .append(" · ")
                    .append(Fmt.count(g.total()))
                    .append(" obligation(s) on ")
                    .append(Fmt.count(g.slots().stream().distinct().count()))
                    .append(" frame(s) · first mint ")
                    .append(JournalIndex.format(g.firstIndex()))
                    .append("</h3>\n");
            Set<Integer> drawn = new LinkedHashSet<>();
            for (int i = 0; i < g.slots().size(); i++) {
                int slot = g.slots().get(i);
                if (drawn.size() == FRAMES_PER_GROUP || !drawn.add(slot)) {
                    continue;
                }
                int m = w.markOf(g.indices().get(i));
                h.append("<div class=\"tl\"><a href=\"#frame-")
                        .append(slot)
                        .append("\">")
                        .append(Fmt.paddr(slot))
                        .append("</a>");
                timeline(h, s, w.indexOf(slot), m < 0 ? -1 : s.columnOf(s.markOrdinal[m]));
                h.append("</div>\n");
            }
            long distinct = g.slots().stream().distinct().count();
            if (distinct > drawn.size()) {
                h.append("<p class=\"note\">and ")
                        .append(Fmt.count(distinct - drawn.size()))
                        .append(" more frame(s)</p>");
            }
            h.append("</div>\n");
        }
        if (a.leakGroupCount() > SHOWN_GROUPS) {
            h.append("<p class=\"note\">")
                    .append(Fmt.count(a.leakGroupCount() - SHOWN_GROUPS))
                    .append(" more group(s): see <code>framejournal audit</code> or the <code>leaks</code> table of ")
                    .append("<code>framejournal export</code>.</p>");
        }
        h.append("</section>\n");
    }

    private static String siteText(AuditReport a, int site) {
        return site == EventFields.NO_SITE
                ? "call site: none recorded"
                : "call site " + Fmt.site(a.site(site), site); // escaped for a terminal, then for HTML
    }

    /** A frame's refcount, obligations and raw references per column, as step lines; a red line at {@code markCol}. */
    private static void timeline(StringBuilder h, ReportScan s, int watchIndex, int markCol) {
        int cols = Math.max(1, s.cols);
        if (watchIndex < 0 || s.cols == 0) {
            h.append("<span class=\"note\">not drawn</span>");
            return;
        }
        long max = 1;
        for (int c = 0; c < s.cols; c++) {
            max = Math.max(
                    max,
                    Math.max(plotted(s.wRc[watchIndex][c]), Math.max(s.wOb[watchIndex][c], s.wRaw[watchIndex][c])));
        }
        double height = 30;
        h.append("<svg class=\"spark\" viewBox=\"0 -2 ")
                .append(cols)
                .append(' ')
                .append((int) height + 4)
                .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"timeline\">");
        if (markCol >= 0) {
            h.append("<line class=\"mint\" x1=\"")
                    .append(markCol)
                    .append("\" x2=\"")
                    .append(markCol)
                    .append("\" y1=\"-2\" y2=\"")
                    .append((int) height + 2)
                    .append("\"/>");
        }
        step(h, "rc", s.wRc[watchIndex], s.cols, max, height, true);
        step(h, "ob", s.wOb[watchIndex], s.cols, max, height, false);
        step(h, "raw", s.wRaw[watchIndex], s.cols, max, height, false);
        long rc = s.wRc[watchIndex][s.cols - 1];
        h.append("</svg><span class=\"now\">refcount ")
                .append(RefCount.describe(rc))
                .append(", obligations ")
                .append(s.wOb[watchIndex][s.cols - 1])
                .append(", raw ")
                .append(s.wRaw[watchIndex][s.cols - 1])
                .append(" (max ")
                .append(Fmt.count(max))
                .append(")</span>");
    }

    /** What a refcount is drawn as: shared counts as they are, UNIQUE as 1, free or busy as 0. */
    private static long plotted(long rc) {
        return rc > 0 ? rc : rc == RefCount.UNIQUE ? 1 : 0;
    }

    private static void step(StringBuilder h, String cls, long[] v, int cols, long max, double height, boolean rc) {
        StringBuilder pts = new StringBuilder();
        double prev = Double.NaN;
        for (int c = 0; c < cols; c++) {
            double y = height - (rc ? plotted(v[c]) : v[c]) * height / max;
            if (c == 0) {
                pts.append("0,").append(num(y));
            } else if (y != prev) {
                pts.append(' ')
                        .append(c)
                        .append(',')
                        .append(num(prev))
                        .append(' ')
                        .append(c)
                        .append(',')
                        .append(num(y));
            }
            prev = y;
        }
        pts.append(' ').append(cols).append(',').append(num(prev));
        h.append("<polyline class=\"")
                .append(cls)
                .append("\" points=\"")
                .append(pts)
                .append("\"/>");
    }

    private void findings(StringBuilder h, AuditReport a, Watch w) {
        h.append("<section id=\"findings\"><h2>Findings of the audit (")
                .append(Fmt.count(a.findings()))
                .append(")</h2>\n");
        if (a.findings() == 0) {
            h.append("<p class=\"ok\">Nothing found.</p>");
        }
        if (!a.leaks().isEmpty()) {
            h.append("<h3>Outstanding obligations (")
                    .append(Fmt.count(a.leakGroupCount()))
                    .append(" group(s))</h3>")
                    .append("<table class=\"f\"><tr><th>handle</th><th>minted by</th><th>obligations</th>")
                    .append("<th>first mint</th><th>frames</th></tr>");
            for (AuditReport.LeakGroup g : first(a.leaks())) {
                h.append("<tr><td>")
                        .append(Html.esc(Fmt.handle(g.handle())))
                        .append("</td><td>")
                        .append(Html.esc(OpCode.nameOf(g.op())))
                        .append("</td><td>")
                        .append(g.total())
                        .append("</td><td>")
                        .append(JournalIndex.format(g.firstIndex()))
                        .append("</td><td>");
                frameLinks(
                        h,
                        g.slots().stream()
                                .distinct()
                                .mapToInt(Integer::intValue)
                                .toArray(),
                        w);
                h.append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (!a.rawLeaks().isEmpty()) {
            h.append("<h3>Raw references never restored (")
                    .append(Fmt.count(a.rawLeakCount()))
                    .append(")</h3>")
                    .append("<table class=\"f\"><tr><th>frame</th><th>forgotten by</th><th>op</th><th>at</th>")
                    .append("<th>references</th></tr>");
            for (AuditReport.RawLeak r : first(a.rawLeaks())) {
                h.append("<tr><td>");
                frameLinks(h, new int[] {r.slot()}, w);
                h.append("</td><td>")
                        .append(Html.esc(Fmt.handle(r.handle())))
                        .append("</td><td>")
                        .append(Html.esc(OpCode.nameOf(r.op())))
                        .append("</td><td>")
                        .append(JournalIndex.format(r.index()))
                        .append("</td><td>")
                        .append(r.count())
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (!a.leakedHandles().isEmpty()) {
            h.append("<h3>Handles dropped without close (")
                    .append(Fmt.count(a.leakedHandleCount()))
                    .append(")</h3>")
                    .append("<table class=\"f\"><tr><th>frame</th><th>handle</th><th>minted by</th><th>pages</th>")
                    .append("<th>at</th></tr>");
            for (AuditReport.LeakedHandle l : first(a.leakedHandles())) {
                h.append("<tr><td>");
                frameLinks(h, new int[] {l.slot()}, w);
                h.append("</td><td>")
                        .append(Html.esc(Fmt.handle(l.handle())))
                        .append("</td><td>")
                        .append(Html.esc(OpCode.nameOf(l.mintOp())))
                        .append("</td><td>")
                        .append(l.pages())
                        .append("</td><td>")
                        .append(JournalIndex.format(l.index()))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (!a.tornCompounds().isEmpty()) {
            h.append("<h3>Compound operations torn (")
                    .append(a.tornCompounds().size())
                    .append(")</h3>")
                    .append("<table class=\"f\"><tr><th>first frame</th><th>op</th><th>pages</th><th>handle</th>")
                    .append("<th>begin</th></tr>");
            for (AuditReport.TornCompound t : first(a.tornCompounds())) {
                h.append("<tr><td>");
                frameLinks(h, new int[] {t.startSlot()}, w);
                h.append("</td><td>")
                        .append(Html.esc(OpCode.nameOf(t.op())))
                        .append("</td><td>")
                        .append(t.pages())
                        .append("</td><td>")
                        .append(Html.esc(Fmt.handle(t.handle())))
                        .append("</td><td>")
                        .append(JournalIndex.format(t.beginIndex()))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        for (Map.Entry<String, AuditReport.Findings> e : slotFindings(a).entrySet()) {
            AuditReport.Findings f = e.getValue();
            if (f.count() == 0) {
                continue;
            }
            h.append("<h3>")
                    .append(Html.esc(e.getKey()))
                    .append(" (")
                    .append(Fmt.count(f.count()))
                    .append(")</h3>")
                    .append("<table class=\"f\"><tr><th>kind</th><th>frame</th><th>at</th><th>op</th><th>handle</th>")
                    .append("<th>detail</th></tr>");
            for (SlotFinding sf : first(f.shown())) {
                h.append("<tr><td>").append(Html.esc(sf.kind())).append("</td><td>");
                frameLinks(h, new int[] {sf.slot()}, w);
                h.append("</td><td>")
                        .append(JournalIndex.format(sf.index()))
                        .append("</td><td>")
                        .append(Html.esc(sf.opName()))
                        .append("</td><td>")
                        .append(Html.esc(Fmt.handle(sf.handle())))
                        .append("</td><td>")
                        .append(Html.esc(sf.detail()))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (a.divergence().reason() != null) {
            h.append("<p class=\"note\">Divergence check: ")
                    .append(Html.esc(a.divergence().mode()))
                    .append(": ")
                    .append(Html.esc(a.divergence().reason()))
                    .append("</p>");
        }
        h.append("</section>\n");
    }

    private static void frameLinks(StringBuilder h, int[] slots, Watch w) {
        int n = 0;
        for (int slot : slots) {
            if (n > 0) {
                h.append(' ');
            }
            if (n++ == 12) {
                h.append("… ").append(slots.length - 12).append(" more");
                break;
            }
            if (w.indexOf(slot) >= 0) {
                h.append("<a href=\"#frame-")
                        .append(slot)
                        .append("\">")
                        .append(Fmt.paddr(slot))
                        .append("</a>");
            } else if (slot < 0) {
                h.append("region");
            } else {
                h.append(Fmt.paddr(slot));
            }
        }
    }

    private void frames(StringBuilder h, AuditReport a, ReportScan s, Watch w) {
        h.append("<section id=\"frames\"><h2>Frames named by findings (")
                .append(w.slots().length)
                .append(")</h2>\n");
        for (int i = 0; i < w.slots().length; i++) {
            int slot = w.slots()[i];
            h.append("<div class=\"frame\" id=\"frame-")
                    .append(slot)
                    .append("\"><h3>frame ")
                    .append(Fmt.count(slot))
                    .append(" · paddr ")
                    .append(Fmt.paddr(slot))
                    .append(" · ")
                    .append(STATUS_NAMES[ReportScan.status(s.state.refCount(slot))])
                    .append(" at the end · ")
                    .append(Fmt.count(s.eventsOnWatched[i]))
                    .append(" event(s) on it</h3>");
            h.append("<div class=\"tl\"><span></span>");
            timeline(h, s, i, -1);
            h.append("</div><p class=\"note\"><code>framejournal history ")
                    .append(Html.esc(label))
                    .append(" --paddr ")
                    .append(Fmt.paddr(slot))
                    .append("</code> lists every event</p></div>\n");
        }
        h.append("</section>\n");
    }

    /** The time axis and frame rows for the map's tooltip: numbers only, written as JSON safe inside a script. */
    private static void axisData(StringBuilder h, ReportScan s, String nonce) {
        StringBuilder j = new StringBuilder("{\"cols\":")
                .append(s.cols)
                .append(",\"rows\":")
                .append(s.rows)
                .append(",\"frames\":")
                .append(s.nrSlots)
                .append(",\"bucket\":")
                .append(s.bucket)
                .append(",\"index\":[");
        for (int c = 0; c < s.cols; c++) {
            j.append(c == 0 ? "" : ",")
                    .append('"')
                    .append(JournalIndex.format(s.colIndex[c]))
                    .append('"');
        }
        j.append("],\"ms\":[");
        for (int c = 0; c < s.cols; c++) {
            j.append(c == 0 ? "" : ",").append((s.colTime[c] - s.firstTime) / 1_000_000);
        }
        j.append("],\"events\":[");
        for (int c = 0; c < s.cols; c++) {
            j.append(c == 0 ? "" : ",").append(s.colEvents[c]);
        }
        j.append("]}");
        String json =
                j.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        h.append("<script type=\"application/json\" id=\"fj-axis\" nonce=\"")
                .append(nonce)
                .append("\">")
                .append(json)
                .append("</script>\n");
    }

    private static final String ERROR_HOOK =
            "(function(){var n=0,c=0;function st(){return document.getElementById('fj-status');}"
                    + "window.addEventListener('error',function(){n++;var s=st();if(s){s.setAttribute('data-errors',n);}},true);"
                    + "document.addEventListener('securitypolicyviolation',function(){c++;var s=st();if(s){s.setAttribute('data-csp',c);}});"
                    + "window.fjErrors=function(){return n;};})();";

    private static final String SCRIPT = "(function(){var d=JSON.parse(document.getElementById('fj-axis').textContent);"
            + "var img=document.getElementById('fj-map'),tip=document.getElementById('fj-tip');"
            + "img.addEventListener('mousemove',function(ev){var r=img.getBoundingClientRect();"
            + "var c=Math.min(d.cols-1,Math.max(0,Math.floor((ev.clientX-r.left)/r.width*d.cols)));"
            + "var row=Math.min(d.rows-1,Math.max(0,Math.floor((ev.clientY-r.top)/r.height*d.rows)));"
            + "var f0=Math.ceil(row*d.frames/d.rows),f1=Math.ceil((row+1)*d.frames/d.rows)-1;"
            + "tip.textContent='frames '+f0+'..'+f1+' (paddr 0x'+(f0*4096).toString(16)+'..0x'+(f1*4096).toString(16)"
            + "+'), state after event '+d.events[c]+' (index '+d.index[c]+', +'+(d.ms[c]/1000).toFixed(3)+' s)';});"
            + "var s=document.getElementById('fj-status');s.setAttribute('data-ready','true');"
            + "s.setAttribute('data-columns',String(d.cols));})();";

    private static final String CSS = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
            + "max-width:1200px;padding:16px 24px;color:#1a202c;background:#fff}h1{margin:0;font-size:24px}"
            + "h2{font-size:18px;border-bottom:1px solid #e2e8f0;padding-bottom:4px;margin-top:28px}h3{font-size:14px;"
            + "margin:14px 0 6px}.dir{font-family:ui-monospace,monospace;color:#4a5568;margin:4px 0 0;word-break:break-all}"
            + "table{border-collapse:collapse}.kv th{text-align:left;padding:2px 16px 2px 0;color:#4a5568;font-weight:600}"
            + ".kv td{padding:2px 0}.bad{color:#c53030}.ok{color:#2f855a}.note{color:#718096;font-size:12px}"
            + ".f{width:100%;font-size:12px}.f th,.f td{text-align:left;border-bottom:1px solid #edf2f7;padding:3px 8px;"
            + "vertical-align:top}.f td{font-family:ui-monospace,monospace}.legend span{margin-right:14px;font-size:12px;"
            + "white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}"
            + ".mapwrap{display:flex;gap:6px}.yaxis{display:flex;flex-direction:column;font-size:11px;color:#718096;"
            + "width:90px;text-align:right;font-family:ui-monospace,monospace}.yaxis .grow{flex:1}"
            + "#fj-map{flex:1;width:100%;height:320px;image-rendering:pixelated;border:1px solid #cbd5e0;min-width:0}"
            + ".xaxis{display:flex;justify-content:space-between;font-size:11px;color:#718096;margin-left:96px;"
            + "font-family:ui-monospace,monospace}.tip{font-size:12px;color:#2d3748;margin-top:4px;"
            + "font-family:ui-monospace,monospace;min-height:1.4em}.chart{position:relative;margin-left:96px}"
            + ".ymax{position:absolute;left:-96px;top:0;width:90px;text-align:right;font-size:11px;color:#718096}"
            + "svg.rate{width:100%;height:120px;display:block;background:#f7fafc;border:1px solid #e2e8f0}"
            + ".group,.frame{border:1px solid #e2e8f0;border-radius:6px;padding:4px 10px 8px;margin:10px 0}"
            + ".frame:target{outline:3px solid #f6ad55}.tl{display:flex;align-items:center;gap:8px;margin:2px 0}"
            + ".tl>a,.tl>span:first-child{width:90px;text-align:right;font-family:ui-monospace,monospace;font-size:12px}"
            + "svg.spark{flex:1;height:34px;background:#f7fafc;min-width:0}.now{font-size:11px;color:#4a5568;width:260px}"
            + "polyline{fill:none;stroke-width:1.5;vector-effect:non-scaling-stroke}polyline.rc{stroke:#2b6cb0}"
            + "polyline.ob{stroke:#dd6b20;stroke-dasharray:4 2}polyline.raw{stroke:#6b46c1}"
            + "line.mint{stroke:#e53e3e;stroke-width:2;vector-effect:non-scaling-stroke}.k{font-weight:600}"
            + ".k.rc{color:#2b6cb0}.k.ob{color:#dd6b20}.k.raw{color:#6b46c1}footer{margin-top:30px;color:#a0aec0;"
            + "font-size:11px}code{font-family:ui-monospace,monospace;font-size:12px}";
}
