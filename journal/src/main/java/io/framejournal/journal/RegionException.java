package io.framejournal.journal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;

/**
 * A region or journal that cannot be used as asked: missing, not a region, a newer format, corrupt, in use.
 * The message is one line meant for a person and says what to do; tools print it without a stack trace.
 */
public class RegionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegionException(String message) {
        super(message);
    }

    public RegionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A cause in one line, for a message: its type, then the first line of its message when it has one (an
     * interrupted channel's {@code ClosedByInterruptException} has none, and "…: null" told nobody anything).
     * A file system error reads {@code path: reason} ({@code /r/region.lock: permission denied}): Java puts only the
     * path in the message of an {@link AccessDeniedException} or a {@link NoSuchFileException}, and the reason of
     * any {@link FileSystemException} apart, so its message alone never said why. A plain {@link IOException} with a
     * message ("No space left on device") reads as that message, lower-cased like the reasons.
     */
    public static String oneLine(Throwable e) {
        if (e instanceof FileSystemException f) {
            String file = f.getFile();
            String other = f.getOtherFile();
            String where = (file == null ? "" : file) + (other == null ? "" : " -> " + other);
            return firstLine(where.isEmpty() ? reasonOf(f) : where + ": " + reasonOf(f));
        }
        String m = e.getMessage();
        if (e instanceof java.io.FileNotFoundException && m != null) {
            // java.io's opens (FileOutputStream, RandomAccessFile: Chronicle's, Parquet's) say "path (Reason)" for
            // every failure to open, a full file table or a read-only disk as much as a missing file
            java.util.regex.Matcher pr = PATH_AND_REASON.matcher(m.strip());
            if (pr.matches()) {
                return firstLine(pr.group(1) + ": " + lowerFirst(pr.group(2)));
            }
        }
        if (e.getClass() == IOException.class && m != null && m.startsWith(FALLOCATE_FAILED)) {
            return fallocateFailed();
        }
        if (e.getClass() == IOException.class && m != null && !m.isBlank()) {
            return firstLine(lowerFirst(m.strip()));
        }
        if (e instanceof InternalError && m != null && m.contains("unsafe memory access")) {
            return PAGE_FAULT;
        }
        if (e instanceof RegionException && m != null && !m.isBlank()) {
            return firstLine(m); // written for the user: no class name before it
        }
        return firstLine(e.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    private static final java.util.regex.Pattern PATH_AND_REASON =
            java.util.regex.Pattern.compile("(.+) \\(([^()]+)\\)");

    /** How Chronicle Map says that it could not allocate its file's space (it drops the errno). */
    private static final String FALLOCATE_FAILED = "posix_fallocate() returned";

    /**
     * Chronicle Map's {@code posix_fallocate() returned -1}, which said nothing of why (a full disk, most often): the
     * errno the binding kept for this thread, read when the message is made, in the catch of the failed call.
     */
    private static String fallocateFailed() {
        String why = null;
        net.openhft.posix.PosixAPI posix = NativePosix.API;
        if (posix != null) {
            try {
                int errno = posix.lastError();
                why = errno > 0 ? posix.strerror(errno) : null;
            } catch (RuntimeException | LinkageError unknown) {
                why = null;
            }
        }
        return "cannot allocate the file's disk space (fallocate failed"
                + (why == null ? "; is the disk full?" : ": " + lowerFirst(why.strip())) + ")";
    }

    /**
     * What the JVM's "a fault occurred in a recent unsafe memory access operation" (a SIGBUS in a read or write of a
     * memory-mapped file, turned into an {@code InternalError}) means for a region's files.
     */
    public static final String PAGE_FAULT =
            "a page of a memory-mapped file could not be read or written (SIGBUS): the file was"
                    + " cut short under its mapping, or its file system had no room to provide the page (a full disk or tmpfs)";

    /**
     * Why {@code e} failed, for a message that already names {@code subject} ({@code "cannot read " + subject + ": "
     * + reason(e, subject)}): only the reason ({@code permission denied}) when the error is about that very file,
     * else {@link #oneLine} (which names the file it is about: a lock file in the region, a parent directory).
     */
    public static String reason(Throwable e, Path subject) {
        if (e instanceof FileSystemException f && f.getOtherFile() == null && f.getFile() != null && subject != null) {
            if (sameFile(f.getFile(), subject)) {
                return firstLine(reasonOf(f));
            }
        }
        return oneLine(e);
    }

    /**
     * What to do about a write to a region that the file system refused, {@code e} (or what caused it: a write that
     * told its failure in its own words, as {@code region.status}'s does, keeps the refusal as its cause) an access
     * refused or a read-only file system: {@code run this as its owner, or on a writable copy of it}; {@code null} for
     * any other cause (a full or failing disk), which the reason says.
     */
    public static String writeAccessRemedy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (refusedAccess(t)) {
                return WRITE_ACCESS;
            }
        }
        return null;
    }

    private static final String WRITE_ACCESS =
            "writing to a region needs write access to it: run this as its owner, or on a writable copy of it"
                    + " (audit, stats and the other read-only commands need none)";

    private static boolean refusedAccess(Throwable e) {
        boolean readOnly = e instanceof FileSystemException f
                && f.getReason() != null
                && f.getReason().toLowerCase(java.util.Locale.ROOT).contains("read-only file system");
        return e instanceof AccessDeniedException || e instanceof java.nio.file.ReadOnlyFileSystemException || readOnly;
    }

    /** The reason alone of a file system error ({@code permission denied}), else {@link #oneLine}. */
    public static String reason(Throwable e) {
        return e instanceof FileSystemException f ? firstLine(reasonOf(f)) : oneLine(e);
    }

    private static String reasonOf(FileSystemException f) {
        String r = f.getReason();
        if (r != null && !r.isBlank()) {
            return lowerFirst(r.strip());
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            // Files.createDirectories names a parent that is a regular file this way
            return f.getFile() != null && Files.isRegularFile(Path.of(f.getFile()))
                    ? "exists and is not a directory"
                    : "already exists";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (f instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (f instanceof FileSystemLoopException) {
            return "too many levels of symbolic links";
        }
        return "file system error";
    }

    private static boolean sameFile(String file, Path subject) {
        try {
            return file.equals(subject.toString())
                    || Path.of(file)
                            .toAbsolutePath()
                            .normalize()
                            .equals(subject.toAbsolutePath().normalize());
        } catch (RuntimeException notAPath) {
            return false;
        }
    }

    /** "Permission denied" → "permission denied", but "EOF" and "DuckDB" stay as they are. */
    private static String lowerFirst(String s) {
        if (s.length() >= 2 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    /**
     * The first line of {@code s}, safe to print on a terminal: what follows its first {@code \n} (a stack trace, a
     * memory map) is dropped, and any other control character left in it is written as {@code \}uXXXX. Chronicle
     * quotes a damaged file's bytes in its messages: one flipped bit in a queue's metadata turned an {@code M} of its
     * roll-cycle format into a carriage return, which split the "one-line" error, and an escape sequence read from a
     * hostile file must not reach the user's terminal. Bidi overrides and line separators are escaped as well.
     */
    public static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return printable(nl < 0 ? s : s.substring(0, nl), false);
    }

    /**
     * {@code s} as a terminal may show it: control characters, line separators and bidi overrides written as
     * {@code \}uXXXX; with {@code reversible}, tabs and backslashes too, so that the text reads back unambiguously
     * (a call site's strings, {@link SiteTable#printable}).
     */
    static String printable(String s, boolean reversible) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean unsafe = (ch < 0x20 && (reversible || ch != '\t'))
                    || (ch >= 0x7f && ch <= 0x9f)
                    || ch == 0x2028
                    || ch == 0x2029
                    || (ch >= 0x202a && ch <= 0x202e)
                    || (ch >= 0x2066 && ch <= 0x2069)
                    || (reversible && ch == '\\');
            if (unsafe && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(ch);
                } else if (ch == '\\') {
                    out.append("\\\\");
                } else {
                    out.append(String.format("\\u%04x", (int) ch));
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
