package io.framejournal.tests.crash;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.journal.RegionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link CrashHarness} kills: creates a region and runs {@link CrashWorkload} on it from several
 * threads until it is killed. Speaks to the parent on stdout, one line each:
 * <ul>
 *   <li>{@code ready <index>}: the region exists; {@code index} is its REGION_OPEN;</li>
 *   <li>{@code appended <index> <ops>}: every event up to {@code index} was appended (a checkpoint the parent holds
 *       the journal to after the kill).</li>
 * </ul>
 * It never closes the region. Should its parent vanish (its stdin reaches EOF), it exits at once, and in any case
 * after {@link #MAX_RUN_SECONDS}.
 *
 * <p>Usage: {@code CrashChild <regionDir> <seed> <threads>}.
 */
public final class CrashChild {
    /** Region size the crash tests use: 1024 frames. */
    public static final long MAX_PADDR = 4L << 20;
    /** Operations between two progress lines (counted over all threads). */
    static final long OPS_PER_CHECKPOINT = 200;

    static final int MAX_RUN_SECONDS = 120;
    /**
     * Operations after which the workers stop and wait to be killed: a bound on the journal the parent reads into
     * memory twice ({@code JournalSnapshot}), whatever delays its kill (the parent polls on a loaded machine). Kills
     * normally come after a few hundred milliseconds, well before this.
     */
    static final long MAX_OPS = 1_000_000;
    /** System property: the redo point period in ms, 0 (the default) for none. */
    static final String REDO_POINT_MILLIS = "framejournal.crash.redoPointMillis";

    static final int EXIT_TIMED_OUT = 3;
    static final int EXIT_FAILED = 4;
    static final int EXIT_ORPHANED = 5;

    private CrashChild() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: CrashChild <regionDir> <seed> <threads>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        exitWhenParentIsGone();
        int redoMillis = Integer.getInteger(REDO_POINT_MILLIS, 0);
        MetaRegion region = MetaRegion.create(
                dir,
                RegionConfig.of(MAX_PADDR),
                redoMillis > 0
                        ? RegionOptions.defaults().withRedoPoint(Duration.ofMillis(redoMillis))
                        : RegionOptions.defaults());
        System.out.println("ready " + region.lastJournalIndex());
        System.out.flush();
        AtomicLong ops = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            CrashWorkload w = new CrashWorkload(region, seed * 31 + t, () -> checkpoint(region, ops));
            Thread th = new Thread(() -> runOrDie(w), "crash-worker-" + t);
            th.setDaemon(true);
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join(TimeUnit.SECONDS.toMillis(MAX_RUN_SECONDS));
        }
        System.err.println("CrashChild was not killed within " + MAX_RUN_SECONDS + " s; exiting");
        System.exit(EXIT_TIMED_OUT);
    }

    private static void exitWhenParentIsGone() {
        Thread watcher = new Thread(
                () -> {
                    try {
                        while (System.in.read() >= 0) {
                            // the parent writes nothing; EOF means it closed the pipe or died
                        }
                    } catch (java.io.IOException e) {
                        // a broken pipe means the same
                    }
                    System.exit(EXIT_ORPHANED);
                },
                "crash-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void runOrDie(CrashWorkload w) {
        try {
            w.runForever();
        } catch (Throwable e) {
            System.err.println("CrashChild worker failed: " + e);
            e.printStackTrace();
            System.exit(EXIT_FAILED);
        }
    }

    /** Called by a worker after each completed operation. */
    private static void checkpoint(MetaRegion region, AtomicLong ops) {
        long n = ops.incrementAndGet();
        if (n >= MAX_OPS) {
            if (n == MAX_OPS) {
                System.err.println("CrashChild reached " + MAX_OPS + " operations; waiting to be killed");
            }
            while (true) {
                java.util.concurrent.locks.LockSupport.park(); // the kill ends it
            }
        }
        if (n % OPS_PER_CHECKPOINT == 0) {
            long index = region.lastJournalIndex();
            synchronized (System.out) {
                System.out.println("appended " + index + " " + n);
                System.out.flush();
            }
        }
    }
}
