package io.framejournal.tests.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionConfig;
import io.framejournal.journal.RegionLayout;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that keeps reaching the end of a journal while a writer appends must never take the writer's progress
 * for a truncated tail ({@link JournalReader} compares its last readable index with the queue's index at the end).
 */
class LiveReaderTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void readerTailingALiveWriterNeverReportsATruncation() throws Exception {
        Path dir = tmp.resolve("live");
        JournalEvent e = new JournalEvent();
        long read = 0;
        long ends = 0;
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(4L << 20));
                JournalReader reader = JournalReader.open(new RegionLayout(dir).journal())) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3_000; i++) {
                    Segment<NoMeta> s = alloc.allocSegment(1 + i % 8);
                    s.clone().close();
                    s.close();
                }
            });
            while (!writer.isDone()) {
                while (reader.next(e)) {
                    read++;
                }
                ends++;
                assertThat(reader.stopReason())
                        .as("after %d events and %d ends", read, ends)
                        .isNull();
            }
            writer.join();
            while (reader.next(e)) {
                read++;
            }
            assertThat(reader.stopReason()).isNull();
            assertThat(e.index).isEqualTo(region.lastJournalIndex());
        }
        System.out.println("live reader: " + read + " events read, reached the moving end " + ends + " times");
        assertThat(ends).isPositive();
    }

    /** An audit of a region a writer is using reads the table first: no false "table ahead" divergence. */
    @Test
    @Timeout(120)
    void anAuditOfALiveRegionReportsNoFalseDivergence() throws Exception {
        Path dir = tmp.resolve("live-audit");
        int audits = 0;
        try (MetaRegion region = MetaRegion.create(dir, RegionConfig.of(4L << 20))) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 6_000; i++) {
                    Segment<NoMeta> s = alloc.allocSegment(1 + i % 8);
                    s.clone().close();
                    s.close();
                }
            });
            while (!writer.isDone() || audits == 0) {
                io.framejournal.replay.analysis.AuditReport r = io.framejournal.replay.analysis.Auditor.audit(
                        io.framejournal.replay.analysis.RegionInput.open(dir),
                        io.framejournal.journal.JournalIndex.NONE);
                audits++;
                assertThat(r.clean()).isFalse();
                assertThat(r.writer()).as("the audit says the region is live").startsWith("live (pid ");
                assertThat(r.divergence().reason()).startsWith("the region is live");
                assertThat(r.divergence().findings().count())
                        .as("divergence on a live, healthy region (audit %d)", audits)
                        .isZero();
                assertThat(r.stopReason()).isNull();
            }
            writer.join();
        }
        System.out.println("live audits: " + audits + ", no false divergence");
    }

    /** A region whose writer process is gone is told apart from a live one: "died", and `recover` is named. */
    @Test
    void anAuditOfARegionWhoseWriterDiedSaysSo() throws Exception {
        Path dir = tmp.resolve("dead-writer");
        new io.framejournal.replay.sim.Simulator(dir)
                .maxPaddr(4L << 20)
                .ops(500)
                .run();
        io.framejournal.journal.testsupport.DeadWriter.markOpen(dir);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        java.nio.file.Files.writeString(
                dir.resolve(io.framejournal.journal.WriterIdentity.FILE), "pid=" + gone.pid() + "\nstarted=1\n");

        io.framejournal.replay.analysis.AuditReport r = io.framejournal.replay.analysis.Auditor.audit(
                io.framejournal.replay.analysis.RegionInput.open(dir), io.framejournal.journal.JournalIndex.NONE);
        assertThat(r.writer()).isEqualTo("died (pid " + gone.pid() + " is gone)");
        assertThat(r.divergence().reason()).contains("died without closing it").contains("framejournal recover");

        io.framejournal.allocator.MetaRegion.recover(dir, false);
        assertThat(dir.resolve(io.framejournal.journal.WriterIdentity.FILE))
                .as("recovery forgets the dead writer")
                .doesNotExist();
    }

    /**
     * {@code region.writer} left behind by a writer that closed cleanly but could not delete it and still runs, read
     * after the next session's writer died between marking the region open and recording itself: before the file named
     * its session, {@code audit} called the region "LIVE" on the old process's word (and {@code audit --follow} would
     * have waited for it).
     */
    @Test
    void aWriterFileAnEarlierSessionLeftDoesNotMakeTheRegionLive() throws Exception {
        Path dir = tmp.resolve("left-behind");
        new io.framejournal.replay.sim.Simulator(dir)
                .maxPaddr(4L << 20)
                .ops(200)
                .run();
        long lastSession = io.framejournal.journal.RegionStatus.read(new RegionLayout(dir).status())
                .session();
        Process oldWriter = new ProcessBuilder("sleep", "60").start(); // still running
        try {
            long started = oldWriter
                    .info()
                    .startInstant()
                    .map(java.time.Instant::toEpochMilli)
                    .orElse(0L);
            java.nio.file.Files.writeString(
                    dir.resolve(io.framejournal.journal.WriterIdentity.FILE),
                    "pid=" + oldWriter.pid() + "\nstarted=" + started + "\nsession=" + lastSession + "\n");
            io.framejournal.journal.testsupport.DeadWriter.markOpenInANewSession(dir);

            io.framejournal.replay.analysis.AuditReport r = io.framejournal.replay.analysis.Auditor.audit(
                    io.framejournal.replay.analysis.RegionInput.open(dir), io.framejournal.journal.JournalIndex.NONE);
            assertThat(r.writer()).as("no writer of this session is on record").isNull();
            assertThat(r.divergence().reason())
                    .contains("a writer may be live")
                    .doesNotContain("pid " + oldWriter.pid());
        } finally {
            oldWriter.destroyForcibly();
            assertThat(oldWriter.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        }
    }
}
