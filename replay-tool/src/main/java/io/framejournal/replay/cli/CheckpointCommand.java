package io.framejournal.replay.cli;

import io.framejournal.journal.Checkpointer;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.RecordFormat;
import io.framejournal.journal.RegionException;
import io.framejournal.replay.analysis.Fmt;
import io.framejournal.replay.analysis.RegionInput;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code framejournal checkpoint DIR [--follow] [--every TIME|N] [--keep K]}. */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        header = "Take a checkpoint of a region (once, or as its writer goes on with --follow).",
        description = "Replay the journal from the newest usable checkpoint to its end and write a checkpoint"
                + " there (checkpoints/<index>.fjcp), so that recover, audit, state and stats start from it."
                + " Reads the journal like any reader: a writer may be running and is never slowed or locked."
                + " With --follow it keeps tailing and writes one every --every until the writer closes the region"
                + " or Ctrl-C. Keeps the newest --keep checkpoint files.")
final class CheckpointCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            converter = Converters.Dir.class,
            description = "The region directory.")
    Path dir;

    @Option(names = "--follow", description = "Keep tailing the journal and checkpointing until the writer closes.")
    boolean follow;

    @Option(
            names = "--every",
            paramLabel = "TIME|N",
            defaultValue = "30s",
            description = "With --follow: a time (30s, 5m) or a number of records. Default: ${DEFAULT-VALUE}.")
    String every;

    @Option(
            names = "--keep",
            paramLabel = "K",
            converter = Converters.IntCount.class,
            defaultValue = "" + Checkpointer.Policy.DEFAULT_KEEP,
            description = "Checkpoint files kept (older ones are deleted). Default: ${DEFAULT-VALUE}.")
    int keep;

    @Override
    public Integer call() {
        Checkpointer.Policy policy = Converters.checkpointPolicy("--every", every, "--keep", keep);
        if (!follow && given("--every")) {
            throw new IllegalArgumentException(
                    "--every needs --follow: without it one checkpoint is taken, at the journal's end");
        }
        RegionInput region = RegionInput.open(dir);
        if (region.archive()) {
            throw io.framejournal.journal.Retention.notARegion(dir);
        }
        if (region.config().formatVersion() != RecordFormat.VERSION) {
            throw new RegionException(dir + " is a format-" + region.config().formatVersion()
                    + " region; checkpoints are taken of format-" + RecordFormat.VERSION + " journals only");
        }
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            LockSupport.unpark(main);
        });
        if (follow) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try (Checkpointer c = Checkpointer.open(region.layout(), region.nrSlots(), policy)) {
            for (String w : c.warnings()) {
                root.err.println("framejournal: warning: " + w);
            }
            long from = c.lastCheckpointIndex();
            c.catchUpFully();
            write(c, from);
            while (follow && !interrupted.get() && c.problem() == null) {
                long before = c.lastCheckpointIndex();
                boolean idle = c.catchUp() == 0;
                // closed: a REGION_CLOSE read, or, caught up, a region its status calls clean at the last record
                // read (closed before this follow began, or recovered: no REGION_CLOSE comes then)
                boolean closed =
                        c.writerClosed() || (idle && region.closedAt(c.replay().lastRecord()));
                if (c.due() || (closed && c.replay().lastRecord() != before)) {
                    c.catchUpFully();
                    write(c, before);
                }
                if (closed) {
                    break;
                }
                if (idle) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            if (c.problem() != null) {
                root.err.println("framejournal: " + c.problem());
                return FrameJournalCli.BAD_INPUT;
            }
        } finally {
            if (follow && !interrupted.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting already
                }
            }
        }
        return FrameJournalCli.OK;
    }

    private void write(Checkpointer c, long previous) {
        Path file = c.checkpointNow();
        if (json) {
            out().println(new io.framejournal.replay.render.JsonWriter(false)
                    .beginObject()
                    .field("command", "checkpoint")
                    .field("schema", io.framejournal.replay.render.JsonRenderer.SCHEMA)
                    .field("dir", dir.toString())
                    .field("file", file == null ? null : dir.relativize(file).toString())
                    .field("index", JournalIndex.format(c.lastCheckpointIndex()))
                    .field("records", c.replay().counter(io.framejournal.journal.LedgerReplay.Counter.RECORDS))
                    .endObject()
                    .take());
        } else if (file == null) {
            out().println("checkpoint " + dir + ": nothing new since the checkpoint at "
                    + JournalIndex.format(previous));
        } else {
            out().println("checkpoint " + dir + ": wrote " + dir.relativize(file) + " at index "
                    + JournalIndex.format(c.lastCheckpointIndex()) + " ("
                    + Fmt.count(c.replay().counter(io.framejournal.journal.LedgerReplay.Counter.RECORDS))
                    + " records replayed in all)");
        }
        out().flush();
    }
}
