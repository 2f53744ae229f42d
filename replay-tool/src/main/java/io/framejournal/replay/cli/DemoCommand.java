package io.framejournal.replay.cli;

import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.JournalWriter;
import io.framejournal.journal.JvmFlags;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.RegionStatus;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.Progress;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.render.JsonRenderer;
import io.framejournal.replay.render.JsonWriter;
import io.framejournal.replay.render.TextRenderer;
import io.framejournal.replay.sim.InjectedLeak;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code framejournal demo}: a multi-threaded simulation with injected leaks in a child JVM, killed with SIGKILL
 * mid-run, then recovered and audited here; prints what was found and how to look deeper. Keeps the region.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        header = "Crash a simulated workload with SIGKILL, then recover and audit it.",
        description = "Simulate a 2-thread workload with injected leaks in a temporary region in a child JVM, "
                + "kill it with SIGKILL mid-run, then recover and audit it and show what was found: the "
                + "injected leaks, what the crash orphaned, torn operations. The region is kept for you to "
                + "explore.")
final class DemoCommand extends BaseCommand {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "Where to put the demo: a new or empty directory, for its region/, injected.jsonl and"
                    + " simulate.log. Default: a new temporary directory.")
    Path dir;

    @Option(
            names = "--events",
            paramLabel = "N",
            converter = Converters.Count.class,
            defaultValue = "20000",
            description = "Kill the child once its journal holds this many events (1 or more). Default:"
                    + " ${DEFAULT-VALUE}.")
    long killAfter;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Workload seed. Default: 42.")
    long seed;

    private static final long MAX_PADDR = 64L << 20;
    private static final int DEMO_ROWS = 8;
    private static final long CHILD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(40);

    @Override
    public Integer call() throws IOException, InterruptedException {
        JvmFlags.require(); // this JVM recovers and audits in-process: fail before making the demo directory
        boolean existed = dir != null && Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (existed) {
            requireEmptyDirectory(dir);
        }
        Path home = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("framejournal-demo");
        boolean done = false;
        try {
            int code = run(home);
            done = true;
            return code;
        } finally {
            if (!done) { // leave nothing behind: a temporary or new directory goes, an empty one is emptied again
                if (existed) {
                    io.framejournal.journal.Trees.deleteContentsQuietly(home);
                } else {
                    io.framejournal.journal.Trees.deleteQuietly(home);
                }
            }
        }
    }

    /** {@code --dir} when it exists: a directory with nothing in it, else a one-line error before anything is written. */
    private static void requireEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new RegionException("--dir " + dir + " is not a directory; give a new or empty directory");
        }
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new RegionException("--dir " + dir + " is not empty; give a new or empty directory (the demo"
                        + " writes region/, injected.jsonl and simulate.log in it)");
            }
        }
    }

    private int run(Path home) throws IOException, InterruptedException {
        Path region = home.resolve("region");
        Path injectedLog = home.resolve("injected.jsonl");
        Path childLog = home.resolve("simulate.log");
        PrintStream say = json ? root.err : out();
        warmUp(home);
        say.println("demo: simulating in a child JVM (2 threads, leak rate 0.01, seed " + seed + ") into " + region);
        List<String> cmd = childCommand(region, injectedLog);
        // the child's standard input stays a pipe from this process: if this process dies (even by SIGKILL), the
        // child reads its end and stops (--stop-when-stdin-closes); on Ctrl-C or SIGTERM the hook kills it first
        Process child = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(childLog.toFile())
                .start();
        long events;
        try (InterruptHook hook = InterruptHook.install(
                () -> {
                    child.destroyForcibly();
                    root.err.println("framejournal: demo interrupted: its simulation child was killed; the region"
                            + " it left is in " + region + " (`framejournal recover " + region + "` to recover it)");
                },
                0)) {
            events = waitForEvents(region, child, childLog);
            hook.done();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        say.println("demo: killed the child with SIGKILL after " + Fmt.count(events) + " journal events (exit "
                + child.exitValue() + "); region status: "
                + (RegionStatus.read(new RegionLayout(region).status()).clean() ? "clean" : "open (writer died)"));
        RecoveryReport recovery = MetaRegion.recover(region, false);
        AuditReport audit;
        RegionInput input = RegionInput.open(region);
        try (Progress p = progress("auditing", input)) {
            audit = new Auditor(input, io.framejournal.journal.JournalIndex.NONE, Auditor.DEFAULT_DETAIL_LIMIT).run(p);
        }
        List<InjectedLeak> injected = readInjected(injectedLog);
        Matches m = match(injected, audit);
        if (json) {
            out().println(json(region, events, recovery, audit, injected, m));
        } else {
            report(region, events, recovery, audit, injected, m);
        }
        return FrameJournalCli.OK;
    }

    /**
     * Loads Chronicle Queue in this JVM before the child starts (a few seconds the first time), so the journal tail
     * keeps up with the child and the kill lands soon after {@code --events}.
     */
    private static void warmUp(Path home) throws IOException {
        Path dir = home.resolve("warm-up");
        try (JournalWriter w = JournalWriter.open(dir, net.openhft.chronicle.bytes.SyncMode.NONE)) {
            w.append(new JournalEvent()
                    .set(io.framejournal.journal.EventKind.REGION_CLOSE, OpCode.REGION, JournalEvent.NO_SLOT, 0, 0, 0));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            r.next(new JournalEvent());
        }
        io.framejournal.journal.Trees.delete(dir);
    }

    /** {@code java @<root>/config/chronicle.jvmopts -cp <jar or classpath> FrameJournalCli simulate …}. */
    private List<String> childCommand(Path region, Path injectedLog) {
        Path self = codeSource();
        Path root = repoRoot(self);
        Path jvmopts = root.resolve("config/chronicle.jvmopts");
        if (!Files.isRegularFile(jvmopts)) {
            throw new RegionException("cannot find " + jvmopts + "; run from the repository (bin/framejournal) or set"
                    + " -Dframejournal.root=<repo>");
        }
        String classpath = Files.isRegularFile(self) ? self.toString() : System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + jvmopts);
        cmd.add("-Xmx256m");
        cmd.add("-Dframejournal.root=" + root);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(FrameJournalCli.class.getName());
        cmd.addAll(List.of(
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                Fmt.hex(MAX_PADDR),
                "--threads",
                "2",
                "--duration",
                "60s",
                "--leak-rate",
                "0.01",
                "--seed",
                Long.toString(seed),
                "--drop-leaks",
                "--injected-out",
                injectedLog.toString(),
                "--stop-when-stdin-closes"));
        return cmd;
    }

    private static Path codeSource() {
        try {
            return Path.of(FrameJournalCli.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new RegionException("cannot tell where framejournal runs from: " + e.getMessage());
        }
    }

    /** {@code framejournal.root}, else the jar's {@code <root>/replay-tool/target/framejournal.jar}. */
    static Path repoRoot(Path self) {
        String prop = System.getProperty("framejournal.root");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = self.toAbsolutePath();
        for (int up = 0; up < 3 && p.getParent() != null; up++) {
            p = p.getParent();
        }
        return p.normalize();
    }

    /** Tails the child's journal (read-only) until it holds {@code killAfter} events. */
    private long waitForEvents(Path region, Process child, Path childLog) throws IOException {
        Path journal = new RegionLayout(region).journal();
        long deadline = System.nanoTime() + CHILD_TIMEOUT_NANOS;
        JournalReader reader = null;
        JournalEvent e = new JournalEvent();
        long count = 0;
        try {
            while (count < killAfter) {
                if (!child.isAlive()) {
                    throw new RegionException("the simulation child exited early (code " + child.exitValue() + "): "
                            + lastLine(childLog));
                }
                if (System.nanoTime() > deadline) {
                    throw new RegionException("the simulation child wrote only " + count + " events in "
                            + TimeUnit.NANOSECONDS.toSeconds(CHILD_TIMEOUT_NANOS) + " s; its last line: "
                            + lastLine(childLog));
                }
                if (reader == null && Files.isRegularFile(new RegionLayout(region).status()) && hasQueueFile(journal)) {
                    reader = JournalReader.open(journal);
                }
                boolean progressed = false;
                while (reader != null && count < killAfter && reader.next(e)) {
                    count++;
                    progressed = true;
                }
                if (!progressed) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            return count;
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static boolean hasQueueFile(Path journal) throws IOException {
        if (!Files.isDirectory(journal)) {
            return false;
        }
        try (var s = Files.list(journal)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".cq4"));
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }

    private static List<InjectedLeak> readInjected(Path log) throws IOException {
        List<InjectedLeak> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("{") && line.endsWith("}")) {
                out.add(InjectedLeak.parse(line));
            }
        }
        return out;
    }

    /**
     * Injected leaks against what the audit found.
     *
     * @param injectedHandlesFound injected handles whose obligations the audit reports outstanding
     * @param injectedRawFound     injected raw references the audit reports never restored (by slot)
     * @param orphaned             outstanding obligation groups nobody injected: handles live when the child died
     * @param orphanedFrames       obligations in those groups
     * @param orphanedRaw          raw references outstanding beyond the injected ones: held raw when the child died
     */
    record Matches(
            int injectedHandlesFound,
            int injectedRawFound,
            List<AuditReport.LeakGroup> orphaned,
            long orphanedFrames,
            long orphanedRaw) {}

    static Matches match(List<InjectedLeak> injected, AuditReport audit) {
        Set<Long> leakedHandles = new HashSet<>();
        Set<Long> rawSlots = new HashSet<>();
        for (AuditReport.RawLeak l : audit.rawLeaks()) {
            rawSlots.add((long) l.slot());
        }
        Set<Long> outstanding = new HashSet<>();
        for (AuditReport.LeakGroup g : audit.leaks()) {
            outstanding.add(g.handle());
        }
        int handlesFound = 0;
        int rawFound = 0;
        long rawPages = 0;
        for (InjectedLeak l : injected) {
            if (l.kind().equals(InjectedLeak.HANDLE)) {
                leakedHandles.add(l.handle());
                handlesFound += outstanding.contains(l.handle()) ? 1 : 0;
            } else if (rawSlots.contains(l.start() / 4096)) {
                rawFound++;
                rawPages += l.pages();
            }
        }
        List<AuditReport.LeakGroup> orphaned = new ArrayList<>();
        long frames = 0;
        for (AuditReport.LeakGroup g : audit.leaks()) {
            if (!leakedHandles.contains(g.handle())) {
                orphaned.add(g);
                frames += g.total();
            }
        }
        return new Matches(handlesFound, rawFound, orphaned, frames, Math.max(0, audit.rawReferences() - rawPages));
    }

    private void report(
            Path region,
            long events,
            RecoveryReport recovery,
            AuditReport audit,
            List<InjectedLeak> injected,
            Matches m) {
        PrintStream out = out();
        long injectedHandles = injected.stream()
                .filter(l -> l.kind().equals(InjectedLeak.HANDLE))
                .count();
        out.println();
        out.println("What happened:");
        out.println("  the child injected " + injectedHandles + " leaked handle(s) and "
                + (injected.size() - injectedHandles) + " unrestored raw reference(s) before it was killed");
        out.println("  audit found " + m.injectedHandlesFound() + " of the " + injectedHandles
                + " injected handles still owing obligations, and " + m.injectedRawFound() + " of the "
                + (injected.size() - injectedHandles) + " injected raw references never restored");
        out.println("  the crash orphaned " + m.orphaned().size() + " more handle(s) (" + m.orphanedFrames()
                + " obligation(s)) and " + m.orphanedRaw() + " raw reference(s): what was live when the process died");
        out.println("  the leak detector journaled " + audit.leakedHandleCount()
                + " dropped handle(s) (LEAKED_HANDLE) before the kill");
        out.println("  recovery replayed the journal, brought " + recovery.slotsRedone() + " slot(s) forward and found "
                + (recovery.slotsAhead() + recovery.slotsDisagreed()) + " damaged; every call was wholly in the journal"
                + " or wholly absent (one record per call)");
        out.println();
        out.println("Recovery:");
        new TextRenderer(out).recovery(recovery);
        out.println();
        out.println("Audit:");
        new TextRenderer(out, DEMO_ROWS).audit(audit);
        out.println("  (tables show " + DEMO_ROWS + " rows each; `framejournal audit` lists them all)");
        out.println();
        out.println("The region is kept at " + region);
        out.println("Look deeper:");
        String paddr = examplePaddr(audit);
        out.println(
                "  bin/framejournal history " + region + " --paddr " + paddr + "    # every event on one leaked frame");
        out.println("  bin/framejournal audit " + region + " --json     # the findings as JSON");
        out.println("  bin/framejournal stats " + region);
        out.println("  bin/framejournal recover " + region + " --reclaim   # release what the dead process held");
    }

    private static String examplePaddr(AuditReport audit) {
        if (!audit.leaks().isEmpty()) {
            return Fmt.paddr(audit.leaks().get(0).slots().get(0));
        }
        if (!audit.rawLeaks().isEmpty()) {
            return Fmt.paddr(audit.rawLeaks().get(0).slot());
        }
        return "0x0";
    }

    private static String json(
            Path region,
            long events,
            RecoveryReport recovery,
            AuditReport audit,
            List<InjectedLeak> injected,
            Matches m) {
        JsonWriter w = new JsonWriter(true);
        w.beginObject()
                .field("command", "demo")
                .field("schema", JsonRenderer.SCHEMA)
                .field("region", region.toString())
                .field("eventsBeforeKill", events);
        w.name("injected").beginArray();
        for (InjectedLeak l : injected) {
            w.beginObject()
                    .field("kind", l.kind())
                    .field("type", l.type())
                    .int64("handle", l.handle())
                    .field("start", Fmt.hex(l.start()))
                    .field("pages", l.pages())
                    .endObject();
        }
        w.endArray();
        w.field("injectedHandlesFound", m.injectedHandlesFound())
                .field("injectedRawFound", m.injectedRawFound())
                .field("orphanedHandles", m.orphaned().size())
                .field("orphanedObligations", m.orphanedFrames())
                .field("orphanedRaw", m.orphanedRaw())
                .field("slotsRedone", recovery.slotsRedone())
                .field("leakedHandleEvents", audit.leakedHandleCount())
                .field("auditFindings", audit.findings());
        w.name("orphaned").beginArray();
        for (AuditReport.LeakGroup g : m.orphaned()) {
            w.beginObject()
                    .int64("handle", g.handle())
                    .field("handleText", Fmt.handle(g.handle()))
                    .field("op", OpCode.nameOf(g.op()))
                    .field("frames", g.total())
                    .endObject();
        }
        w.endArray();
        w.name("recovery");
        JsonRenderer.recovery(w, recovery);
        w.name("audit");
        JsonRenderer.audit(w, audit);
        return w.endObject().take();
    }
}
