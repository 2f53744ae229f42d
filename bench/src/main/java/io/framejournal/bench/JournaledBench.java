package io.framejournal.bench;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Journaled mutations through the public allocator API: every event appended to the Chronicle Queue journal,
 * applied through {@code Transition.apply} and stored into the memory-mapped slot table. One op is one cycle;
 * {@link BenchRunner} multiplies by the journal events a cycle writes (counted, not assumed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournaledBench {
    @Param({"DISABLED"})
    public LeakDetection leakDetection;

    /** Whether the region's journal has its pretouch thread (the default) or the appending thread takes the faults. */
    @Param({"true"})
    public boolean pretouch;

    private Path dir;
    private MetaRegion region;
    private FrameAllocOptions alloc;

    /**
     * A fresh region for every iteration, deleted after it: a fork that wrote gigabytes of new pages slowed ~2.5× part
     * way on this machine (bench/README.md, "Writing fresh memory on this machine").
     */
    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Dirs.temp("journaled");
        region = Workload.createRegion(dir.resolve("region"), leakDetection, pretouch);
        alloc = new FrameAllocOptions(region);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        region.close();
        Dirs.delete(dir);
    }

    /** Single-frame cycle (alloc, clone, drop, drop) on one thread. */
    @Benchmark
    @Threads(1)
    public void frameCycle1T() {
        Workload.frameCycle(alloc);
    }

    /** The same cycle on two threads sharing the region (throughput is the sum of both). */
    @Benchmark
    @Threads(2)
    public void frameCycle2T() {
        Workload.frameCycle(alloc);
    }

    /** Segment cycle: allocate 64 pages, clone, slice 32, drop all three. */
    @Benchmark
    @Threads(1)
    public void segmentCycle1T() {
        Workload.segmentCycle(alloc);
    }
}
