package io.framejournal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A region's mutable status ({@code region.status}), replaced atomically on every change.
 *
 * @param clean      true after a clean close or a completed recovery; false while a writer has it open
 * @param session    how many times the region has been opened for writing
 * @param checkpoint a journal index at which slot table and journal were known to agree; recovery reads from here
 */
public record RegionStatus(boolean clean, long session, long checkpoint) {

    public RegionStatus opened(long newCheckpoint) {
        return new RegionStatus(false, session + 1, newCheckpoint);
    }

    public RegionStatus closed(long newCheckpoint) {
        return new RegionStatus(true, session, newCheckpoint);
    }

    /**
     * Replaces {@code file} with this status: a temporary sibling written, forced and renamed over it. A failure is
     * thrown as {@code cannot write FILE: reason}, naming {@code file}, never the temporary file the user never made
     * (it named {@code region.status.tmp}); the cause is kept, so that {@link RegionException#writeAccessRemedy} tells
     * a write refused for want of access.
     */
    public void write(Path file) throws IOException {
        String text = "# FrameJournal region status: rewritten by the writer, do not edit.\n"
                + "state=" + (clean ? "clean" : "open") + '\n'
                + "session=" + session + '\n'
                + "checkpoint=" + checkpoint + '\n';
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Durable.forceFile(
                    tmp); // its bytes on disk before the rename names them: never an empty status after a power loss
            Durable.replace(tmp, file);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + why(e, tmp), e);
        }
    }

    /** Why a write failed: the reason alone for an error about the temporary file (made, written or renamed). */
    private static String why(IOException e, Path tmp) {
        if (e instanceof java.nio.file.FileSystemException f
                && f.getFile() != null
                && Path.of(f.getFile()).equals(tmp)) {
            return RegionException.reason(e);
        }
        return RegionException.oneLine(e);
    }

    /**
     * Whether {@code file} reads as a clean status now; false when it does not, or cannot be read this moment (a
     * writer rewriting it, or damage): for a reader that only asks whether a writer has gone.
     */
    public static boolean readsClean(Path file) {
        try {
            return read(file).clean();
        } catch (RegionException unreadable) {
            return false;
        }
    }

    public static RegionStatus read(Path file) {
        String text;
        try {
            if (Files.size(file) > 4096) {
                throw new RegionException(file + " is not a FrameJournal region status file (too large)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RegionException(
                    file.getParent() + " is not a FrameJournal region (no " + file.getFileName() + ")");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new RegionException(file + " is not a FrameJournal region status file (not text)");
        } catch (IOException e) {
            throw new RegionException("cannot read " + file + ": " + RegionException.reason(e, file));
        }
        Map<String, String> kv = RegionConfig.parse(text, file);
        String state = kv.get("state");
        if (!"clean".equals(state) && !"open".equals(state)) {
            throw new RegionException(file + ": state must be clean or open");
        }
        long session = RegionConfig.longField(kv, "session", file);
        long checkpoint = RegionConfig.longField(kv, "checkpoint", file);
        if (session < 0) {
            throw new RegionException(file + ": session must be 0 or more, not " + session);
        }
        if (checkpoint < JournalIndex.NONE) { // -1 (none) or a journal index, which is never negative
            throw new RegionException(
                    file + ": checkpoint must be a journal index (0 or more) or -1, not " + checkpoint);
        }
        return new RegionStatus("clean".equals(state), session, checkpoint);
    }
}
