package io.framejournal.tests.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocException;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.allocator.Segment;
import io.framejournal.allocator.SlotMapProbe;
import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RedoPoint;
import io.framejournal.journal.RedoPointFile;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.journal.SlotState;
import io.framejournal.tests.support.JournalSnapshot;
import io.framejournal.tests.support.ReaderComparison;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM runs a multi-threaded allocator workload on a region and is killed with SIGKILL at a
 * random point; the region is then recovered here and checked. Each iteration is seeded; the seed names a failure.
 *
 * <p>System properties: {@code framejournal.crash.iterations} (default {@value #DEFAULT_ITERATIONS}),
 * {@code framejournal.crash.seed} (run that one seed, decimal or 0x-hex).
 */
class CrashRecoveryTest {
    static final int DEFAULT_ITERATIONS = 32;
    /** Generous: recovery of a 1024-frame region takes well under a second unless it waits on a dead writer's lock. */
    static final long RECOVERY_LIMIT_MILLIS = 30_000;

    private static final AtomicLong CRASHES = new AtomicLong();
    private static final AtomicLong RECOVERED_CLEAN = new AtomicLong();
    private static final AtomicLong EVENTS_BEFORE_KILL = new AtomicLong();
    private static final AtomicLong EVENTS_LOST = new AtomicLong();
    private static final AtomicLong RECORDS_BEFORE_KILL = new AtomicLong();
    private static final AtomicLong SEGMENT_RECORDS_BEFORE_KILL = new AtomicLong();
    private static final AtomicLong EVENTS_REDONE = new AtomicLong();
    private static final AtomicLong FROM_REDO_POINT = new AtomicLong();
    private static final AtomicLong LOCKS_CLEARED = new AtomicLong();
    private static final AtomicLong MAX_RECOVERY_MILLIS = new AtomicLong();
    private static final AtomicLong TOTAL_RECOVERY_MILLIS = new AtomicLong();

    @TempDir
    static Path tmp;

    /**
     * One dynamic test per seed. The iterations themselves run {@code framejournal.crash.parallelism} (default 2)
     * at a time on a small pool, submitted up front; each dynamic test waits for its own iteration's outcome.
     */
    @TestFactory
    Stream<DynamicTest> killedWriterIsRecoveredWithNothingLost() {
        long[] seeds = seeds().toArray();
        int parallelism = Math.max(1, Integer.getInteger("framejournal.crash.parallelism", 2));
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "crash-iteration");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> outcomes = new ArrayList<>();
        for (long seed : seeds) {
            outcomes.add(pool.submit(() -> {
                runSeed(seed);
                return null;
            }));
        }
        pool.shutdown();
        return IntStream.range(0, seeds.length)
                .mapToObj(i -> dynamicTest("seed " + hex(seeds[i]), () -> {
                    try {
                        outcomes.get(i).get(10, TimeUnit.MINUTES);
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                }));
    }

    static LongStream seeds() {
        String one = System.getProperty("framejournal.crash.seed");
        if (one != null && !one.isBlank()) {
            return LongStream.of(JournalIndex.parse(one));
        }
        int n = Integer.getInteger("framejournal.crash.iterations", DEFAULT_ITERATIONS);
        SplittableRandom base = new SplittableRandom();
        return LongStream.generate(() -> base.nextLong() & Long.MAX_VALUE).limit(n);
    }

    private static void runSeed(long seed) {
        StringBuilder log = new StringBuilder("crash seed " + hex(seed) + ":");
        try {
            crashAndRecover(seed, log);
            System.out.println(log);
        } catch (AssertionError | Exception e) {
            System.out.println(log + " FAILED");
            throw new AssertionError(
                    "crash seed " + hex(seed) + " failed (rerun: -Dframejournal.crash.seed=" + hex(seed) + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private static void crashAndRecover(long seed, StringBuilder log) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path iteration = Files.createDirectories(tmp.resolve(hex(seed)));
        Path dir = iteration.resolve("region");
        RegionLayout layout = new RegionLayout(dir);
        int threads = 1 + rnd.nextInt(3);
        boolean reclaim = rnd.nextBoolean();
        // One in five stops by SIGTERM: shutdown hooks run while the workers still touch the mapped files.
        boolean sigterm = rnd.nextInt(5) == 0;
        // Half the children record a redo point every few ms: recovery then replays only the journal after it.
        int redoMillis = rnd.nextBoolean() ? 1 + rnd.nextInt(20) : 0;

        long tStart = System.nanoTime();
        long lastAppended;
        try (CrashHarness child = CrashHarness.start(dir, seed, threads, iteration.resolve("child.err"), redoMillis)) {
            child.awaitCheckpoints(1, Duration.ofSeconds(60));
            if (rnd.nextBoolean()) {
                child.awaitCheckpoints(1 + rnd.nextInt(10), Duration.ofSeconds(60));
            } else {
                child.runFor(Duration.ofMillis(rnd.nextInt(300)));
            }
            assertThat(child.isAlive())
                    .as("child alive at kill time; stderr: %s", child.stderrText())
                    .isTrue();
            if (sigterm) {
                int exit = child.terminate();
                assertThat(exit)
                        .as("exit code of a JVM stopped by SIGTERM mid-work; stderr: %s", child.stderrText())
                        .isEqualTo(CrashHarness.SIGTERM_EXIT);
            } else {
                int exit = child.kill();
                assertThat(exit).as("exit code of a SIGKILLed JVM").isEqualTo(CrashHarness.SIGKILL_EXIT);
            }
            try (Stream<Path> files = Files.list(iteration)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")))
                        .as("JVM crash logs of the child")
                        .isEmpty();
            }
            assertThat(child.protocolError()).isNull();
            assertThat(child.readyIndex()).as("child announced its region").isNotNegative();
            lastAppended = child.lastAppended();
            log.append(' ').append(child.startupTimes()).append(" checkpoints=").append(child.checkpoints());
            assertThat(lastAppended).as("child reported a checkpoint").isGreaterThan(child.readyIndex());
        }
        CRASHES.incrementAndGet();
        long tKilled = System.nanoTime();

        // What the kill left, read-only.
        JournalSnapshot before = JournalSnapshot.read(layout.journal());
        assertThat(ReaderComparison.assertSameAsTailer(layout.journal()))
                .as("events through the fast path and the tailer alone")
                .isEqualTo(before.size());
        assertThat(before.stopReason())
                .as("journal as the kill left it reads to its end")
                .isNull();
        assertThat(before.firstGap()).as("no gap in the killed journal").isNull();
        assertThat(before.contains(lastAppended))
                .as(
                        "last checkpoint %s is in the journal (last %s)",
                        JournalIndex.format(lastAppended), JournalIndex.format(before.lastIndex()))
                .isTrue();
        EVENTS_BEFORE_KILL.addAndGet(before.size());
        RECORDS_BEFORE_KILL.addAndGet(before.records());
        SEGMENT_RECORDS_BEFORE_KILL.addAndGet(before.multiSlotRecords());
        assertThat(before.count(EventKind.BEGIN) + before.count(EventKind.END))
                .as("format 2 writes no compound markers: every call is one record")
                .isZero();
        int nrSlots = RegionChecks.nrSlots(dir);
        SlotMapProbe.Result probe = SlotMapProbe.probe(layout.slots(), nrSlots);
        assertThat(probe.checksumEntries())
                .as("slot table entry checksums are off")
                .isFalse();
        assertThat(probe.size()).as("entries after recoverPersistedTo").isEqualTo(nrSlots);
        assertThat(probe.badSlots())
                .as("slots lost or without magic after recoverPersistedTo")
                .isEmpty();

        RedoPoint redoPoint = RedoPointFile.read(layout.redoPoint()).point();
        long t0 = System.nanoTime();
        RecoveryReport report = MetaRegion.recover(dir, reclaim);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.append(" threads=" + threads + (sigterm ? " SIGTERM" : " SIGKILL") + " reclaim=" + reclaim + " events="
                + before.size()
                + " records=" + before.records() + " lastCheckpoint=" + JournalIndex.format(lastAppended)
                + " slotsRedone=" + report.slotsRedone() + " locksCleared=" + report.locksCleared()
                + " redoPointMs=" + redoMillis + " fromRedoPoint=" + (report.redoPoint() != null)
                + " recoveryMs=" + millis);
        MAX_RECOVERY_MILLIS.accumulateAndGet(millis, Math::max);
        TOTAL_RECOVERY_MILLIS.addAndGet(millis);
        EVENTS_REDONE.addAndGet(report.slotsRedone());
        assertThat(report.verdict())
                .as("a kill alone damages nothing: recovery finds the table only behind")
                .isEqualTo(RecoveryReport.CONSISTENT);
        assertThat(report.slotsAhead() + report.slotsDisagreed()).isZero();
        assertThat(report.warnings())
                .as("a kill leaves a redo point recovery can use")
                .isEmpty();
        assertThat(report.redoPoint())
                .as("recovery starts from the redo point the child recorded last")
                .isEqualTo(redoPoint);
        if (redoPoint != null) {
            FROM_REDO_POINT.incrementAndGet();
        }
        LOCKS_CLEARED.addAndGet(report.locksCleared());
        assertThat(millis).as("recovery wall time (ms)").isLessThan(RECOVERY_LIMIT_MILLIS);
        assertThat(report.alreadyClean()).isFalse();
        assertThat(report.journalProblem()).isNull();
        // Every call is wholly present or wholly absent: each record read checked whole (CRC, length, sequence), and
        // after recovery every slot equals the replay of whole records (checked below).
        if (report.redoPoint() == null) {
            assertThat(report.recordsScanned()).as("records recovery read").isPositive();
        } // from a redo point: none when the writer appended nothing after it before the kill

        checkNothingLost(dir, before, lastAppended);
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("slot table == replay after recovery")
                .isEmpty();
        assertThat(RegionChecks.badVerdicts(dir))
                .as("replay verdicts other than OK")
                .isEmpty();
        assertThat(RegionStatus.read(layout.status()).clean()).isTrue();

        if (reclaim) {
            assertClean(dir, report);
        } else {
            reopenUseAndClose(dir, false);
            assertThat(RegionChecks.tableVersusReplay(dir))
                    .as("slot table == replay after reopen")
                    .isEmpty();
            RecoveryReport reclaimed = MetaRegion.recover(dir, true);
            assertClean(dir, reclaimed);
        }
        reopenUseAndClose(dir, true);
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("slot table == replay after final session")
                .isEmpty();
        assertThat(RegionChecks.slotsNotFree(dir))
                .as("everything released after final session")
                .isEmpty();
        assertThat(RegionChecks.badVerdicts(dir))
                .as("replay verdicts other than OK")
                .isEmpty();
        checkNothingLost(dir, before, lastAppended);
        ReaderComparison.assertSameAsTailer(layout.journal());
        RECOVERED_CLEAN.incrementAndGet();
        deleteTree(iteration);
        log.append(" childMs=")
                .append(TimeUnit.NANOSECONDS.toMillis(tKilled - tStart))
                .append(" checksMs=")
                .append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tKilled));
    }

    /** Every event the killed child appended is still there, unchanged, in a journal without gaps. */
    private static void checkNothingLost(Path dir, JournalSnapshot before, long lastAppended) {
        JournalSnapshot after = JournalSnapshot.read(new RegionLayout(dir).journal());
        long lost = 0;
        for (int i = 0; i < before.size(); i++) {
            lost += after.contains(before.indexAt(i)) ? 0 : 1;
        }
        lost += after.contains(lastAppended) ? 0 : 1;
        EVENTS_LOST.addAndGet(lost);
        assertThat(lost).as("events lost").isZero();
        assertThat(after.stopReason()).isNull();
        assertThat(after.firstGap()).as("gap after recovery").isNull();
        assertThat(after.firstDifferenceFrom(before))
                .as("pre-kill events unchanged")
                .isNull();
    }

    private static void assertClean(Path dir, RecoveryReport report) {
        assertThat(RegionChecks.slotsNotFree(dir))
                .as("reclaim leaves every slot free")
                .isEmpty();
        assertThat(RegionChecks.tableVersusReplay(dir))
                .as("slot table == replay after reclaim")
                .isEmpty();
        assertThat(RegionChecks.ledgerBreaks(dir)).isEmpty();
        assertThat(report.journalProblem()).isNull();
    }

    /** Opens the region, allocates, clones and drops (a frame and a segment), and closes it clean. */
    private static void reopenUseAndClose(Path dir, boolean mustHaveRoom) {
        try (MetaRegion region = MetaRegion.open(dir)) {
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            try {
                Frame<NoMeta> f = alloc.allocFrame();
                Frame<NoMeta> g = f.clone();
                assertThat(g.referenceCount()).isEqualTo(2);
                g.close();
                f.close();
                Segment<NoMeta> s = alloc.allocSegment(2);
                Segment<NoMeta> c = s.clone();
                c.close();
                s.close();
            } catch (FrameAllocException full) {
                assertThat(mustHaveRoom)
                        .as("allocation failed: %s", full.getMessage())
                        .isFalse();
                SlotState st = new SlotState();
                for (int slot = 0; slot < region.config().nrSlots(); slot++) {
                    region.slotStateAt(slot, st);
                    assertThat(st.isFree())
                            .as("slot %d is free, yet allocation said the region is full", slot)
                            .isFalse();
                }
            }
        }
        assertThat(RegionStatus.read(new RegionLayout(dir).status()).clean())
                .as("closed clean")
                .isTrue();
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(f);
            }
        }
    }

    static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    @AfterAll
    static void summary() {
        System.out.println(String.join(
                " ",
                List.of(
                        "CRASH SUMMARY:",
                        "crashes=" + CRASHES.get(),
                        "recoveredClean=" + RECOVERED_CLEAN.get(),
                        "recordsBeforeKill=" + RECORDS_BEFORE_KILL.get(),
                        "segmentRecordsBeforeKill=" + SEGMENT_RECORDS_BEFORE_KILL.get(),
                        "tornCalls=0 (format 2: one record per call)",
                        "eventsBeforeKill=" + EVENTS_BEFORE_KILL.get(),
                        "eventsLost=" + EVENTS_LOST.get(),
                        "slotsRedone=" + EVENTS_REDONE.get(),
                        "fromRedoPoint=" + FROM_REDO_POINT.get(),
                        "slotLocksCleared=" + LOCKS_CLEARED.get(),
                        "maxRecoveryMs=" + MAX_RECOVERY_MILLIS.get(),
                        "totalRecoveryMs=" + TOTAL_RECOVERY_MILLIS.get())));
    }
}
