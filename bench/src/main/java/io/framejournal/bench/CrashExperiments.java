package io.framejournal.bench;

import io.framejournal.allocator.LeakDetection;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.RegionLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Figures that need a writer to die: recovery time and how many events survive a SIGKILL. */
final class CrashExperiments {
    private final Path root;
    private final Path work;

    CrashExperiments(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    /** One recovery: a region whose writer was killed after {@code events} slot events. */
    record Recovery(long suffixEvents, long scanned, long redone, double millis, boolean slotTableBehind) {}

    /**
     * Kills a writer after about {@code events} slot events, then times {@code MetaRegion.recover} on two copies:
     * as killed (the page cache kept every slot write, so recovery scans the suffix and redoes nothing), and with
     * the slot table rolled back to the checkpoint (a power loss with a synced journal: every event of the
     * suffix is unapplied and redone).
     */
    List<Recovery> recovery(long events) throws IOException, InterruptedException {
        Path base = Files.createDirectories(work.resolve("recovery-" + events));
        Path region = base.resolve("killed");
        Workload.createRegion(region, LeakDetection.DISABLED).close();
        Path checkpointSlots = base.resolve("slots-at-checkpoint.cm3");
        Files.copy(new RegionLayout(region).slots(), checkpointSlots);
        long cycles = (events + JfrWorkload.EVENTS_PER_CYCLE - 1) / JfrWorkload.EVENTS_PER_CYCLE;
        ChildJvm.runAndKill(root, work, List.of(), "journal", region.toString(), Long.toString(cycles));
        List<Recovery> out = new ArrayList<>();
        for (boolean behind : new boolean[] {false, true}) {
            Path copy = base.resolve(behind ? "behind" : "as-killed");
            Dirs.copy(region, copy);
            if (behind) {
                Files.copy(checkpointSlots, new RegionLayout(copy).slots(), StandardCopyOption.REPLACE_EXISTING);
            }
            long t0 = System.nanoTime();
            RecoveryReport r = MetaRegion.recover(copy, false);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.journalProblem() != null) {
                throw new IllegalStateException("recovery of " + copy + " stopped: " + r.journalProblem());
            }
            out.add(new Recovery(
                    cycles * JfrWorkload.EVENTS_PER_CYCLE, r.eventsScanned(), r.slotsRedone(), ms, behind));
            Dirs.delete(copy);
        }
        Dirs.delete(base);
        return out;
    }

    /** Events written before a SIGKILL and events found afterwards. */
    record Survival(long written, long survived, double writerEventsPerSecond) {}

    /** Ours: journaled cycles, SIGKILL right after the last one, then count the slot events in the journal. */
    Survival journalSurvival(long cycles) throws IOException, InterruptedException {
        Path base = Files.createDirectories(work.resolve("survival-journal"));
        Path region = base.resolve("region");
        Workload.createRegion(region, LeakDetection.DISABLED).close();
        long before = JournalFacts.countEvents(new RegionLayout(region).journal())[1];
        ChildJvm.Done done =
                ChildJvm.runAndKill(root, work, List.of(), "journal", region.toString(), Long.toString(cycles));
        long after = JournalFacts.countEvents(new RegionLayout(region).journal())[1];
        Dirs.delete(base);
        return new Survival(
                cycles * JfrWorkload.EVENTS_PER_CYCLE,
                after - before,
                done.cyclesPerSecond() * JfrWorkload.EVENTS_PER_CYCLE);
    }

    /**
     * The JFR peer: the same events committed to a running recording (default settings, on disk), SIGKILL right
     * after the last one, then count them in every chunk the recording left with {@code RecordingFile}.
     */
    Survival jfrSurvival(long cycles) throws IOException, InterruptedException {
        Path base = Files.createDirectories(work.resolve("survival-jfr"));
        Path repo = Files.createDirectories(base.resolve("repository"));
        List<String> flags = List.of(
                "-XX:StartFlightRecording=disk=true,filename=" + base.resolve("dump.jfr"),
                "-XX:FlightRecorderOptions=repository=" + repo,
                "-Xlog:jfr+startup=error");
        ChildJvm.Done done = ChildJvm.runAndKill(root, work, flags, "jfr", Long.toString(cycles));
        long survived = 0;
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : (Iterable<Path>)
                    files.filter(p -> p.toString().endsWith(".jfr")).sorted()::iterator) {
                survived += countJfrEvents(f);
            }
        }
        Dirs.delete(base);
        return new Survival(
                cycles * JfrWorkload.EVENTS_PER_CYCLE, survived, done.cyclesPerSecond() * JfrWorkload.EVENTS_PER_CYCLE);
    }

    /** Mutation events readable from one chunk file; a chunk cut short by the kill counts up to where it breaks. */
    private static long countJfrEvents(Path file) {
        long n = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (e.getEventType().getName().equals(MutationEvent.NAME)) {
                    n++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unfinished chunk: what was read before the break is what survived
        }
        return n;
    }
}
