package io.framejournal.bench;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.sim.SimulationResult;
import io.framejournal.replay.sim.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of issue #11 that are not about history: recovery time for the same unapplied suffix after sessions of
 * different lengths (checkpoints make it flat), and writer throughput with a checkpointer running against none.
 */
final class WeeksBench {
    private WeeksBench() {}

    /**
     * One recovery.
     *
     * @param sessionOps operations before the last checkpoint
     * @param suffixOps  operations after it (the unapplied suffix a dead writer leaves)
     * @param millis     recovery time, in a JVM that has recovered a region before
     * @param records    records recovery replayed
     * @param verdict    its verdict
     */
    record Recovery(long sessionOps, long suffixOps, double millis, long records, String verdict) {}

    /**
     * Builds one region per session length: the session with a checkpoint at its close, then a second session of
     * {@code suffixOps} without checkpoints left as a dead writer leaves it; then recovers each.
     */
    static List<Recovery> recoveries(Path work, long[] sessionOps, long suffixOps) throws IOException {
        return recoveries(work, sessionOps, suffixOps, false);
    }

    /**
     * @param fromRedoPoint the first session records a redo point (one at its close) instead of a checkpoint, so
     *                      recovery replays from the redo point and compares only the slots the suffix touches
     */
    static List<Recovery> recoveries(Path work, long[] sessionOps, long suffixOps, boolean fromRedoPoint)
            throws IOException {
        List<Recovery> out = new ArrayList<>();
        // warm up: class loading and Chronicle Map's runtime compilation are paid once per JVM, not per recovery
        Path warm = work.resolve("recovery-warmup");
        deadWriter(warm, 20_000, 5_000, fromRedoPoint);
        MetaRegion.recover(warm, false);
        Dirs.delete(warm);
        for (long ops : sessionOps) {
            Path dir = work.resolve("recovery-" + ops);
            deadWriter(dir, ops, suffixOps, fromRedoPoint);
            // best of a few recoveries of the same dead region: everything recovery changes but the journal (where it
            // appends two RECOVERY records the next one replays too) is put back in between
            Path saved = work.resolve("recovery-saved");
            Files.createDirectories(saved);
            for (String f : RESTORED) {
                if (Files.exists(dir.resolve(f))) {
                    Files.copy(dir.resolve(f), saved.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            double best = Double.MAX_VALUE;
            RecoveryReport r = null;
            for (int i = 0; i < REPEATS; i++) {
                if (i > 0) {
                    for (String f : RESTORED) {
                        if (Files.exists(saved.resolve(f))) {
                            Files.copy(saved.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                long t0 = System.nanoTime();
                r = MetaRegion.recover(dir, false);
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            out.add(new Recovery(ops, suffixOps, best, r.recordsScanned(), r.verdict()));
            Dirs.delete(saved);
            Dirs.delete(dir);
        }
        return out;
    }

    /** Recoveries timed per region (the best is kept); {@code -Dbench.recoveryRepeats}. */
    private static final int REPEATS = Integer.getInteger("bench.recoveryRepeats", 3);

    /** The files a recovery rewrites, besides appending to the journal. */
    private static final List<String> RESTORED =
            List.of(RegionLayout.SLOTS, RegionLayout.STATUS, RegionLayout.REDO_POINT, "region.writer");

    private static void deadWriter(Path dir, long ops, long suffixOps, boolean fromRedoPoint) throws IOException {
        Simulator first = new Simulator(dir).threads(2).ops(ops).seed(1);
        if (fromRedoPoint) {
            first.redoPointEvery(Duration.ofSeconds(1)); // and one at REGION_CLOSE
        } else {
            first.checkpoints(
                    Checkpointer.Policy.everyRecords(Long.MAX_VALUE / 2).keeping(1)); // one, at REGION_CLOSE
        }
        first.run();
        new Simulator(dir).threads(2).ops(suffixOps).seed(2).run();
        io.framejournal.journal.testsupport.DeadWriter.markOpen(dir);
    }

    /**
     * Writer throughput (operations/s of a one-thread simulate on a default region) with a background checkpointer
     * every {@code period} against none, alternating, {@code rounds} of each.
     *
     * @return {with, without} operations per second of each round, interleaved
     */
    static double[][] checkpointOverhead(Path work, long ops, Duration period, int rounds) {
        return overhead(
                work,
                ops,
                rounds,
                sim -> sim.checkpoints(Checkpointer.Policy.every(period).keeping(2)));
    }

    /** {@link #checkpointOverhead}, both simulations without the journal's pretouch thread. */
    static double[][] checkpointOverheadNoPretouch(Path work, long ops, Duration period, int rounds) {
        return overhead(
                work,
                ops,
                rounds,
                sim -> sim.checkpoints(Checkpointer.Policy.every(period).keeping(2)),
                false);
    }

    /** {@link #checkpointOverhead}, for a redo point recorded every {@code period} against none. */
    static double[][] redoPointOverhead(Path work, long ops, Duration period, int rounds) {
        return overhead(work, ops, rounds, sim -> sim.redoPointEvery(period));
    }

    private static double[][] overhead(Path work, long ops, int rounds, java.util.function.Consumer<Simulator> withIt) {
        return overhead(work, ops, rounds, withIt, RegionOptions.defaults().pretouch());
    }

    private static double[][] overhead(
            Path work, long ops, int rounds, java.util.function.Consumer<Simulator> withIt, boolean pretouch) {
        double[][] out = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int with = 0; with < 2; with++) {
                Path dir = work.resolve("overhead-" + r + "-" + with);
                Simulator sim = new Simulator(dir).threads(1).ops(ops).seed(3).pretouch(pretouch);
                if (with == 0) {
                    withIt.accept(sim);
                }
                SimulationResult res = sim.run();
                out[with][r] = res.ops() / (res.nanos() / 1e9);
                Dirs.delete(dir);
            }
        }
        return out;
    }
}
