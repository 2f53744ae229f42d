package io.framejournal.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The JDK Flight Recorder peer: the single-frame cycle's events committed as JFR events. {@link BenchRunner}
 * forks this with {@code -XX:StartFlightRecording} (events are only recorded while a recording runs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JfrBench {
    private int slot;
    private long handle;

    @Benchmark
    @Threads(1)
    public void jfrFrameCycle1T() {
        slot = (slot + 1) & 1023;
        handle += 2;
        JfrWorkload.frameCycle(slot, handle);
    }
}
