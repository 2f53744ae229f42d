package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.SlotTable;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RefCount;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SlotState;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.analysis.SlotFinding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of finding, provoked on purpose: forged journal events, a tampered slot table, a dropped handle. */
class AuditorFindingsTest {
    @TempDir
    Path tmp;

    private Path cleanRegion() {
        Path dir = tmp.resolve("r");
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(0x400000))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            alloc.allocFrame().close();
            alloc.allocSegment(4).close();
        }
        return dir;
    }

    /** Appends events to a closed region's journal, as a buggy or hostile writer would. */
    private static void forge(Path dir, JournalEvent... events) {
        try (JournalWriter w = JournalWriter.open(new RegionLayout(dir).journal(), SyncMode.NONE)) {
            for (JournalEvent e : events) {
                w.append(e);
            }
        }
    }

    private static JournalEvent event(
            EventKind kind, OpCode op, int slot, long before, long after, long handle, int flags) {
        JournalEvent e = new JournalEvent().set(kind, op, slot, before, after, handle);
        e.flags = flags;
        return e;
    }

    private static AuditReport audit(Path dir) {
        return Auditor.audit(RegionInput.open(dir), JournalIndex.NONE);
    }

    private static List<String> kinds(AuditReport.Findings f) {
        return f.shown().stream().map(SlotFinding::kind).toList();
    }

    @Test
    void aCleanRegionHasNoFindings() {
        AuditReport r = audit(cleanRegion());
        assertThat(r.findings()).isZero();
        assertThat(r.events()).isGreaterThan(10);
    }

    @Test
    void continuityDoubleFreeAndIllegalTransitionsAreReportedWithSlotIndexOpAndHandle() {
        Path dir = cleanRegion();
        forge(
                dir,
                event(EventKind.REFCOUNT, OpCode.FRAME_CLONE, 40, 7, 8, 99, JournalEvent.FLAG_OP_END),
                event(EventKind.RAW_RESTORE, OpCode.FRAME_FROM_RAW, 41, 0, -1, 98, JournalEvent.FLAG_OP_END),
                event(
                        EventKind.REFCOUNT,
                        OpCode.FRAME_FROM_UNUSED,
                        42,
                        RefCount.UNUSED,
                        1,
                        97,
                        JournalEvent.FLAG_OP_END));
        AuditReport r = audit(dir);
        assertThat(kinds(r.transitions())).containsExactly("CONTINUITY", "DOUBLE_FREE", "ILLEGAL_TRANSITION");
        SlotFinding c = r.transitions().shown().get(0);
        assertThat(c.slot()).isEqualTo(40);
        assertThat(c.paddr()).isEqualTo(40 * 4096L);
        assertThat(c.opName()).isEqualTo("FRAME_CLONE");
        assertThat(c.handle()).isEqualTo(99);
        assertThat(c.index()).isPositive();
        assertThat(r.invariants().count())
                .as("each forged slot breaks the invariant at its quiet point")
                .isEqualTo(3);
        assertThat(r.divergence().findings().count())
                .as("the slot table never saw them")
                .isEqualTo(3);
    }

    @Test
    void aForgedRedeemOfAHugeCountIsOneFindingAndTheAuditEnds() {
        Path dir = cleanRegion();
        // a well-formed record (its CRC right) whose count bounds nothing: the audit must not loop once per unit
        forge(dir, event(EventKind.REDEEM, OpCode.FRAME_DROP, 70, Long.MAX_VALUE, 0, 96, JournalEvent.FLAG_OP_END));
        AuditReport r =
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> audit(dir));
        assertThat(r.transitions().shown())
                .filteredOn(f -> f.kind().equals("UNATTRIBUTED_REDEEM"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.slot()).isEqualTo(70);
                    assertThat(f.handle()).isEqualTo(96);
                    assertThat(f.detail()).contains("redeemed " + Long.MAX_VALUE + " obligations");
                });
    }

    /** Appends format-1 events to a copy of the format-1 sample (format 2 cannot express a torn call). */
    private Path forgeV1(JournalEvent... events) throws Exception {
        Path dir = tmp.resolve("v1");
        Support.copyTree(Support.root().resolve("data/v1-sample"), dir);
        try (var q = io.framejournal.journal.Chronicle.writableQueue(new RegionLayout(dir).journal(), SyncMode.NONE);
                var appender = q.createAppender()) {
            net.openhft.chronicle.bytes.Bytes<?> b = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(64);
            for (JournalEvent e : events) {
                b.clear();
                e.writeV1To(b);
                appender.writeBytes(b);
            }
        }
        return dir;
    }

    @Test
    void aBusySlotAtAQuietPointBreaksTheInvariantAndAnUnendedOneIsTorn() throws Exception {
        Path dir = forgeV1(
                event(
                        EventKind.REFCOUNT,
                        OpCode.FRAME_FROM_UNUSED,
                        50,
                        RefCount.UNUSED,
                        0,
                        5,
                        JournalEvent.FLAG_OP_END),
                event(EventKind.BEGIN, OpCode.SEGMENT_FROM_UNUSED, 60, 2, (7L << 40) | 1, 6, 0),
                event(EventKind.REFCOUNT, OpCode.SEGMENT_FROM_UNUSED, 60, RefCount.UNUSED, 0, 6, 0));
        AuditReport r = audit(dir);
        assertThat(r.invariants().shown()).singleElement().satisfies(f -> {
            assertThat(f.slot()).isEqualTo(50);
            assertThat(f.detail()).contains("reference count 0 at a quiet point");
        });
        assertThat(r.tornCompounds()).singleElement().satisfies(t -> {
            assertThat(t.startSlot()).isEqualTo(60);
            assertThat(t.pages()).isEqualTo(2);
            assertThat(t.handle()).isEqualTo(6);
        });
        assertThat(r.tornSlots().shown()).singleElement().satisfies(f -> assertThat(f.slot())
                .isEqualTo(60));
    }

    @Test
    void aSlotTableThatDisagreesWithTheJournalIsDivergence() throws Exception {
        Path dir = cleanRegion();
        try (SlotTable table = SlotTable.open(new RegionLayout(dir).slots(), 1024, false)) {
            SlotState s = new SlotState();
            table.load(7, s);
            s.usage = 3;
            table.store(7, s);
        }
        AuditReport r = audit(dir);
        assertThat(r.divergence().mode()).isEqualTo("full");
        assertThat(r.divergence().findings().shown()).singleElement().satisfies(f -> {
            assertThat(f.slot()).isEqualTo(7);
            assertThat(f.detail()).contains("usage PAGE_TABLE\u2260UNUSED");
        });
    }

    @Test
    void handlesDroppedWithoutCloseAreReportedFromTheLeakDetectorAndTheLedger() {
        Path dir = tmp.resolve("leaky");
        long handle;
        try (MetaRegion region = MetaRegion.create(
                dir, RegionConfig.of(0x400000), RegionOptions.defaults().withLeakDetection(LeakDetection.PARANOID))) {
            handle = dropOne(region);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return leakedHandleEvents(dir) > 0;
            });
        }
        AuditReport r = audit(dir);
        assertThat(r.leakedHandles()).singleElement().satisfies(l -> {
            assertThat(l.handle()).isEqualTo(handle);
            assertThat(l.mintOp()).isEqualTo(OpCode.FRAME_FROM_UNUSED.ordinal());
        });
        assertThat(r.leaks()).singleElement().satisfies(g -> assertThat(g.handle())
                .isEqualTo(handle));
    }

    private static long dropOne(MetaRegion region) {
        Frame<NoMeta> f = new FrameAllocOptions(region).allocFrame();
        return f.handleId();
    }

    private static long leakedHandleEvents(Path dir) {
        JournalEvent e = new JournalEvent();
        long n = 0;
        try (JournalReader r = JournalReader.open(new RegionLayout(dir).journal())) {
            while (r.next(e)) {
                n += e.kind == EventKind.LEAKED_HANDLE ? 1 : 0;
            }
        }
        return n;
    }
}
