package io.framejournal.replay.cli;

import io.framejournal.journal.RegionException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's standard output for a command, which remembers why a write to it failed. A {@link PrintStream} (such
 * as {@code System.out}) swallows every write error and keeps only a flag, so a command whose output went to a full
 * disk ({@code > /dev/full}) used to exit 0 as if it had printed its report. Two failures are told apart:
 *
 * <ul>
 *   <li>a pipe whose reader has gone ({@code framejournal dump DIR | head -1}): the reader has what it wanted, so this
 *       is no error: the command stops writing (and {@code dump} stops reading), prints nothing more and exits as it
 *       would have (a script under {@code set -o pipefail} sees the command's own exit code);
 *   <li>anything else (no space left, an I/O error, a closed descriptor): one line on stderr and exit 2, never a silent
 *       success.
 * </ul>
 *
 * After the first failure nothing more is written: every later write fails at once, without a system call.
 */
final class StandardOutput extends OutputStream {
    private final OutputStream fd;
    private IOException failure;

    private StandardOutput(OutputStream fd) {
        this.fd = fd;
    }

    /**
     * A print stream over file descriptor 1, buffered and flushed at each line as {@code System.out} is, in the
     * character set {@code System.out} uses.
     */
    static PrintStream open() {
        return new Opened(new StandardOutput(new FileOutputStream(FileDescriptor.out)), charset());
    }

    /**
     * {@code System.out}'s character set, which the JDK picks by version ({@code file.encoding} on 17,
     * {@code stdout.encoding} from 19): asked of {@code System.out} itself where it can say ({@code charset()}, JDK 18+).
     */
    private static Charset charset() {
        try {
            return (Charset) PrintStream.class.getMethod("charset").invoke(System.out);
        } catch (ReflectiveOperationException | RuntimeException before18) {
            return Charset.defaultCharset(); // what System.out uses on JDK 17
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            fd.write(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        fd.flush();
    }

    /**
     * The exit code of a command that wrote to {@code out}: {@code code} when every write reached it, or when its
     * reader closed the pipe early; else {@link FrameJournalCli#BAD_INPUT}, after one line on {@code err} saying why.
     */
    static int checked(int code, PrintStream out, PrintStream err) {
        if (!out.checkError()) { // flushes what is buffered first
            return code;
        }
        IOException why = failure(out);
        if (why != null ? closedByReader(why) : stdoutIsPipe()) {
            return code;
        }
        String reason = why == null ? "a write failed" : RegionException.oneLine(why);
        err.println("framejournal: cannot write standard output: " + reason + "; the output is missing or cut short"
                + (reason.contains("no space left") ? ": redirect it to a file on a disk with room" : ""));
        return FrameJournalCli.BAD_INPUT;
    }

    /** Why a write to {@code out} failed, when it is a stream {@link #open()} made and one did; else null. */
    private static IOException failure(PrintStream out) {
        // a PrintStream keeps its stream in a protected field; ours is found through the one we made
        return out instanceof Opened o ? o.output.failure : null;
    }

    /**
     * Whether a write failed because the reader of a pipe has gone: EPIPE ({@code Broken pipe}), or, where the error
     * text is in another language, any failure of a write into a pipe (a pipe has no other way to fail).
     */
    private static boolean closedByReader(IOException e) {
        return "Broken pipe".equals(e.getMessage()) || stdoutIsPipe();
    }

    /** Whether standard output is a pipe (Linux: {@code /proc/self/fd/1} names {@code pipe:[…]}). */
    private static boolean stdoutIsPipe() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString().startsWith("pipe:");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The print stream {@link #open()} returns, which knows its {@link StandardOutput}. */
    private static final class Opened extends PrintStream {
        final StandardOutput output;

        Opened(StandardOutput output, Charset charset) {
            super(new BufferedOutputStream(output, 8192), true, charset);
            this.output = output;
        }
    }
}
