package io.framejournal.replay.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run for {@code bin/framejournal}'s class-data-sharing archive: the read-only commands users run most,
 * on a region (the shipped {@code data/sample}), in one JVM, their output discarded, so that the archive written at
 * its exit ({@code -XX:ArchiveClassesAtExit}) holds the classes of all of them. An archive made from whatever command
 * ran first held only that command's classes: a {@code history} of a frame with call sites, say, then loaded the
 * site table's classes from the jar and verified them (about 7 ms of a 100 M-event journal's 16 ms history).
 *
 * <p>Read-only commands only: the region is never changed. Not a subcommand (nothing for users to call); its exit
 * code is 0 whatever the commands found.
 */
public final class CdsTraining {
    private CdsTraining() {}

    /** {@code CdsTraining REGION}: runs the training command lines on {@code REGION}. */
    public static void main(String[] args) {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: CdsTraining REGION_DIR");
            System.exit(FrameJournalCli.BAD_INPUT);
        }
        String region = args[0];
        PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        for (String[] line : new String[][] {
            {"history", region, "--paddr", "0x33000"},
            {"history", region, "--frame", "0..63"},
            {"history", region, "--paddr", "0x33000", "--json"},
            {"stats", region},
            {"state", region},
            {"audit", region},
            {"dump", region, "--frame", "51"},
        }) {
            FrameJournalCli.run(line, none, none);
        }
        System.exit(FrameJournalCli.OK);
    }
}
