package io.framejournal.replay.cli;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.RegionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code framejournal}: simulate, recover, audit and explore FrameJournal regions. Exit codes: 0 clean, 1 findings,
 * 2 bad usage or unreadable input. Every error is one line on stderr ({@code framejournal: <message>}); set
 * {@code -Dframejournal.debug=true} to also get the stack trace of an unexpected one.
 */
@Command(
        name = "framejournal",
        mixinStandardHelpOptions = true,
        versionProvider = FrameJournalCli.Version.class,
        description =
                "Simulate, recover, audit and explore FrameJournal regions (persistent OSTD frame-state journals).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            SimulateCommand.class,
            RecoverCommand.class,
            CheckpointCommand.class,
            RetainCommand.class,
            AuditCommand.class,
            HistoryCommand.class,
            StateCommand.class,
            DumpCommand.class,
            DiffCommand.class,
            StatsCommand.class,
            ReportCommand.class,
            ExportCommand.class,
            SqlCommand.class,
            DemoCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        footer = {
            "",
            "Exit codes: 0 clean, 1 findings, 2 bad usage or unreadable input.",
            "Run `framejournal demo` for a guided crash, recovery and audit."
        })
public final class FrameJournalCli implements java.util.concurrent.Callable<Integer> {
    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int BAD_INPUT = 2;

    static {
        // Chronicle Map's recovery of a crashed writer's slot table (recover, demo) logs what it repairs ("lock of
        // segment 3 is not clear") at ERROR; the CLI reports what recovery did itself, and a table it cannot read is
        // an exception, reported in one line: Chronicle's own log lines would only be noise with class names in them.
        // More generally, nothing Chronicle logs reaches the terminal (a queue file retired under a reader, a damaged
        // file): what matters is reported by the command itself, in one line. -Dframejournal.debug=true keeps its log.
        if (Boolean.getBoolean("framejournal.debug")) {
            Chronicle.quiet();
        } else {
            Chronicle.silent();
        }
    }

    final PrintStream out;
    final PrintStream err;

    FrameJournalCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Chronicle's direct prints to System.err (beyond its loggers, which Chronicle.silent() turns off) go nowhere;
        // -Dframejournal.debug=true keeps them
        java.io.PrintStream err = Boolean.getBoolean("framejournal.debug")
                ? System.err
                : io.framejournal.replay.analysis.Terminal.detachStderr();
        // not System.out, which swallows a write error: a full disk or a closed pipe must be told apart from success
        PrintStream out = StandardOutput.open();
        int code = run(args, out, err);
        System.exit(StandardOutput.checked(code, out, err));
    }

    /** Runs one command line in this JVM, writing to the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        FrameJournalCli root = new FrameJournalCli(out, err);
        CommandLine cl = oneSubcommand(root, args);
        if (cl == null) {
            cl = new CommandLine(root);
        }
        versionEverywhere(cl, new Version());
        CommandLine completion = cl.getSubcommands().get("generate-completion");
        if (completion != null) {
            // picocli marks its completion command a help command, whose parse stops at its name: every word after
            // it (`--json`, a typo) was ignored and the script printed all the same
            completion.getCommandSpec().helpCommand(false);
        }
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(helpAnsi()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.nio.file.Path.class, FrameJournalCli::path);
        cl.setParameterExceptionHandler((ex, a) -> {
            String sub = ex.getCommandLine().getCommandName();
            String dash = LeadingDash.message(ex, a);
            err.println("framejournal: " + (dash != null ? dash : firstLine(ex.getMessage())) + " (see `"
                    + (sub.equals("framejournal") ? "framejournal" : "framejournal " + sub) + " --help`)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("framejournal: " + describe(ex, c.getCommandName()));
            if (Boolean.getBoolean("framejournal.debug")) {
                ex.printStackTrace(err);
            }
            return BAD_INPUT;
        });
        try {
            return cl.execute(args);
        } catch (RuntimeException | Error e) {
            OutOfMemoryError oom = outOfMemory(e);
            if (oom != null) { // the heap check foresees the replay's states; this is anything else that grew
                err.println("framejournal: " + (args.length > 0 ? args[0] + " " : "") + HeapCheck.outOfMemory(oom));
                if (Boolean.getBoolean("framejournal.debug")) {
                    e.printStackTrace(err);
                }
                return BAD_INPUT;
            }
            String what = describe(e);
            // a SIGBUS on a mapped file is the disk's doing (full, or a file cut short), not ours
            err.println("framejournal: " + (what.equals(RegionException.PAGE_FAULT) ? "" : "internal error: ") + what);
            if (Boolean.getBoolean("framejournal.debug")) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        }
    }

    /**
     * {@code framejournal} with no command: bad usage. The usage goes to stderr, after one line saying what is
     * missing, and the exit is {@link #BAD_INPUT}; {@code --help} asks for it and gets it on stdout, exit 0.
     */
    @Override
    public Integer call() {
        err.println("framejournal: no command given; run one of the commands below");
        new CommandLine(this).usage(err, helpAnsi());
        return BAD_INPUT;
    }

    /**
     * Whether the help must be plain text even on a terminal: {@code TERM} unset, empty or {@code dumb} names no
     * terminal that understands escape codes (picocli's own check looks only at whether there is a console, so an
     * Emacs shell buffer or a CI log on a pseudo-terminal got {@code ESC[1m} and the like). {@code NO_COLOR} picocli
     * honours itself; {@code -Dpicocli.ansi=…} given by the user wins.
     */
    static boolean plainTerminal(String term, String picocliAnsi) {
        return picocliAnsi == null && (term == null || term.isBlank() || term.equals("dumb"));
    }

    /** The help's escape codes: none on a {@link #plainTerminal}, else picocli's choice (a console, no NO_COLOR). */
    private static CommandLine.Help.Ansi helpAnsi() {
        return plainTerminal(System.getenv("TERM"), System.getProperty("picocli.ansi"))
                ? CommandLine.Help.Ansi.OFF
                : CommandLine.Help.Ansi.AUTO;
    }

    /**
     * {@code history} run plainly (no help or version asked): its command line alone under an uninspected root, so that
     * picocli builds the model of one command rather than of every subcommand (most of a fresh JVM's time before the
     * frame's history: 0.1–0.2 s of annotation reflection). Parsing, errors and output are those of the full command
     * line; anything else gets the full command line.
     */
    private static CommandLine oneSubcommand(FrameJournalCli root, String[] args) {
        if (args.length == 0 || !args[0].equals("history")) {
            return null;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return null;
            }
        }
        CommandLine top = new CommandLine(
                CommandLine.Model.CommandSpec.wrapWithoutInspection(root).name("framejournal"));
        top.addSubcommand("history", new CommandLine(new HistoryCommand()));
        return top;
    }

    /**
     * Every subcommand's {@code -V}/{@code --version} (each one's help offers it) prints the root's version: picocli
     * gives a subcommand its own, empty, version unless it names a provider. Also on {@link #oneSubcommand}'s line.
     */
    private static void versionEverywhere(CommandLine cl, Version version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            versionEverywhere(sub, version);
        }
    }

    /** An {@link OutOfMemoryError} that is {@code e} or caused it, or {@code null}. */
    private static OutOfMemoryError outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** {@link #describe(Throwable)}, with an {@link OutOfMemoryError} told as such (what the heap was, how to grow it). */
    static String describe(Throwable ex, String command) {
        OutOfMemoryError oom = outOfMemory(ex);
        return oom != null ? command + " " + HeapCheck.outOfMemory(oom) : describe(ex);
    }

    /** One line for any failure: a {@link RegionException}'s message as it is, else the type and message. */
    static String describe(Throwable ex) {
        Throwable t = ex;
        while (!(t instanceof RegionException)
                && t.getCause() != null
                && (t.getMessage() == null || t instanceof java.io.UncheckedIOException)) {
            t = t.getCause();
        }
        if (t instanceof RegionException
                || t instanceof IllegalArgumentException
                || (t instanceof IllegalStateException && t.getMessage() != null)) {
            // messages written for the user ("region … is closed", "simulation worker 0 failed: journal append
            // failed (no space left …)"): no Java class name before them
            return firstLine(t.getMessage());
        }
        if (t instanceof IOException) {
            // a file system error names its path and says why ("/x: permission denied"), never the path alone
            return "I/O error: " + RegionException.oneLine(t);
        }
        return RegionException.oneLine(t);
    }

    /**
     * A path argument. One the JVM cannot encode back into file-name bytes (a non-ASCII name under the C or POSIX
     * locale, whose ASCII character set the JVM then uses for argv and file names) fails in one line that names the
     * cause, rather than picocli's "cannot convert … (java.nio.file.InvalidPathException …)".
     */
    static java.nio.file.Path path(String value) {
        try {
            return java.nio.file.Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            String charset = System.getProperty(
                    "sun.jnu.encoding",
                    java.nio.charset.Charset.defaultCharset().name());
            throw new CommandLine.TypeConversionException("'" + value + "' cannot be used as a file name under the"
                    + " current locale (character set " + charset + "): run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return RegionException.firstLine(s).strip();
    }

    /** The version, from the build ({@code version.properties}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = FrameJournalCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "framejournal " + p.getProperty("version", "(unknown version)")
                        + " (journal format " + io.framejournal.journal.RegionConfig.FORMAT_VERSION + ", reads format "
                        + io.framejournal.journal.RegionConfig.OLDEST_READABLE_FORMAT + " too; Java "
                        + System.getProperty("java.version") + ")"
            };
        }
    }
}
