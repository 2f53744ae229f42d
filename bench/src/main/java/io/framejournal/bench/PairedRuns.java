package io.framejournal.bench;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Ratios that hold on a busy machine: ours and its reference alternate in short rounds in one JVM, and each keeps
 * its fastest round. Interference only slows a round down, and neighbouring rounds see about the same load, so
 * the ratio of bests is steadier than the ratio of two JMH means taken a minute apart.
 */
final class PairedRuns {
    static final int WARMUP_ROUNDS = 3;

    /** Fastest rounds of ours and of its reference, in events per second. */
    record Pair(double ours, double reference, int rounds) {
        double ratio() {
            return ours / reference;
        }
    }

    private PairedRuns() {}

    /**
     * Fastest rounds, in events per second, of the journaled frame cycle with its pretouch thread (the default) and
     * without, and of the floor (raw Chronicle, which has none) and the floor given the same {@code Pretoucher}.
     */
    record WriteRounds(double ours, double oursNoPretouch, double floor, double floorPretouched, int rounds) {
        /** The ratio: the journal as shipped against raw Chronicle. */
        double ratio() {
            return ours / floor;
        }

        /** Like for like: both without a pretouch thread. */
        double ratioNoPretouch() {
            return oursNoPretouch / floor;
        }

        /** Like for like: both with one. */
        double ratioPretouched() {
            return ours / floorPretouched;
        }
    }

    /**
     * Journaled frame cycles against the floor (one raw append of the same bytes and one raw slot write per call),
     * each with and without a pretouch thread: four contenders taking turns, each going first in turn.
     */
    static WriteRounds write(int rounds, int cyclesPerRound, double eventsPerCycle) throws IOException {
        Path dir = Dirs.temp("paired-write");
        FloorBench.Shared floor = new FloorBench.Shared();
        FloorBench.Lane lane = new FloorBench.Lane();
        FloorBench.Shared floorP = new FloorBench.Shared();
        floorP.floorPretouch = true;
        FloorBench.Lane laneP = new FloorBench.Lane();
        try (MetaRegion region = Workload.createRegion(dir.resolve("region"), LeakDetection.DISABLED, true);
                MetaRegion regionN = Workload.createRegion(dir.resolve("region-n"), LeakDetection.DISABLED, false)) {
            floor.open();
            lane.open(floor);
            floorP.open();
            laneP.open(floorP);
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            FrameAllocOptions allocN = new FrameAllocOptions(regionN);
            long events = (long) (cyclesPerRound * eventsPerCycle);
            long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
            long sink = 0;
            for (int r = 0; r < WARMUP_ROUNDS + rounds; r++) {
                for (int k = 0; k < best.length; k++) {
                    int who = (r + k) % best.length;
                    long t0 = System.nanoTime();
                    switch (who) {
                        case 0 -> {
                            for (int i = 0; i < cyclesPerRound; i++) {
                                Workload.frameCycle(alloc);
                            }
                        }
                        case 1 -> {
                            for (int i = 0; i < cyclesPerRound; i++) {
                                Workload.frameCycle(allocN);
                            }
                        }
                        case 2 -> {
                            for (int i = 0; i < cyclesPerRound; i++) {
                                sink += FloorBench.cycle(lane);
                            }
                        }
                        default -> {
                            for (int i = 0; i < cyclesPerRound; i++) {
                                sink += FloorBench.cycle(laneP);
                            }
                        }
                    }
                    long took = System.nanoTime() - t0;
                    if (r >= WARMUP_ROUNDS) {
                        best[who] = Math.min(best[who], took);
                    }
                }
            }
            if (sink == 0) {
                throw new IllegalStateException("floor wrote nothing");
            }
            return new WriteRounds(
                    events * 1e9 / best[0],
                    events * 1e9 / best[1],
                    events * 1e9 / best[2],
                    events * 1e9 / best[3],
                    rounds);
        } finally {
            laneP.close();
            floorP.close();
            lane.close();
            floor.close();
            Dirs.delete(dir);
        }
    }

    /**
     * For work on the reader: the best pass of each stage over one journal, in ms (open and close only; the reader
     * alone, every record checked and its events handed out; the whole replay; the raw tailer; the audit's ledger pass
     * as the audit runs it, read ahead on a second thread; the same pass on one thread), alternating.
     */
    static double[] replayStages(Path region, int nrSlots, int rounds) {
        return replayStages(region, nrSlots, rounds, null);
    }

