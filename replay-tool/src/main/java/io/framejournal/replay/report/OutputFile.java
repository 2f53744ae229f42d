package io.framejournal.replay.report;

import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;

/**
 * One output file a user named ({@code report -o FILE}), checked before any work is done and written whole at the end:
 *
 * <ul>
 *   <li>{@code -} (or {@code /dev/stdout}): standard output, written through the command's own stream (which reports
 *       a failed write);
 *   <li>a symbolic link is followed (to its target, even one that does not exist yet);
 *   <li>a regular file, or nothing: written to a temporary file in the target's directory, then renamed over it
 *       (atomic: a reader sees the old file or the new one, never half of one; an existing file's permissions are
 *       kept);
 *   <li>a FIFO or a character device ({@code /dev/stdout}, {@code /dev/null}, a terminal): written straight into, never
 *       replaced;
 *   <li>a directory, a block device, a socket: refused, before anything is read.
 * </ul>
 *
 * Every failure is a {@link RegionException} naming the path the user gave and why ({@code permission denied},
 * {@code no space left on device}), never the temporary file.
 */
public final class OutputFile {
    /** Most links followed before giving up (Linux's own limit). */
    private static final int MAX_LINKS = 40;

    /** Standard output: {@code -}, and its device names (the summary must not be written into the report). */
    private static final java.util.Set<String> STDOUT_NAMES =
            java.util.Set.of("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1");

    private enum Kind {
        STDOUT,
        FILE,
        STREAM
    }

    private final Path given;
    private final Path target;
    private final Kind kind;
    private final PrintStream stdout;

    private OutputFile(Path given, Path target, Kind kind, PrintStream stdout) {
        this.given = given;
        this.target = target;
        this.kind = kind;
        this.stdout = stdout;
    }

    /**
     * Checks where {@code given} leads and whether it may be written.
     *
     * @param given  the path the user named; {@code -} is standard output
     * @param region the region being read: nothing inside it is written
     * @param what   what is written, for messages ("report")
     * @param stdout standard output, for {@code -}
     */
    public static OutputFile of(Path given, Path region, String what, PrintStream stdout) {
        if (STDOUT_NAMES.contains(given.toString())) {
            return new OutputFile(given, given, Kind.STDOUT, stdout);
        }
        if (RegionLayout.isInside(region, given)) {
            throw inside(given, region, what);
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(given, BasicFileAttributes.class); // through every link
        } catch (IOException absent) {
            // nothing there, or a link to nothing: a new file where the links lead (a missing directory: at write)
            Path target;
            try {
                target = follow(given);
            } catch (IOException e) {
                throw new RegionException("cannot write " + given + ": " + RegionException.reason(e, given));
            }
            if (RegionLayout.isInside(region, target)) {
                throw inside(given, region, what);
            }
            return new OutputFile(given, target, Kind.FILE, stdout);
        }
        if (a.isDirectory()) {
            throw new RegionException(
                    "output " + given + " is a directory: name the file to write the " + what + " to");
        }
        if (a.isRegularFile()) {
            Path target;
            try {
                target = given.toRealPath();
            } catch (IOException e) {
                throw new RegionException("cannot write " + given + ": " + RegionException.reason(e, given));
            }
            if (RegionLayout.isInside(region, target)) {
                throw inside(given, region, what);
            }
            if (!Files.isWritable(target)) {
                throw new RegionException("cannot write " + given + ": permission denied");
            }
            return new OutputFile(given, target, Kind.FILE, stdout);
        }
        // opened through the path as given: /dev/stdout's link leads to "pipe:[…]", which no path names
        String type = special(given);
        if (type.equals("FIFO") || type.equals("character device")) {
            return new OutputFile(given, given, Kind.STREAM, stdout);
        }
        throw new RegionException("output " + given + " is a " + type + ", not a file: name a regular file, a FIFO, a"
                + " character device such as /dev/stdout, or - for standard output");
    }

    private static RegionException inside(Path given, Path region, String what) {
        return new RegionException("output " + given + " is inside the region " + region
                + ": the region is read-only, write the " + what + " elsewhere");
    }

    /** Where the bytes go: the file written (the target of a link), or {@code -} for standard output. */
    public Path target() {
        return target;
    }

    /** Whether this is standard output ({@code -} or {@code /dev/stdout}). */
    public boolean isStdout() {
        return kind == Kind.STDOUT;
    }

    /** Writes {@code bytes} as the whole content. */
    public void write(byte[] bytes) {
        switch (kind) {
            case STDOUT -> {
                // a write that failed is the command's standard output's to report, as for every command's output
                // (the CLI's StandardOutput): a pipe whose reader has gone is no error, a full disk is one line
                stdout.write(bytes, 0, bytes.length);
                stdout.flush();
            }
            case STREAM -> inPlace(bytes);
            case FILE -> replace(bytes);
        }
    }

    private void replace(byte[] bytes) {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new RegionException("cannot write " + given + ": " + RegionException.oneLine(e));
        }
        Path tmp = parent.resolve(
                "." + target.getFileName() + "." + Long.toHexString(new SecureRandom().nextLong()) + ".tmp");
        try {
            try {
                Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW);
            } catch (AccessDeniedException e) {
                if (Files.isRegularFile(target) && Files.isWritable(target)) {
                    // a directory we may not add to, holding a file we may write: write it in place (not atomic)
                    inPlace(bytes);
                    return;
                }
                throw new RegionException(
                        "cannot write " + given + ": permission denied (no new file may be made in " + parent + ")");
            }
            keepPermissions(tmp);
            io.framejournal.journal.Durable.replace(tmp, target);
        } catch (IOException e) {
            throw new RegionException("cannot write " + given + ": " + why(e, tmp));
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: it is hidden (a dot file) and named as ours
            }
        }
    }

    /** Straight into the file as it is: a FIFO, a device, or a file whose directory takes no new file. */
    private void inPlace(byte[] bytes) {
        StandardOpenOption[] options = kind == Kind.STREAM
                ? new StandardOpenOption[] {StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING};
        try (OutputStream o = Files.newOutputStream(target, options)) {
            o.write(bytes);
        } catch (IOException e) {
            throw new RegionException("cannot write " + given + ": " + RegionException.reason(e, target));
        }
    }

    /** The reason alone when the error is about our temporary file (the user never named it), else the error. */
    private String why(IOException e, Path tmp) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String file = f.getFile();
            if (file.equals(tmp.toString()) || file.equals(target.toString())) {
                return RegionException.reason(e);
            }
        }
        return RegionException.oneLine(e);
    }

    /** An existing file's permissions carry over to its replacement (best effort). */
    private void keepPermissions(Path tmp) {
        try {
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the umask's permissions then, as for a new file
        }
    }

    /** {@code p} with every symbolic link at its end followed, even to a target that does not exist yet. */
    private static Path follow(Path p) throws IOException {
        Path cur = p.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(cur); hops++) {
            if (hops == MAX_LINKS) {
                throw new FileSystemException(p.toString(), null, "too many levels of symbolic links");
            }
            cur = cur.resolveSibling(Files.readSymbolicLink(cur));
        }
        return cur;
    }

    /** What a file that is neither a directory nor a regular file is ("FIFO", "character device", ...). */
    private static String special(Path p) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode");
        } catch (IOException | RuntimeException unknown) {
            return "special file";
        }
        return switch (mode & 0170000) {
            case 0010000 -> "FIFO";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            case 0140000 -> "socket";
            default -> "special file";
        };
    }
}
