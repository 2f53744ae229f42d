package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.framejournal.replay.Support.Result;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI's rules for what users type, in-process: every subcommand's {@code --version}, counts of 1 or more,
 * indices of 0 or more, directory names, values echoed as given, warnings that exit 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliValidationTest {
    Path tmp;
    Path sample;
    Path file;

    @BeforeAll
    void paths(@TempDir Path dir) throws IOException {
        tmp = dir;
        sample = Support.root().resolve("data/sample");
        file = Files.writeString(tmp.resolve("file"), "a file, not a directory\n");
    }

    private static void oneLineError(Result r, String expected) {
        assertThat(r.exit()).as("stdout %s%nstderr %s", r.out(), r.err()).isEqualTo(2);
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("framejournal: ")
                .contains(expected)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"audit", "stats", "history", "dump", "demo", "simulate", "generate-completion"})
    void everySubcommandPrintsTheRootsVersion(String sub) {
        String version = Support.cli("--version").out();
        assertThat(version).startsWith("framejournal ").contains("journal format");
        for (String flag : List.of("-V", "--version")) {
            Result r = Support.cli(sub, flag);
            assertThat(r.exit()).as(sub + " " + flag).isZero();
            assertThat(r.out()).as(sub + " " + flag).isEqualTo(version);
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void historyWithItsArgumentsPrintsTheVersionToo() {
        Result r = Support.cli("history", sample.toString(), "--frame", "1", "-V");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(Support.cli("--version").out());
    }

    @Test
    void countsBelowOneAreBadUsage() {
        String s = sample.toString();
        String none = tmp.resolve("none").toString();
        for (String[] args : new String[][] {
            {"audit", s, "--limit", "0"},
            {"audit", s, "--limit", "-3"},
            {"diff", s, "--limit", "0"},
            {"diff", s, "--limit", "-5"},
            {"dump", s, "--limit", "0"},
            {"history", s, "--frame", "1", "--limit", "0"},
            {"sql", s, "SELECT 1", "--max-rows", "-1"},
            {"checkpoint", none, "--keep", "0"},
            {"retain", none, "--keep-checkpoints", "0"},
            {"simulate", "--dir", none, "--threads", "0"},
            {"simulate", "--dir", none, "--ops", "-1"},
            {"simulate", "--dir", none, "--checkpoint-every", "1s", "--keep-checkpoints", "0"},
            {"simulate", "--dir", none, "--checkpoint-every", "1s", "--retain", "0"},
            {"demo", "--events", "0"},
            {"demo", "--events", "-1"},
        }) {
            Result r = Support.cli(args);
            String value = args[args.length - 1];
            oneLineError(r, "'" + args[args.length - 2] + "': '" + value + "' is not a count (a whole number, ");
        }
        assertThat(Support.cli("checkpoint", none, "--keep", "0").err())
                .as("the option named is the one given")
                .contains("'--keep'")
                .doesNotContain("--keep-checkpoints");
        assertThat(Files.exists(tmp.resolve("none"))).isFalse();
    }

    @Test
    void zeroOperationsCreateTheRegionAndCloseIt() {
        Path region = tmp.resolve("zero-ops");
        Result r = Support.cli("simulate", "--dir", region.toString(), "--max-paddr", "0x400000", "--ops", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("0 ops");
        assertThat(Support.cli("stats", region.toString()).exit()).isZero();
    }

    @Test
    void negativeIndicesAreBadUsage() {
        String s = sample.toString();
        String[][] journalIndices = {
            {"dump", s, "--from", "-5"},
            {"dump", s, "--to", "-1"},
            {"dump", s, "--to", "0x8000000000000000"},
            {"dump", s, "--since", "-1"},
            {"audit", s, "--until", "-1"},
            {"audit", s, "--at", "-1"},
            {"state", s, "--at", "-1"},
            {"diff", s, "--from", "-1"},
            {"diff", s, "--to", "-2"},
            {"report", s, "--at", "-1", "-o", tmp.resolve("r.html").toString()},
            {"export", s, "--at", "-1", "--to", tmp.resolve("e").toString()},
        };
        for (String[] args : journalIndices) {
            Result r = Support.cli(args);
            oneLineError(r, "'" + args[3] + "' is not a journal index (those are 0 to 0x7fffffffffffffff)");
            assertThat(r.err()).as("names the option given").contains(args[2]);
        }
        oneLineError(Support.cli("state", s, "--frame", "-1"), "'-1' is out of range (0..9223372036854775807)");
        oneLineError(Support.cli("state", s, "--paddr", "-4096"), "'-4096' is out of range (0..9223372036854775807)");
        oneLineError(Support.cli("dump", s, "--frame", "-1"), "--frame '-1' is out of range (0..9223372036854775807)");
        assertThat(Files.exists(tmp.resolve("r.html"))).isFalse();
        assertThat(Files.exists(tmp.resolve("e"))).isFalse();
    }

    @Test
    void anEmptyDirectoryNameIsBadUsage() {
        String s = sample.toString();
        for (String[] args : new String[][] {
            {"simulate", "--dir", ""},
            {"simulate", "--dir", " "},
            {"audit", ""},
            {"stats", ""},
            {"demo", "--dir", ""},
            {"retain", s, "--archive", ""},
            {"export", s, "--to", ""},
            {"diff", s, ""},
        }) {
            oneLineError(Support.cli(args), "an empty name is no directory; give a directory's path");
        }
    }

    @Test
    void aDirectoryUnderAFileIsBadUsage() {
        String under = file.resolve("x").toString();
        for (String[] args : new String[][] {
            {"simulate", "--dir", under},
            {"retain", sample.toString(), "--archive", under},
            {"audit", under},
        }) {
            oneLineError(Support.cli(args), "cannot be a directory: " + file + " is a file");
        }
        oneLineError(
                Support.cli("retain", sample.toString(), "--archive", file.toString()),
                "--archive " + file + " is a file; give a directory");
    }

    @Test
    void valuesAreEchoedAsGiven() {
        String dir = tmp.resolve("echo").toString();
        oneLineError(
                Support.cli("simulate", "--dir", dir, "--max-paddr", "0x1001"),
                "--max-paddr 0x1001 is not a positive multiple of the page size (4096, 0x1000)");
        oneLineError(
                Support.cli("simulate", "--dir", dir, "--max-paddr", "0"), "--max-paddr 0 is not a positive multiple");
        oneLineError(Support.cli("simulate", "--dir", dir, "--duration", "0s"), "'0s' is not a positive duration");
        oneLineError(
                Support.cli("simulate", "--dir", dir, "--redo-point-every", "-1s"), "'-1s' is not a positive duration");
        assertThat(Files.exists(tmp.resolve("echo"))).isFalse();
    }

    @Test
    void aTimeBoundOutsideTheJournalSaysSo() {
        Result before = Support.cli("audit", sample.toString(), "--until", "2020-01-01T00:00:00Z");
        assertThat(before.out())
                .contains("filter:        until 2020-01-01T00:00:00.000000000Z (before the first event)")
                .doesNotContain("0x0 (")
                .doesNotContain("since none");
        Result after = Support.cli("audit", sample.toString(), "--since", "2030-01-01T00:00:00Z");
        assertThat(after.out())
                .contains("filter:        since 2030-01-01T00:00:00.000000000Z (after the last event)")
                .doesNotContain("since none");
        Result inside = Support.cli("audit", sample.toString(), "--since", "2020-01-01T00:00:00Z");
        assertThat(inside.out())
                .containsPattern(
                        "since 2020-01-01T00:00:00.000000000Z \\(the first event at or after it: 0x[0-9a-f]+\\)");
    }

    /**
     * A range that holds none of the journal (dump printed nothing and exited 0 without a word, 2026-11-28) is an
     * empty answer, exit 0, said in one note on stderr by every command that takes a range.
     */
    @Test
    void aRangeThatHoldsNothingOfTheJournalIsSaidInOneNote() {
        String s = sample.toString();
        String span = "(the journal holds 0x512f00000000 .. 0x512f0000074c): the range holds no event";
        Map<List<String>, String> cases = Map.of(
                List.of("dump", s, "--to", "0x1"),
                "--to 0x1 is before the journal's first record " + span,
                List.of("dump", s, "--from", "0x512f00000800"),
                "--from 0x512f00000800 is after the journal's last record " + span,
                List.of("dump", s, "--json", "--since", "0x512f00000800"),
                "--since 0x512f00000800 is after the journal's last record " + span,
                List.of("dump", s, "--until", "2020-01-01T00:00:00Z"),
                "--until 2020-01-01T00:00:00.000000000Z is before the journal's first event " + span,
                List.of("dump", s, "--from", "0x512f00000700", "--until", "2026-11-26T19:16:25.5Z"),
                "--from 0x512f00000700 is after --until 2026-11-26T19:16:25.500000000Z (0x512f00000059): no record"
                        + " lies between them: the range holds no event",
                List.of("dump", s, "--op", "LIST_PUSH", "--kind", "MINT"),
                "no event passes the filters given",
                List.of("history", s, "--frame", "21", "--since", "0x512f00000800"),
                "--since 0x512f00000800 is after the journal's last record " + span,
                List.of("history", s, "--frame", "21", "--until", "2020-01-01T00:00:00Z"),
                "--until 2020-01-01T00:00:00.000000000Z is before the journal's first event " + span,
                List.of("audit", s, "--until", "0x1"),
                "--until 0x1 is before the journal's first record " + span);
        cases.forEach((args, note) -> {
            Result r = Support.cli(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.errLines()).as("%s", args).containsExactly("framejournal: note: " + note);
        });
        // a range inside the journal that shows something, or a report that lists something, has no note
        Result inside = Support.cli("dump", s, "--from", "0x512f0000074c");
        assertThat(inside.out()).contains("REGION_CLOSE");
        assertThat(inside.err()).isEmpty();
        assertThat(Support.cli("audit", s, "--until", "0x512f0000074c").err()).isEmpty();
    }

    /** Bounds of one kind the wrong way round are bad usage, in one line that says what to give, for every command. */
    @Test
    void aRangeWhoseStartIsAfterItsEndIsBadUsage() {
        String s = sample.toString();
        String[][] reversed = {
            {"dump", s, "--from", "0x512f00000010", "--to", "0x512f00000005"},
            {"dump", s, "--from", "0x512f00000010", "--until", "0x512f00000005"},
            {"dump", s, "--since", "0x512f00000010", "--to", "0x512f00000005"},
            {"history", s, "--frame", "21", "--since", "0x512f00000010", "--until", "0x512f00000005"},
            {"audit", s, "--since", "0x512f00000010", "--until", "0x512f00000005"},
        };
        for (String[] args : reversed) {
            Result r = Support.cli(args);
            oneLineError(
                    r,
                    args[args.length - 4] + " 0x512f00000010 is after " + args[args.length - 2]
                            + " 0x512f00000005: the range holds nothing; give a start at or before the end");
            assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void aFollowEndedByToSaysTo() {
        Result r = Support.cli("dump", sample.toString(), "--follow", "--to", "0x512f00000400");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("framejournal: followed to --to 0x512f00000400:");
    }

    @Test
    void aFullTestRollCycleIsOnePlainLineWithAdviceForTheCli() {
        Path region = tmp.resolve("cap");
        Result r = Support.cli(
                "simulate",
                "--dir",
                region.toString(),
                "--max-paddr",
                "0x400000",
                "--roll-cycle",
                "test-1s",
                "--ops",
                "400000");
        oneLineError(r, "simulate stopped: the journal's roll cycle is full (4,096 records in one 1 s cycle");
        assertThat(r.err())
                .contains("run `framejournal recover " + region + "`")
                .doesNotContain("close it")
                .doesNotContain("java.lang")
                .doesNotContain("RegionException");
        // the advice works once the full cycle is over (recover journals its own record in the next one)
        long nextSecond = (System.currentTimeMillis() / 1000 + 1) * 1000;
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() >= nextSecond);
        Result recover = Support.cli("recover", region.toString());
        assertThat(recover.exit()).as(recover.err()).isZero();
    }

    @Test
    void aDamagedCheckpointIsAWarningAndExitTwoForEveryReader() throws IOException {
        Path region = tmp.resolve("checkpointed");
        Result sim = Support.cli(
                "simulate", "--dir", region.toString(), "--max-paddr", "0x400000", "--ops", "1500", "--seed", "5");
        assertThat(sim.exit()).as(sim.err()).isZero();
        Result cp = Support.cli("checkpoint", region.toString());
        assertThat(cp.exit()).as(cp.err()).isZero();
        Path checkpoint;
        try (Stream<Path> s = Files.list(region.resolve("checkpoints"))) {
            checkpoint = s.filter(p -> p.toString().endsWith(".fjcp"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
        String at = "0x" + checkpoint.getFileName().toString().replace(".fjcp", "");
        assertThat(Support.cli("stats", region.toString()).exit()).as("intact").isZero();
        assertThat(Support.cli("state", region.toString(), "--at", at).exit())
                .as("intact")
                .isZero();

        try (RandomAccessFile f = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            long middle = f.length() / 2;
            f.seek(middle);
            int b = f.read();
            f.seek(middle);
            f.write(b ^ 0xff);
        }
        Map<String, String> before = Support.checksums(region);
        for (String[] args : new String[][] {
            {"stats", region.toString()},
            {"state", region.toString()},
            {"state", region.toString(), "--at", at},
            {"audit", region.toString(), "--since-checkpoint"},
        }) {
            Result r = Support.cli(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.out()).as("the report is still printed").isNotBlank();
            assertThat(r.errLines().stream().filter(l -> !l.startsWith("framejournal: note: ")))
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .startsWith("framejournal: warning: checkpoint " + checkpoint.getFileName())
                    .contains("an older checkpoint (or the journal's start) was used instead");
        }
        assertThat(Support.checksums(region))
                .as("read-only commands change nothing")
                .isEqualTo(before);
    }

    @Test
    void demoNeedsANewOrEmptyDirectoryAndWritesNothingElse() throws IOException {
        oneLineError(Support.cli("demo", "--dir", file.toString()), "--dir " + file + " is not a directory");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine\n");
        oneLineError(Support.cli("demo", "--dir", full.toString()), "--dir " + full + " is not empty");
        try (Stream<Path> s = Files.list(full)) {
            assertThat(s.toList()).containsExactly(full.resolve("notes.txt"));
        }
        assertThat(Files.readString(file)).isEqualTo("a file, not a directory\n");
    }

    @Test
    void optionsThatOnlyMeanSomethingWithAnotherAreRefusedWithoutIt() {
        String none = tmp.resolve("needs").toString();
        oneLineError(Support.cli("checkpoint", none, "--every", "5s"), "--every needs --follow");
        oneLineError(
                Support.cli("simulate", "--dir", none, "--keep-checkpoints", "2"),
                "--keep-checkpoints needs --checkpoint-every");
        oneLineError(
                Support.cli(
                        "simulate",
                        "--dir",
                        none,
                        "--checkpoint-every",
                        "1s",
                        "--retain",
                        "2",
                        "--keep-checkpoints",
                        "2"),
                "give --retain or --keep-checkpoints, not both");
        assertThat(Files.exists(tmp.resolve("needs"))).as("nothing was created").isFalse();
    }

    @Test
    void aDirectoryNameWithALeadingDashWhereTheDirectoryIsMissingIsToldHowToGiveIt() {
        // picocli reads -nodir as an option, sets it aside as none of the command's, and reported only the DIR it
        // then lacked: "Missing required parameter: 'DIR'", which says nothing of the dash nor what to write
        String s = sample.toString();
        for (String[] args : new String[][] {
            {"audit", "-nodir"},
            {"stats", "-nodir"},
            {"state", "-nodir"},
            {"history", "-nodir", "--frame", "1"},
            {"dump", "-nodir"},
            {"diff", "-nodir"},
            {"report", "-nodir", "-o", tmp.resolve("r.html").toString()},
            {"export", "-nodir", "--to", tmp.resolve("e").toString()},
            {"sql", "-nodir", "SELECT 1"},
            {"recover", "-nodir"},
            {"checkpoint", "-nodir"},
            {"retain", "-nodir"},
        }) {
            oneLineError(
                    Support.cli(args),
                    "Unknown option: '-nodir' (a directory whose name starts with '-' is given as ./-nodir, or"
                            + " after --) (see `framejournal " + args[0] + " --help`)");
        }
        // beside a directory given, an unknown option is a typo, and said as one
        Result typo = Support.cli("audit", s, "--bogus");
        oneLineError(typo, "Unknown option: '--bogus' (see `framejournal audit --help`)");
        assertThat(Files.exists(tmp.resolve("r.html"))).isFalse();
        assertThat(Files.exists(tmp.resolve("e"))).isFalse();
    }

    @Test
    void generateCompletionRefusesWordsItDoesNotTake() {
        Result script = Support.cli("generate-completion");
        assertThat(script.exit()).isZero();
        assertThat(script.out()).startsWith("#!/usr/bin/env bash");
        for (String[] args : new String[][] {{"generate-completion", "--json"}, {"generate-completion", "zsh"}}) {
            Result r = Support.cli(args);
            oneLineError(r, args[1]);
            assertThat(r.out())
                    .as("no script for a command line it did not take")
                    .isEmpty();
        }
    }

    @Test
    void aHandleThatIsNoHandleIsNamedWholeWithBothFormsItTakes() {
        for (String h : List.of("1:x", "x", "1-57")) {
            oneLineError(
                    Support.cli("dump", sample.toString(), "--handle", h),
                    "--handle '" + h + "' is not a handle: give it as printed, session:counter (e.g. 1:57), or its id");
        }
    }

    /**
     * {@code checkpoint --follow} and {@code dump --follow} end, once caught up, at a region that was closed or recovered
     * before they began: no REGION_CLOSE follows a checkpoint taken at the close, nor a recovery. They waited forever.
     */
    @Test
    void aFollowEndsAtARegionClosedOrRecoveredBeforeIt() throws Exception {
        Path region = tmp.resolve("closed-before");
        assertThat(Support.cli("simulate", "--dir", region.toString(), "--max-paddr", "0x400000", "--ops", "50")
                        .exit())
                .isZero();
        assertThat(Support.cli("checkpoint", region.toString()).exit()).isZero(); // at the REGION_CLOSE
        Result closed = followed("checkpoint", region.toString(), "--follow");
        assertThat(closed.exit()).as(closed.err()).isZero();
        assertThat(closed.out()).contains("nothing new since the checkpoint");

        io.framejournal.journal.testsupport.DeadWriter.markOpen(region); // a writer died
        assertThat(Support.cli("recover", region.toString()).exit()).isZero();
        Result checkpoint = followed("checkpoint", region.toString(), "--follow");
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        assertThat(checkpoint.out()).contains("wrote checkpoints/");
        Result dump = followed("dump", region.toString(), "--follow", "--kind", "RECOVERY");
        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(dump.out()).contains("finished");
        assertThat(dump.errLines())
                .singleElement()
                .asString()
                .startsWith("framejournal: followed to the writer's close");
    }

    /** Runs a following command line on another thread and waits for it to end by itself. */
    private static Result followed(String... args) throws Exception {
        java.util.concurrent.CompletableFuture<Result> run =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> Support.cli(args));
        await("`" + String.join(" ", args) + "` ends by itself")
                .atMost(Duration.ofMinutes(2))
                .until(run::isDone);
        return run.get();
    }
}
