package io.framejournal.bench;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/**
 * A rate from JMH: the mean over measurement iterations and the best single iteration.
 *
 * @param mean the JMH score
 * @param best the best iteration (highest rate)
 */
record Measured(double mean, double best) {
    static final Measured NONE = new Measured(Double.NaN, Double.NaN);

    static Measured once(double value) {
        return new Measured(value, value);
    }

    /** A throughput result (ops/s) scaled by {@code perOp}. */
    static Measured throughput(RunResult r, double perOp) {
        double best = 0;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                best = Math.max(best, i.getPrimaryResult().getScore());
            }
        }
        return new Measured(r.getPrimaryResult().getScore() * perOp, best * perOp);
    }

    /** An average-time result (s/op) turned into a rate: {@code perOp} per op. */
    static Measured rateOfAverageTime(RunResult r, double perOp) {
        double best = Double.MAX_VALUE;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                best = Math.min(best, i.getPrimaryResult().getScore());
            }
        }
        return new Measured(perOp / r.getPrimaryResult().getScore(), perOp / best);
    }

    boolean atLeast(double target) {
        return mean >= target;
    }
}
