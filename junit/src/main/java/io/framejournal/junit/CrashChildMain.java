package io.framejournal.junit;

import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link FrameJournalCrash}: creates the region, runs the workload, and after the call that reaches
 * the limit (a number of calls, or a journal index) prints {@code kill-me <calls> <lastIndex>} and waits for the
 * parent's SIGKILL. Prints {@code finished <calls> <lastIndex>} when the workload returned first, and exits
 * without closing the region. Exits at once when its parent goes away (stdin at EOF).
 *
 * <p>Usage: {@code CrashChildMain <workloadClass> <regionDir> <maxPaddr> <killAfterCalls> <killAtIndex>} (0 and -1
 * for "no limit").
 */
final class CrashChildMain {
    private CrashChildMain() {}

    public static void main(String[] args) throws Exception {
        CrashWorkload workload =
                (CrashWorkload) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        Path dir = Path.of(args[1]);
        long maxPaddr = Long.parseLong(args[2]);
        long killAfterCalls = Long.parseLong(args[3]);
        long killAtIndex = Long.parseLong(args[4]);
        Thread watchdog = new Thread(
                () -> {
                    try {
                        while (System.in.read() >= 0) {
                            // the parent never writes; EOF means it is gone
                        }
                    } catch (java.io.IOException ignored) {
                        // same as EOF
                    }
                    Runtime.getRuntime().halt(5);
                },
                "parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();

        MetaRegion region = MetaRegion.create(dir, RegionConfig.of(maxPaddr));
        long[] calls = {0};
        workload.run(region, new FrameAllocOptions(region), () -> {
            calls[0]++;
            boolean byCalls = killAfterCalls > 0 && calls[0] >= killAfterCalls;
            boolean byIndex = killAtIndex >= 0 && region.lastJournalIndex() >= killAtIndex;
            if (byCalls || byIndex) {
                System.out.println("kill-me " + calls[0] + " " + region.lastJournalIndex());
                System.out.flush();
                try {
                    new CountDownLatch(1).await(); // parked until the SIGKILL
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(6);
            }
        });
        System.out.println("finished " + calls[0] + " " + region.lastJournalIndex());
        System.out.flush();
        Runtime.getRuntime().halt(0); // without closing the region: a dead writer all the same
    }
}
