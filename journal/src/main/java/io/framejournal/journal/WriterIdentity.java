package io.framejournal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who writes a region ({@code region.writer}): the writing process's id and start time and the session it opened,
 * written when a writer opens the region and deleted at its clean close or by recovery. A reader tells a live writer
 * from a dead one without touching the writer's lock (a POSIX lock probe from the writer's own process would release
 * its lock): the process must exist and have started at the recorded time (pids are reused), and in the reader's own
 * process the region must be open here.
 *
 * <p>The file is only a record of a session's writer while {@code region.status} names that session: one left behind
 * (its deletion at a clean close failed, or the process was killed between the clean mark and the deletion) names an
 * earlier session's writer, which may still run, and a later session that died before it recorded itself (killed
 * between marking the region open and writing this file) would otherwise read as that process's, "live".
 */
public final class WriterIdentity {
    public static final String FILE = "region.writer";

    /** Regions this process has open for writing (absolute, normalized directories). */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private WriterIdentity() {}

    /** Records this process as the writer of the region's session {@code session} (as {@code region.status} says). */
    public static void claim(Path regionDir, long session) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        Path file = regionDir.resolve(FILE);
        Path tmp = regionDir.resolve(FILE + ".tmp");
        Files.writeString(
                tmp,
                "# FrameJournal: the process writing this region; deleted at its clean close\npid=" + self.pid()
                        + "\nstarted=" + started + "\nsession=" + session + "\n",
                StandardCharsets.UTF_8);
        Durable.replace(tmp, file);
        OPEN_HERE.add(key(regionDir));
    }

    /** Forgets the writer (clean close, or recovery of a dead one's region). */
    public static void release(Path regionDir) {
        OPEN_HERE.remove(key(regionDir));
        try {
            Files.deleteIfExists(regionDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file names a process that is gone: readers then say "died", and recovery deletes it
        }
    }

    /** Only forgets that this process has the region open (its writer failed; the file stays for the readers). */
    public static void forgetHere(Path regionDir) {
        OPEN_HERE.remove(key(regionDir));
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * For a region whose status is not clean: one line on its writer.
     *
     * @return "live (pid N)", "died (pid N is gone)", or {@code null} when no writer of the region's current session is
     *     on record (none, or a file an earlier session's writer left behind)
     */
    public static String describe(Path regionDir) {
        Path file = regionDir.resolve(FILE);
        long pid = -1;
        long started = 0;
        long session = -1; // a file of a build before 2026-11-28 names none
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("pid=")) {
                    pid = Long.parseLong(line.substring(4).trim());
                } else if (line.startsWith("started=")) {
                    started = Long.parseLong(line.substring(8).trim());
                } else if (line.startsWith("session=")) {
                    session = Long.parseLong(line.substring(8).trim());
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        if (pid <= 0 || leftBehind(regionDir, session)) {
            return null;
        }
        if (pid == ProcessHandle.current().pid()) {
            return OPEN_HERE.contains(key(regionDir))
                    ? "live (pid " + pid + ", this process)"
                    : "died (pid " + pid + " is this process, which no longer has it open)";
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        boolean alive = p.isPresent() && p.get().isAlive();
        if (alive && started != 0) {
            long actual =
                    p.get().info().startInstant().map(Instant::toEpochMilli).orElse(started);
            alive = Math.abs(actual - started) < 2_000; // the same process, not a later one given its pid
        }
        if (alive && exitedNotReaped(pid)) {
            return "died (pid " + pid + " has exited; its parent has not reaped it yet)";
        }
        return alive ? "live (pid " + pid + ")" : "died (pid " + pid + " is gone)";
    }

    /**
     * Whether the file names another session than the one {@code region.status} is in: it was left behind by an
     * earlier session's writer and says nothing of the current one. A status that cannot be read, or a file that names
     * no session, cannot be judged and is taken as it is.
     */
    private static boolean leftBehind(Path regionDir, long session) {
        if (session < 0) {
            return false;
        }
        try {
            return RegionStatus.read(regionDir.resolve(RegionLayout.STATUS)).session() != session;
        } catch (RegionException unreadable) {
            return false;
        }
    }

    /**
     * Whether a process has exited but was not yet waited for by its parent (Linux: state {@code Z} or {@code X} in
     * {@code /proc/PID/stat}). Such a process holds nothing any more (its mappings, files and locks went with its
     * exit), yet {@link ProcessHandle#isAlive()} counts it as alive: a writer killed under a parent that does not
     * reap it (a hung supervisor, a container whose first process reaps nothing) would read as a live writer for
     * as long as the parent lives. Anywhere {@code /proc} cannot be read, {@code false}.
     */
    static boolean exitedNotReaped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int name = stat.lastIndexOf(')'); // the command name in parentheses may itself hold spaces and ')'
            if (name < 0 || name + 2 >= stat.length()) {
                return false;
            }
            char state = stat.charAt(name + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
