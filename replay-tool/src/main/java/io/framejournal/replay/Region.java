package io.framejournal.replay;

import io.framejournal.allocator.FrameStatus;
import io.framejournal.allocator.SlotSource;
import io.framejournal.allocator.SlotTable;
import io.framejournal.allocator.SlotView;
import io.framejournal.journal.Interrupts;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.SlotState;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.TextRenderer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A region directory, opened for reading from code: the questions {@code framejournal state} and
 * {@code framejournal audit} answer, without the CLI and without the internals ({@code SlotTable},
 * {@code RegionInput}, {@code Auditor}). Read-only: the slot table is read in place, mapped read-only (a private copy only for a table
 * layout that reader does not follow), the journal through a
 * read-only reader, and no byte of the region changes, whether its writer is alive, dead or long gone.
 *
 * <p>Its calls are not cancellable, as {@code MetaRegion.open} is not: on a thread whose interrupt status is set (a
 * worker stopped with {@code shutdownNow}, a test that left its thread interrupted) they run with the status cleared
 * and set it again for the caller. An interrupt closes a {@code FileChannel} under the thread that reads through it:
 * the slot table was reported unreadable ({@code inspect} threw, {@code audit} warned and skipped the divergence check),
 * and a {@code Region} whose channel an interrupt closed could read no slot it had not read before.
 *
 * <pre>{@code
 * try (Region region = Region.inspect(dir)) {
 *     SlotView s = region.slot(0x33000);          // status and usage as enums
 *     Region.Audit audit = region.audit();        // the report `framejournal audit dir` prints
 *     if (!audit.clean()) System.out.print(audit.text());
 * }
 * }</pre>
 */
public final class Region implements AutoCloseable {
    private final RegionInput input;
    private final SlotSource table;

    private Region(RegionInput input, SlotSource table) {
        this.input = input;
        this.table = table;
    }

    /**
     * Opens the region in {@code dir} for inspection. Works on a region that is closed, open in another process, or
     * whose writer died.
     *
     * @throws RegionException when {@code dir} is not a readable region (one line that says why)
     */
    public static Region inspect(Path dir) {
        return Interrupts.deferredDuring(() -> {
            RegionInput input = RegionInput.open(dir);
            return new Region(input, SlotTable.openReadOnly(input.layout().slots(), input.nrSlots()));
        });
    }

    /** Audits the region in {@code dir}: the same report as {@code framejournal audit dir}. */
    public static Audit audit(Path dir) {
        return Interrupts.deferredDuring(() -> new Audit(Auditor.audit(RegionInput.open(dir), JournalIndex.NONE)));
    }

    public Path dir() {
        return input.dir();
    }

    public RegionConfig config() {
        return input.config();
    }

    /** Frames (= slots) in the region. */
    public int frames() {
        return input.nrSlots();
    }

    /** Whether the region was closed cleanly (or recovered), as its status file says. */
    public boolean closedCleanly() {
        return input.clean();
    }

    /** The slot of the frame at {@code paddr} (page-aligned, below maxPaddr), as the slot table holds it. */
    public SlotView slot(long paddr) {
        return viewNow(input.slotOfPaddr(paddr));
    }

    /** Every slot, in frame order (one object per frame: prefer {@link #inUse()} on large regions). */
    public List<SlotView> slots() {
        return Interrupts.deferredDuring(() -> {
            List<SlotView> all = new ArrayList<>(frames());
            SlotState s = new SlotState();
            for (int i = 0; i < frames(); i++) {
                all.add(view(i, s));
            }
            return all;
        });
    }

    /** The slots that are not free, in frame order. */
    public List<SlotView> inUse() {
        return Interrupts.deferredDuring(() -> {
            List<SlotView> used = new ArrayList<>();
            SlotState s = new SlotState();
            for (int i = 0; i < frames(); i++) {
                table.load(i, s);
                if (!s.isFree() || s.obligations != 0 || s.raw != 0) {
                    used.add(SlotView.of(i, config().pageSize(), s));
                }
            }
            return used;
        });
    }

    /** How many frames have each status. */
    public Map<FrameStatus, Long> countByStatus() {
        return Interrupts.deferredDuring(() -> {
            Map<FrameStatus, Long> counts = new EnumMap<>(FrameStatus.class);
            for (FrameStatus st : FrameStatus.values()) {
                counts.put(st, 0L);
            }
            SlotState s = new SlotState();
            for (int i = 0; i < frames(); i++) {
                table.load(i, s);
                counts.merge(FrameStatus.of(s.refCount), 1L, Long::sum);
            }
            return counts;
        });
    }

    /** Audits the region: the same report as {@code framejournal audit dir} (replays the journal from its start). */
    public Audit audit() {
        return Interrupts.deferredDuring(() -> new Audit(Auditor.audit(input, JournalIndex.NONE)));
    }

    /** {@link #slot(long)}'s reading, with the interrupt status cleared (see the class comment). */
    private SlotView viewNow(int slot) {
        return Interrupts.deferredDuring(() -> view(slot, new SlotState()));
    }

    private SlotView view(int slot, SlotState s) {
        table.load(slot, s);
        return SlotView.of(slot, config().pageSize(), s);
    }

    /** Releases the slot table. */
    @Override
    public void close() {
        table.close();
    }

    /**
     * An audit's result.
     *
     * @param report everything the auditor found, as data
     */
    public record Audit(AuditReport report) {
        /** Findings of every kind (leaks, raw references never restored, invariant breaks, divergence, ...). */
        public long findings() {
            return report.findings();
        }

        /** No finding, and the whole journal and slot table were read. */
        public boolean clean() {
            return report.findings() == 0 && !report.incomplete();
        }

        /** Exactly what {@code framejournal audit} prints on stdout. */
        public String text() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                new TextRenderer(out).audit(report);
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Exactly what {@code framejournal audit --json} prints (see docs/JSON.md). */
        public String json() {
            return JsonRenderer.audit(report) + System.lineSeparator();
        }

        /** What limited the audit (the CLI prints these on stderr as warnings). */
        public List<String> warnings() {
            return report.warnings();
        }
    }
}
