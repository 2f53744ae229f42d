package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.InjectedLeak;
import io.framejournal.replay.sim.SimulationResult;
import io.framejournal.replay.sim.Simulator;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
    static final long SMALL = 0x400000;

    @TempDir
    Path tmp;

    @Test
    void oneThreadAndOneSeedGiveTheSameJournalEventForEvent() {
        SimulationResult a = new Simulator(tmp.resolve("a"))
                .maxPaddr(SMALL)
                .seed(11)
                .ops(1500)
                .leakRate(0.02)
                .run();
        SimulationResult b = new Simulator(tmp.resolve("b"))
                .maxPaddr(SMALL)
                .seed(11)
                .ops(1500)
                .leakRate(0.02)
                .run();
        List<String> ea = Support.events(tmp.resolve("a"));
        assertThat(ea).hasSizeGreaterThan(3000);
        assertThat(Support.events(tmp.resolve("b"))).isEqualTo(ea);
        assertThat(b.injected()).isEqualTo(a.injected()).isNotEmpty();
        assertThat(b.byOp()).isEqualTo(a.byOp());

        new Simulator(tmp.resolve("c"))
                .maxPaddr(SMALL)
                .seed(12)
                .ops(1500)
                .leakRate(0.02)
                .run();
        assertThat(Support.events(tmp.resolve("c"))).isNotEqualTo(ea);
    }

    @Test
    void auditFindsExactlyTheInjectedLeaksAndNothingElse() {
        SimulationResult r = new Simulator(tmp.resolve("r"))
                .maxPaddr(SMALL)
                .seed(3)
                .ops(4000)
                .leakRate(0.02)
                .run();
        assertThat(r.leakedHandles()).isPositive();
        assertThat(r.unrestoredRaw()).isPositive();
        AuditReport audit = Auditor.audit(RegionInput.open(tmp.resolve("r")), JournalIndex.NONE);
        assertLeaksMatch(r.injected(), audit);
    }

    /** Injected handles are the outstanding-obligation groups (same id, same frames); injected raw refs the raw leaks. */
    static void assertLeaksMatch(List<InjectedLeak> injected, AuditReport audit) {
        Map<Long, Set<Integer>> expectedHandles = new TreeMap<>();
        Map<Integer, Long> expectedRaw = new TreeMap<>();
        for (InjectedLeak l : injected) {
            int first = (int) (l.start() / 4096);
            for (int s = first; s < first + l.pages(); s++) {
                if (l.kind().equals(InjectedLeak.HANDLE)) {
                    expectedHandles
                            .computeIfAbsent(l.handle(), k -> new TreeSet<>())
                            .add(s);
                } else {
                    expectedRaw.merge(s, 1L, Long::sum);
                }
            }
        }
        Map<Long, Set<Integer>> foundHandles = new TreeMap<>();
        for (AuditReport.LeakGroup g : audit.leaks()) {
            foundHandles.computeIfAbsent(g.handle(), k -> new TreeSet<>()).addAll(g.slots());
        }
        Map<Integer, Long> foundRaw = new HashMap<>();
        audit.rawLeaks().forEach(l -> foundRaw.merge(l.slot(), l.count(), Long::sum));
        assertThat(foundHandles).isEqualTo(expectedHandles);
        assertThat(new TreeMap<>(foundRaw)).isEqualTo(expectedRaw);
        assertThat(audit.obligations())
                .isEqualTo(
                        expectedHandles.values().stream().mapToLong(Set::size).sum());
        assertThat(audit.ledger().count()).isZero();
        assertThat(audit.invariants().count()).isZero();
        assertThat(audit.transitions().count()).isZero();
        assertThat(audit.tornCompounds()).isEmpty();
        assertThat(audit.tornSlots().count()).isZero();
        assertThat(audit.divergence().mode()).isEqualTo("full");
        assertThat(audit.divergence().findings().count()).isZero();
        assertThat(audit.stopReason()).isNull();
        assertThat(audit.findings())
                .isEqualTo(foundHandles.size() + (long) audit.rawLeaks().size());
    }

    @Test
    void manyThreadsWithoutLeaksEndInTheCleanState() {
        SimulationResult r = new Simulator(tmp.resolve("r"))
                .maxPaddr(SMALL)
                .seed(5)
                .threads(4)
                .ops(6000)
                .run();
        assertThat(r.ops()).isEqualTo(6000);
        assertThat(r.injected()).isEmpty();
        AuditReport audit = Auditor.audit(RegionInput.open(tmp.resolve("r")), JournalIndex.NONE);
        assertThat(audit.findings()).as("%s", audit).isZero();
        assertThat(audit.obligations()).isZero();
        assertThat(audit.rawReferences()).isZero();
    }

    /**
     * A simulation run by an executor that is shut down with {@code shutdownNow} (an embedder stopping its workers):
     * the interrupt stops it as {@link Simulator#stop()} does, on one thread and on several. Before the fix, a run on
     * one thread went on for its whole duration (here a minute), and one on several threw "simulation interrupted" at
     * once and closed the region with everything its workers held still outstanding (hundreds of audit findings).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3})
    void anInterruptStopsTheRunAsStopDoesAndTheRegionEndsClean(int threads) throws Exception {
        Path dir = tmp.resolve("r");
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Future<Object[]> run = executor.submit(() -> {
            SimulationResult r = new Simulator(dir)
                    .maxPaddr(SMALL)
                    .threads(threads)
                    .duration(java.time.Duration.ofMinutes(1))
                    .onProgress(n -> running.countDown())
                    .run();
            return new Object[] {r, Thread.currentThread().isInterrupted()};
        });
        assertThat(running.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long stoppedAt = System.nanoTime();
        executor.shutdownNow();
        Object[] got = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat((System.nanoTime() - stoppedAt) / 1_000_000_000)
                .as("seconds from the interrupt to the end of the run")
                .isLessThan(15);
        SimulationResult r = (SimulationResult) got[0];
        assertThat(r.stopped()).as("the result says it was stopped").isTrue();
        assertThat(r.ops()).isPositive();
        assertThat((Boolean) got[1])
                .as("the interrupt is set again when run() returns")
                .isTrue();
        AuditReport audit = Auditor.audit(RegionInput.open(dir), JournalIndex.NONE);
        assertThat(audit.findings())
                .as("what the workers held was released: %s", audit)
                .isZero();
        assertThat(RegionInput.open(dir).clean()).as("closed clean").isTrue();
    }

    @Test
    void aCleanRegionIsReopenedAndItsLeaksCarryOver() {
        Path dir = tmp.resolve("r");
        SimulationResult first = new Simulator(dir)
                .maxPaddr(SMALL)
                .seed(1)
                .ops(1500)
                .leakRate(0.02)
                .run();
        SimulationResult second =
                new Simulator(dir).seed(2).ops(1500).leakRate(0.02).run();
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        AuditReport audit = Auditor.audit(RegionInput.open(dir), JournalIndex.NONE);
        List<InjectedLeak> all = new java.util.ArrayList<>(first.injected());
        all.addAll(second.injected());
        assertLeaksMatch(all, audit);
        Set<Long> sessions = audit.leaks().stream().map(g -> g.handle() >>> 40).collect(Collectors.toSet());
        assertThat(sessions).contains(1L, 2L);
    }

    @Test
    void aDifferentSizeForAnExistingRegionIsRefused() {
        Path dir = tmp.resolve("r");
        new Simulator(dir).maxPaddr(SMALL).ops(10).run();
        assertThatThrownBy(() -> new Simulator(dir).maxPaddr(2 * SMALL).ops(10).run())
                .isInstanceOf(RegionException.class)
                .hasMessageContaining("maxPaddr 0x400000");
        assertThatThrownBy(() -> new Simulator(dir).leakRate(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Simulator(dir).threads(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
