package io.framejournal.replay.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A directory whose name starts with {@code -} given where a command takes one ({@code audit -dash}). picocli reads
 * such a word as an option; being none of the command's, it is set aside, and the error picocli then reports is the
 * missing {@code DIR} ({@code Missing required parameter: 'DIR'}), or {@code Unknown option: '-dash'} when a
 * directory was given besides. Neither says what to do; this says it in the same one line: {@code ./-dash}, or
 * {@code --} before it. The word is taken for a directory when a file of that name exists, or when the command's
 * directory is missing; an unknown option beside a directory given is left a typo ({@code audit r --bogus}). Only for the commands that take a directory as a parameter (every one that reads or writes a
 * region but {@code simulate} and {@code demo}, whose {@code --dir} takes such a name as it is).
 */
final class LeadingDash {
    private LeadingDash() {}

    /**
     * The one-line message for {@code ex}, or {@code null} when it is not about a word with a leading dash that could
     * be a directory.
     *
     * @param ex   what picocli refused
     * @param args the command line as given
     */
    static String message(CommandLine.ParameterException ex, String[] args) {
        if (!(ex instanceof CommandLine.MissingParameterException
                || ex instanceof CommandLine.UnmatchedArgumentException)) {
            return null;
        }
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        if (!takesADirectory(spec)) {
            return null;
        }
        String word = existingDashWord(spec, args);
        if (word != null) {
            return word + " reads as an option, not as the directory of that name: write ./" + word
                    + ", or put -- before it";
        }
        if (!(ex instanceof CommandLine.MissingParameterException)) {
            return null; // a directory was given, and no file has the unknown option's name: a typo, said as such
        }
        for (String u : ex.getCommandLine().getUnmatchedArguments()) {
            if (dashWord(u)) {
                return "Unknown option: '" + u + "' (a directory whose name starts with '-' is given as ./" + u
                        + ", or after --)";
            }
        }
        return null;
    }

    /** Whether one of the command's parameters is a path (a region, or {@code diff}'s second one). */
    private static boolean takesADirectory(CommandSpec spec) {
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.type() == Path.class) {
                return true;
            }
        }
        return false;
    }

    /**
     * A word of the command line, before any {@code --}, that starts with {@code -}, is not one of the command's
     * options, and names a file or directory that exists: what the user meant as a path. It may also have been taken
     * apart as options clustered with a value ({@code report -odir} is {@code -o dir}), so it is looked for in the
     * whole command line, not only in what picocli set aside.
     */
    private static String existingDashWord(CommandSpec spec, String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return null;
            }
            if (dashWord(a) && !isOption(spec, a) && exists(a)) {
                return a;
            }
        }
        return null;
    }

    private static boolean dashWord(String a) {
        return a.length() > 1 && a.charAt(0) == '-' && !a.equals("--");
    }

    private static boolean isOption(CommandSpec spec, String a) {
        int eq = a.indexOf('=');
        ArgSpec option = spec.findOption(eq > 0 ? a.substring(0, eq) : a);
        return option != null;
    }

    private static boolean exists(String a) {
        try {
            return Files.exists(Path.of(a));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
