package io.framejournal.replay.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a simulation did.
 *
 * @param dir              the region
 * @param created          whether the region was created (else opened)
 * @param seed             the seed
 * @param threads          worker threads
 * @param ops              operations run
 * @param nanos            wall time
 * @param byOp             operations run, by name
 * @param expectedErrors   allocator errors the workload met and handled (out of frames, in use, ...), by name
 * @param injected         leaks injected, in the order they were made
 * @param firstIndex       journal index of this session's REGION_OPEN... (first event this run wrote)
 * @param lastIndex        journal index of the region's last event after close
 * @param checkpointProblem why the background checkpointer stopped during the run, or why its checkpoints were still
 *                          failing at the end (it retries them), or why the checkpoint at close was not taken; or
 *                          {@code null}
 * @param redoPointProblem  with {@code --redo-point-every}: why the redo point could not be recorded at the end of the
 *                          run (the slot table could not be forced to disk, after which none is recorded for the rest
 *                          of the session), or {@code null}
 * @param stopped          whether the run was stopped early ({@link Simulator#stop()}: Ctrl-C in the CLI; or an interrupt
 *                          of the thread running it)
 */
public record SimulationResult(
        Path dir,
        boolean created,
        long seed,
        int threads,
        long ops,
        long nanos,
        Map<String, Long> byOp,
        Map<String, Long> expectedErrors,
        List<InjectedLeak> injected,
        long firstIndex,
        long lastIndex,
        String checkpointProblem,
        String redoPointProblem,
        boolean stopped) {
    public long leakedHandles() {
        return injected.stream()
                .filter(l -> l.kind().equals(InjectedLeak.HANDLE))
                .count();
    }

    /** Raw references injected, one per call (a segment's into_raw is one). */
    public long unrestoredRaw() {
        return injected.stream().filter(l -> l.kind().equals(InjectedLeak.RAW)).count();
    }

    /** The frames those raw references cover: what {@code audit} counts, per frame. */
    public long unrestoredRawFrames() {
        return injected.stream()
                .filter(l -> l.kind().equals(InjectedLeak.RAW))
                .mapToLong(InjectedLeak::pages)
                .sum();
    }
}
