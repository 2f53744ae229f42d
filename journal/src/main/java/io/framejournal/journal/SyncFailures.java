package io.framejournal.journal;

import java.io.File;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionHandler;
import org.slf4j.Logger;

/**
 * Hears Chronicle say that an {@code msync} of a queue file failed, and tells the writer of that journal.
 *
 * <p>With a {@code SyncMode} other than {@code NONE}, Chronicle forces each 4 MiB block of a queue file to disk when
 * it releases it, and the journal at close; when that {@code msync} fails ({@code EIO}: the kernel could not write
 * the pages back, and may have dropped them) Chronicle only logs an error ({@code MappedBytesStore}: "msync failed,
 * …") and carries on, a log the CLI turns off. The region was then closed clean and its records taken as durable,
 * the fsyncgate mistake. So the writers that sync register here ({@link #watch}), and the error handler of
 * Chronicle's {@code Jvm.error()} is wrapped, once, by one that passes every message on as before and also hands
 * those about a watched journal's files to its writer.
 */
final class SyncFailures {
    /** Where the message comes from, and how it starts. */
    private static final String SOURCE = "net.openhft.chronicle.bytes.MappedBytesStore";

    private static final String MSYNC_FAILED = "msync failed";

    /** A writer told of its journal's failed syncs. */
    interface Watcher {
        /** The journal directory whose files it writes. */
        File journalDir();

        void syncFailed(String chronicleMessage);
    }

    private static final Set<Watcher> WATCHED = new CopyOnWriteArraySet<>();
    private static boolean installed;

    private SyncFailures() {}

    static void watch(Watcher w) {
        install();
        WATCHED.add(w);
    }

    static void unwatch(Watcher w) {
        WATCHED.remove(w);
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        ExceptionHandler previous = Jvm.error().defaultHandler();
        Jvm.setErrorExceptionHandler(new Listening(previous));
        installed = true;
    }

    private static final java.util.regex.Pattern CHRONICLE_MESSAGE =
            java.util.regex.Pattern.compile("msync failed, (.+?), ret=-?\\d+ (.+) [0-9a-f]+ [0-9a-f]+");

    /**
     * Chronicle's "msync failed, Input/output error, ret=-1 FILE 0 400000" as {@code msync of FILE failed:
     * input/output error}; another message as its first line.
     */
    static String describe(String chronicleMessage) {
        java.util.regex.Matcher m = CHRONICLE_MESSAGE.matcher(chronicleMessage.strip());
        if (!m.matches()) {
            return RegionException.firstLine(chronicleMessage);
        }
        String why = m.group(1);
        why = why.isEmpty() ? why : Character.toLowerCase(why.charAt(0)) + why.substring(1);
        return RegionException.firstLine("msync of " + m.group(2) + " failed: " + why);
    }

    /** Hands a message to the writers of the journal it names (the file's path is in it). */
    static void heard(String source, String message) {
        if (!SOURCE.equals(source) || message == null || !message.startsWith(MSYNC_FAILED)) {
            return;
        }
        for (Watcher w : WATCHED) {
            File dir = w.journalDir();
            if (message.contains(' ' + dir.getPath() + File.separator)
                    || message.contains(' ' + dir.getAbsolutePath() + File.separator)) {
                w.syncFailed(message);
            }
        }
    }

    /** Chronicle's error handler, passing everything on to the one it replaced. */
    private static final class Listening implements ExceptionHandler {
        private final ExceptionHandler previous;

        Listening(ExceptionHandler previous) {
            this.previous = previous;
        }

        @Override
        public void on(Class<?> clazz, String message, Throwable thrown) {
            heard(clazz == null ? null : clazz.getName(), message);
            if (previous != null) {
                previous.on(clazz, message, thrown);
            }
        }

        @Override
        public void on(Logger logger, String message, Throwable thrown) {
            heard(logger == null ? null : logger.getName(), message);
            if (previous != null) {
                previous.on(logger, message, thrown);
            }
        }

        @Override
        public boolean isEnabled(Class<?> clazz) {
            return previous == null || previous.isEnabled(clazz) || SOURCE.equals(clazz.getName());
        }
    }
}