    /**
     * As {@link #replayStages(Path, int, int)}; when {@code passes} is given (an array of six), each stage's every
     * measured pass in ms as well, for its median and mean.
     */
    static double[] replayStages(Path region, int nrSlots, int rounds, double[][] passes) {
        ReplayBench bench = new ReplayBench();
        bench.region = region.toString();
        bench.nrSlots = nrSlots;
        long[] best = new long[6];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        if (passes != null) {
            for (int s = 0; s < best.length; s++) {
                passes[s] = new double[rounds];
            }
        }
        long sink = 0;
        long[] t = new long[best.length + 1];
        for (int r = 0; r < WARMUP_ROUNDS + rounds; r++) {
            t[0] = System.nanoTime();
            sink += bench.openOnly();
            t[1] = System.nanoTime();
            sink += bench.readOnly();
            t[2] = System.nanoTime();
            sink += bench.replay().refCount(0);
            t[3] = System.nanoTime();
            sink += bench.rawTailer();
            t[4] = System.nanoTime();
            sink += bench.ledgerPass();
            t[5] = System.nanoTime();
            sink += bench.ledgerPassInline();
            t[6] = System.nanoTime();
            if (r >= WARMUP_ROUNDS) {
                for (int s = 0; s < best.length; s++) {
                    long took = t[s + 1] - t[s];
                    best[s] = Math.min(best[s], took);
                    if (passes != null) {
                        passes[s][r - WARMUP_ROUNDS] = took / 1e6;
                    }
                }
            }
        }
        if (sink == Long.MIN_VALUE) {
            throw new IllegalStateException("unreachable: keeps the passes' results alive");
        }
        double[] ms = new double[best.length];
        for (int i = 0; i < best.length; i++) {
            ms[i] = best[i] / 1e6;
        }
        return ms;
    }

    /** Fastest rounds of the journaled frame cycle at each leak detection level, in events per second. */
    record Levels(
            double disabled,
            double sampled,
            double paranoid,
            double disabledNoPretouch,
            double sampledNoPretouch,
            int rounds) {}

    /**
     * Journaled frame cycles with leak detection DISABLED, SAMPLED and PARANOID (call sites captured for the sampled
     * handles), and DISABLED and SAMPLED again without the journal's pretouch thread: five regions side by side,
     * taking turns in short rounds (each going first in turn); the fastest round of each.
     */
    static Levels leakLevels(int rounds, int cyclesPerRound, double eventsPerCycle) throws IOException {
        Path dir = Dirs.temp("paired-levels");
        LeakDetection[] levels = {
            LeakDetection.DISABLED,
            LeakDetection.SAMPLED,
            LeakDetection.PARANOID,
            LeakDetection.DISABLED,
            LeakDetection.SAMPLED
        };
        boolean[] pretouch = {true, true, true, false, false};
        MetaRegion[] regions = new MetaRegion[levels.length];
        try {
            FrameAllocOptions[] allocs = new FrameAllocOptions[levels.length];
            for (int l = 0; l < levels.length; l++) {
                regions[l] = Workload.createRegion(dir.resolve(l + "-" + levels[l].name()), levels[l], pretouch[l]);
                allocs[l] = new FrameAllocOptions(regions[l]);
            }
            long[] best = new long[levels.length];
            java.util.Arrays.fill(best, Long.MAX_VALUE);
            for (int r = 0; r < WARMUP_ROUNDS + rounds; r++) {
                for (int k = 0; k < levels.length; k++) {
                    int l = (r + k) % levels.length; // each goes first, second, ... in turn
                    long t0 = System.nanoTime();
                    for (int i = 0; i < cyclesPerRound; i++) {
                        Workload.frameCycle(allocs[l]);
                    }
                    long t = System.nanoTime() - t0;
                    if (r >= WARMUP_ROUNDS) {
                        best[l] = Math.min(best[l], t);
                    }
                }
            }
            double events = cyclesPerRound * eventsPerCycle;
            return new Levels(
                    events * 1e9 / best[0],
                    events * 1e9 / best[1],
                    events * 1e9 / best[2],
                    events * 1e9 / best[3],
                    events * 1e9 / best[4],
                    rounds);
        } finally {
            for (MetaRegion region : regions) {
                if (region != null) {
                    region.close();
                }
            }
            Dirs.delete(dir);
        }
    }

    /** Whole-journal replay passes against raw-tailer passes over the same journal. */
    static Pair replay(Path region, int nrSlots, long events, int rounds) {
        ReplayBench bench = new ReplayBench();
        bench.region = region.toString();
        bench.nrSlots = nrSlots;
        long bestOurs = Long.MAX_VALUE;
        long bestRaw = Long.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < WARMUP_ROUNDS + rounds; r++) {
            long t0 = System.nanoTime();
            sink += bench.replay().refCount(0);
            long t1 = System.nanoTime();
            sink += bench.rawTailer();
            long t2 = System.nanoTime();
            if (r >= WARMUP_ROUNDS) {
                bestOurs = Math.min(bestOurs, t1 - t0);
                bestRaw = Math.min(bestRaw, t2 - t1);
            }
        }
        if (sink == Long.MIN_VALUE) {
            throw new IllegalStateException("unreachable: keeps the passes' results alive");
        }
        return new Pair(events * 1e9 / bestOurs, events * 1e9 / bestRaw, rounds);
    }
}
