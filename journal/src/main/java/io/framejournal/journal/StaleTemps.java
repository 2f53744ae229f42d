package io.framejournal.journal;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files and directories that a killed process left behind, each named with the process id that made it
 * ({@code .x.fjcp.tmp-PID}, {@code .region.creating-PID}): the next process that makes such a thing removes those
 * whose process is gone. One whose pid is alive (its maker still working, or an unrelated process given the pid) is
 * left alone. Best effort: what cannot be removed stays, and nothing here throws.
 */
public final class StaleTemps {
    private StaleTemps() {}

    /**
     * Deletes, recursively, every entry of {@code dir} whose name matches {@code name} (its group 1 the pid) and whose
     * process is gone.
     *
     * @return how many were deleted
     */
    public static int deleteOfDeadProcesses(Path dir, Pattern name) {
        int deleted = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches() && gone(m.group(1)) && Trees.deleteQuietly(p)) {
                    deleted++;
                }
            }
        } catch (IOException | DirectoryIteratorException | SecurityException e) {
            // best effort: a listing that fails leaves the leftovers for the next time
        }
        return deleted;
    }

    /**
     * A new directory in {@code java.io.tmpdir} named {@code prefix-PID-…}, made after deleting the ones of the same
     * prefix whose process is gone: a command killed while it used one (a slot table's probe, a journal's padded copy,
     * an archive expanded, a database's spill) left it there for good, up to the size of what it copied. For temporary
     * directories the process deletes itself when done, never for one kept for the user.
     */
    public static Path createTempDirectory(String prefix) throws IOException {
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null) {
            deleteOfDeadProcesses(Path.of(tmp), Pattern.compile("^" + Pattern.quote(prefix + "-") + "(\\d+)-.*$"));
        }
        return Files.createTempDirectory(prefix + "-" + ProcessHandle.current().pid() + "-");
    }

    private static boolean gone(String pidText) {
        long pid;
        try {
            pid = Long.parseLong(pidText);
        } catch (NumberFormatException e) {
            return false;
        }
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
}
