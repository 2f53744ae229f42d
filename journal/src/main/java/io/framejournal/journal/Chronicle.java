package io.framejournal.journal;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.impl.single.ExternallyLockedQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.WriteLock;

/**
 * Chronicle settings in one place. Loading this class switches Chronicle's analytics and banners off before
 * any Chronicle class initializes (the launcher and test JVMs also pass {@code config/chronicle.jvmopts}).
 */
public final class Chronicle {
    /**
     * The loggers {@link #quiet()} sets to {@code error} (and {@link #silent()} off, one by one: a child's level wins
     * over its parent's). Chronicle Map's builder: audits and inspections read a private copy of the slot table
     * through its recovery on purpose, and recovery uses it by design, so its "recovery needs exclusive access"
     * warnings say nothing. The queue's metadata and builders: an existing queue's metadata names its roll cycle and
     * wins over the builder's (the journal is read with the cycle it was written with), which Chronicle warns about.
     * Declared first: the static initializer below calls {@link #quiet()}.
     */
    private static final String[] QUIETED = {
        "net.openhft.chronicle.map.ChronicleMapBuilder",
        "net.openhft.chronicle.queue.impl.single.SCQMeta",
        "net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder",
        "net.openhft.chronicle.queue.impl.single.ExternallyLockedQueueBuilder"
    };

    /** Queue files grow in blocks of this size (sparse on disk). */
    public static final long QUEUE_BLOCK_SIZE = 4L << 20;

    static {
        quiet();
    }

    private Chronicle() {}

    /** Idempotent: sets the system properties that keep Chronicle off the network and quiet. */
    public static void quiet() {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        setIfAbsent("chronicle.disk.monitor.disable", "true");
        setIfAbsent("disable.resource.warning", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        for (String name : QUIETED) {
            setIfAbsent("org.slf4j.simpleLogger.log." + name, "error");
        }
        // A damaged metadata.cq4t can leave its file lock unobtainable; give up after 2 s (Chronicle waits 10 s).
        setIfAbsent("chronicle.table.store.timeoutMS", "2000");
    }

    /**
     * {@link #quiet()}, and nothing Chronicle logs is printed at all: for a command-line tool, whose commands report in
     * one line of their own what matters (a queue file retired under a reader, a damaged file), and whose users must
     * never see Chronicle's lines and stack traces. A level set beforehand (a system property) is kept.
     */
    public static void silent() {
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", "off");
        for (String name : QUIETED) {
            setIfAbsent("org.slf4j.simpleLogger.log." + name, "off");
        }
        quiet();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The journal queue of a region, for appending, with the region's own roll cycle (region.conf). */
    public static SingleChronicleQueue writableQueue(Path dir, SyncMode syncMode) {
        return writableQueue(dir, JournalCycle.ofJournalDir(dir), syncMode);
    }

    /** A journal queue for appending with the given roll cycle. */
    public static SingleChronicleQueue writableQueue(Path dir, JournalCycle cycle, SyncMode syncMode) {
        return writableQueueBuilder(dir, cycle, syncMode).build();
    }

    /**
     * The builder of {@link #writableQueue(Path, JournalCycle, SyncMode)}, for a writer that sets its own clock (see
     * {@code AppendClock}; set there, not here: {@code history} loads this class and must load nothing of Chronicle).
     */
    static SingleChronicleQueueBuilder writableQueueBuilder(Path dir, JournalCycle cycle, SyncMode syncMode) {
        JvmFlags.require();
        return configure(SingleChronicleQueueBuilder.binary(dir), cycle, syncMode);
    }

    /**
     * {@link #writableQueueBuilder(Path, JournalCycle, SyncMode)} for a queue whose appends are serialised by {@code
     * writeLock} instead of Chronicle's own lock word (see {@code AppendLockAsWriteLock}).
     */
    static SingleChronicleQueueBuilder writableQueueBuilder(
            Path dir, JournalCycle cycle, SyncMode syncMode, WriteLock writeLock) {
        JvmFlags.require();
        return configure(ExternallyLockedQueueBuilder.binary(dir, writeLock), cycle, syncMode);
    }

    private static SingleChronicleQueueBuilder configure(
            SingleChronicleQueueBuilder builder, JournalCycle cycle, SyncMode syncMode) {
        return builder.rollCycle(cycle.rollCycle())
                .blockSize(QUEUE_BLOCK_SIZE)
                .syncMode(syncMode)
                .timeoutMS(2_000);
    }

    /** The journal queue of a region, read-only: maps nothing writable, changes no byte. */
    public static SingleChronicleQueue readOnlyQueue(Path dir) {
        return readOnlyQueue(dir, JournalCycle.ofJournalDir(dir));
    }

    /**
     * A journal queue, read-only, with the given roll cycle. An existing queue's own metadata wins when it names
     * another cycle (Chronicle reads it from there), so the journal's records are read with the cycle they were
     * written with whatever region.conf says.
     */
    public static SingleChronicleQueue readOnlyQueue(Path dir, JournalCycle cycle) {
        JvmFlags.require();
        return SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(cycle.rollCycle())
                .blockSize(QUEUE_BLOCK_SIZE)
                .readOnly(true)
                .build();
    }
}
