package io.framejournal.bench;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * A writer that is killed: runs a number of single-frame cycles, prints {@code DONE <cycles> <nanos>} and then
 * waits, never closing anything, for its parent's SIGKILL ({@code Process.destroyForcibly()}).
 *
 * <pre>
 * journal &lt;closed region dir&gt; &lt;cycles&gt;   journaled cycles on the region (opened, never closed)
 * jfr &lt;cycles&gt;                          the same events as JFR events (start the JVM with -XX:StartFlightRecording)
 * </pre>
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: CrashChild journal <region dir> <cycles> | CrashChild jfr <cycles>");
            System.exit(2);
        }
        long started;
        long cycles;
        if (args[0].equals("journal") && args.length == 3) {
            cycles = Long.parseLong(args[2]);
            MetaRegion region = Workload.openRegion(Paths.get(args[1]), LeakDetection.DISABLED);
            FrameAllocOptions alloc = new FrameAllocOptions(region);
            started = System.nanoTime();
            for (long i = 0; i < cycles; i++) {
                Workload.frameCycle(alloc);
            }
        } else if (args[0].equals("jfr") && args.length == 2) {
            cycles = Long.parseLong(args[1]);
            started = System.nanoTime();
            for (long i = 0; i < cycles; i++) {
                JfrWorkload.frameCycle((int) (i & 1023), 2 * i);
            }
        } else {
            System.err.println(
                    "unknown mode " + String.join(" ", args) + "; use journal <dir> <cycles> or jfr <cycles>");
            System.exit(2);
            return;
        }
        long elapsed = System.nanoTime() - started;
        System.out.println("DONE " + cycles + " " + elapsed);
        System.out.flush();
        new CountDownLatch(1).await(); // wait for the SIGKILL
    }
}
