package io.framejournal.journal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link JournalReader} read ahead on a second thread: that thread reads and checks every record ({@link
 * JournalReader#nextWhole}: the queue file's framing, the CRC-32C, the validating walk, the sequence number) while the
 * calling thread takes the checked records in journal order and applies them ({@link LedgerReplay#applyRead}). Reading
 * and applying cost about the same for the audit's pass, so on two cores the pass takes about as long as the slower of
 * the two instead of their sum.
 *
 * <p>A record checked in place in its mapped window is handed over as (window, offset, length): no copy; the window
 * stays mapped while the ring references it. The calling thread sees records, events and findings exactly as
 * {@code nextWhole} on its own thread would give them, and the counts ({@link #eventsRead()}, {@link #recordsRead()},
 * {@link #bytesRead()}, {@link #index()}) as of the record it holds, not as far as the reading thread got. After
 * {@link JournalReader#NOTHING} the reading thread has ended and the reader is the caller's again, at its end: its
 * {@link JournalReader#stopReason()} is the pass's. A caller that stops early (a bound, a record changed under the
 * mapping) closes the read-ahead, which stops the reading thread; the reader has then read past the caller's last
 * record, so a bounded pass reads inline ({@link #of}).
 *
 * <p>Handover is a single-producer single-consumer ring: slots in plain arrays, a tail published with release
 * semantics every {@value #PUBLISH_EVERY} records and a head the same way, each on its own cache line. The applying
 * thread stays {@value #GAP} records behind the published tail while the reading thread runs, so that it never reads
 * the lines the reading thread is writing. Waiting spins, then yields, then parks for {@value #PARK_NANOS} ns at a
 * time. With one processor, or {@code -Dframejournal.readAhead=false}, everything happens inline on the calling
 * thread, through the same calls.
 */
public final class ReadAhead implements AutoCloseable {
    /** System property: {@code false} reads inline on the calling thread. */
    public static final String PROPERTY = "framejournal.readAhead";

    private static final int SIZE = 2048;
    private static final int MASK = SIZE - 1;
    private static final int PUBLISH_EVERY = 64;
    private static final int STRIDE = 4;
    private static final int GOT_MASK = 0x3;
    private static final int NEW_RECORD = 0x4;
    private static final int GAP = 256;
    private static final int SPINS = 256;
    private static final int YIELDS = 64;
    private static final long PARK_NANOS = 20_000;

    private final JournalReader reader;
    /** The calling thread's decoder, pointed at each record the reading thread checked. */
    private final RecordDecoder decoder = new RecordDecoder();

    private final Ring ring;
    private final Thread thread;
    private long head;
    private long available;
    /** The reading thread has ended and been waited for: {@link #next} gives nothing more. */
    private boolean ended;

    // read ahead: the record the calling thread holds
    private long index;
    private int crc;
    private long eventsRead;
    private long recordsRead;
    private long bytesRead;

    private ReadAhead(JournalReader reader, boolean ahead) {
        this.reader = reader;
        if (ahead) {
            index = reader.lastGoodIndex(); // the counts before the first record (inline, the reader's own are read)
            eventsRead = reader.eventsRead();
            recordsRead = reader.recordsRead();
            bytesRead = reader.bytesRead();
            ring = new Ring();
            thread = new Thread(this::readAhead, "framejournal-read-ahead");
            thread.setDaemon(true);
            thread.start();
        } else {
            ring = null;
            thread = null;
        }
    }

    /**
     * Reads {@code reader} from where it stands, ahead on a second thread when {@code ahead} and the machine has more
     * than one processor (and {@value #PROPERTY} is not {@code false}), else inline. The reader belongs to the
     * read-ahead until {@link #next} returns {@link JournalReader#NOTHING} or it is closed.
     */
    public static ReadAhead of(JournalReader reader, boolean ahead) {
        return new ReadAhead(reader, ahead && enabled());
    }

    /** Whether reading ahead is allowed here: more than one processor, and not switched off by {@value #PROPERTY}. */
    public static boolean enabled() {
        return Runtime.getRuntime().availableProcessors() > 1
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
    }

    /** Whether records are read on a second thread. */
    public boolean ahead() {
        return ring != null;
    }

    /** Records the reading thread handed over copied, not in place (for tests; once it has ended). */
    long copiedRecords() {
        return ring == null ? 0 : ring.copies;
    }

    /** Whether the reading thread is still running (for tests). */
    boolean reading() {
        return thread != null && thread.isAlive();
    }

    /**
     * The next record: as {@link JournalReader#nextWhole}, a checked format-2 record left in {@link #decoder()}
     * ({@link JournalReader#WHOLE_RECORD}) or one event in {@code into} ({@link JournalReader#ONE_EVENT}); {@link
     * JournalReader#NOTHING} at the end, where reading stopped, or after {@link #stopInRecord}.
     */
    public int next(JournalEvent into) {
        if (ring == null) {
            return reader.nextWhole(into);
        }
        if (ended) {
            return JournalReader.NOTHING;
        }
        if (head == available && !refill()) {
            return JournalReader.NOTHING;
        }
        Ring r = ring;
        int i = (int) (head & MASK);
        long[] slots = r.slots;
        int at = i * STRIDE;
        index = slots[at];
        long place = slots[at + 1];
        long checked = slots[at + 2];
        int kind = (int) slots[at + 3];
        int length = (int) place;
        int events = (int) checked;
        crc = (int) (checked >>> 32);
        int got = kind & GOT_MASK;
        if ((kind & NEW_RECORD) != 0) {
            recordsRead++;
            bytesRead += length + 4; // Chronicle's 4-byte document header, as the reader counts
        }
        if (got == JournalReader.WHOLE_RECORD) {
            eventsRead += events;
            ByteBuffer window = r.window[i];
            if (window != null) {
                decoder.wrapChecked(window, (int) (place >>> 32), length, index, events);
            } else {
                decoder.wrapChecked(r.copy, length, index, events); // copied again: the buffer is free now
            }
        } else {
            eventsRead++;
            into.copyFrom(r.event[i]);
        }
        if ((++head & (PUBLISH_EVERY - 1)) == 0) {
            r.head.setRelease(head);
        }
        return got;
    }

    /** The decoder holding the record {@link #next} returned as {@link JournalReader#WHOLE_RECORD}. */
    RecordDecoder decoder() {
        return ring == null ? reader.decoder() : decoder;
    }

    /** The stored CRC-32C of the record {@link #next} returned (0 for format 1). */
    public int recordCrc() {
        return ring == null ? reader.recordCrc() : crc;
    }

    /** Index of the record {@link #next} returned (the reader's {@link JournalReader#lastGoodIndex()} then). */
    public long index() {
        return ring == null ? reader.lastGoodIndex() : index;
    }

    /** Events read up to and including the record {@link #next} returned (the reader's count then). */
    public long eventsRead() {
        return ring == null ? reader.eventsRead() : eventsRead;
    }

    /** Records read up to and including the record {@link #next} returned. */
    public long recordsRead() {
        return ring == null ? reader.recordsRead() : recordsRead;
    }

    /** Bytes of the records read up to and including the record {@link #next} returned. */
    public long bytesRead() {
        return ring == null ? reader.bytesRead() : bytesRead;
    }

    /**
     * The record {@link #next} returned turned out unreadable while it was applied (its file truncated or changed under
     * the mapping): reading stops there, the reading thread is stopped, and the reader's stop reason names this record.
     *
     * @return false
     */
    boolean stopInRecord(Throwable e) {
        if (ring == null) {
            return reader.stopInRecord(e);
        }
        close();
        return reader.stopInRecord(e, index);
    }

    /** Stops the reading thread (it finishes the record it is reading) and waits for it. */
    @Override
    public void close() {
        if (ring == null || ended) {
            return;
        }
        ended = true;
        ring.stop = true;
        awaitReader();
    }

    private boolean refill() {
        Ring r = ring;
        r.head.setRelease(head);
        for (int idle = 0; ; idle++) {
            boolean done = r.done; // before the tail: the last tail is published before done is set
            boolean drain = r.drain; // likewise: the reading thread publishes its tail before it asks for a drain
            long tail = r.tail.getAcquire();
            long upTo = done || drain ? tail : tail - GAP;
            if (upTo > head) {
                available = upTo;
                return true;
            }
            if (done) {
                ended = true;
                awaitReader();
                Throwable failure = r.failure;
                if (failure != null) {
                    throw new IllegalStateException("reading the journal ahead failed: " + failure, failure);
                }
                // the reader is ours again, at its end: the pass's counts are its own
                eventsRead = reader.eventsRead();
                recordsRead = reader.recordsRead();
                bytesRead = reader.bytesRead();
                return false;
            }
            idle(idle);
        }
    }

    private void awaitReader() {
        Threads.awaitEnd(thread); // the reading thread ends within a record
    }

    private static void idle(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** The reading thread: reads and checks records into the ring until the end, a stop, or {@link #close}. */
    private void readAhead() {
        Ring r = ring;
        JournalReader reader = this.reader; // a local: this object's other fields are the applying thread's
        JournalEvent e = new JournalEvent();
        ByteBuffer window = null;
        ByteBuffer view = null;
        long tail = 0;
        long head = 0;
        long recordsBefore = reader.recordsRead();
        try {
            while (!r.stop) {
                int got = reader.nextWhole(e);
                if (got == JournalReader.NOTHING) {
                    break;
                }
                if (tail - head >= SIZE && (head = awaitHead(r, tail, tail - SIZE + 1)) < 0) {
                    break; // stopped
                }
                int i = (int) (tail & MASK);
                int at = i * STRIDE;
                long records = reader.recordsRead();
                int kind = got | (records != recordsBefore ? NEW_RECORD : 0);
                recordsBefore = records;
                int offset = 0;
                int length = reader.recordLength();
                int events = 1;
                if (got == JournalReader.WHOLE_RECORD) {
                    RecordDecoder d = reader.decoder();
                    if (d.inOwnCopy()) { // read through the tailer: the decoder reuses its copy for the next one
                        if ((head = awaitHead(r, tail, tail)) < 0) {
                            break; // stopped
                        }
                        r.copy = d.copyOut(r.copy); // one copy in flight at a time: the ring holds one buffer
                        r.copies++;
                        r.window[i] = null;
                    } else {
                        ByteBuffer w = d.buffer();
                        if (w != window) { // a view of the window for the applying thread: the reader moves its own
                            window = w;
                            view = w.duplicate();
                        }
                        r.window[i] = view;
                        offset = d.offset();
                    }
                    events = d.events();
                } else {
                    JournalEvent copy = r.event[i];
                    if (copy == null) {
                        copy = r.event[i] = new JournalEvent();
                    }
                    copy.copyFrom(e);
                }
                long[] slots = r.slots;
                slots[at] = reader.lastGoodIndex();
                slots[at + 1] = (long) offset << 32 | (length & 0xffffffffL);
                slots[at + 2] = (long) reader.recordCrc() << 32 | (events & 0xffffffffL);
                slots[at + 3] = kind;
                if ((++tail & (PUBLISH_EVERY - 1)) == 0) {
                    r.tail.setRelease(tail);
                }
            }
        } catch (Throwable x) { // nextWhole catches what reading throws; this is a bug, told on the calling thread
            r.failure = x;
        } finally {
            r.tail.setRelease(tail);
            r.done = true;
        }
    }

    /**
     * Publishes the tail and waits until the applying thread's head reaches {@code least}: room for one more record
     * ({@code tail - SIZE + 1}), or every record taken ({@code tail}), so that the one buffer for records read through
     * the tailer is free again (those are the first of each queue file and those past a cut: rare, so the pipeline may
     * drain for them). While it waits, the applying thread takes records up to the tail, the last {@value #GAP}
     * included.
     *
     * @return the applying thread's head, or -1 when stopped
     */
    private static long awaitHead(Ring r, long tail, long least) {
        r.tail.setRelease(tail);
        long head = r.head.getAcquire();
        if (head >= least) {
            return head;
        }
        r.drain = true;
        try {
            for (int idle = 0; (head = r.head.getAcquire()) < least; idle++) {
                if (r.stop) {
                    return -1;
                }
                idle(idle);
            }
            return head;
        } finally {
            r.drain = false;
        }
    }

    /** An {@link AtomicLong} alone on its cache line (and the next), so that the other side's writes do not evict it. */
    @SuppressWarnings("unused")
    private static final class PaddedLong extends AtomicLong {
        private static final long serialVersionUID = 1L;
        long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    /** The handover between the two threads: slots written by the reading thread, read by the applying one. */
    private static final class Ring {
        /**
         * Per record, {@value #STRIDE} longs: its index; its offset in its window and its length; its stored CRC-32C
         * and its events; what {@code nextWhole} returned, and whether it started a record.
         */
        final long[] slots = new long[SIZE * STRIDE];

        final ByteBuffer[] window = new ByteBuffer[SIZE];
        /**
         * The bytes of the one record in flight that was read through Chronicle's tailer (its window is then null):
         * written by the reading thread only once the applying thread has taken every record before it.
         */
        byte[] copy;

        final JournalEvent[] event = new JournalEvent[SIZE];
        /** Records published by the reading thread. */
        final PaddedLong tail = new PaddedLong();
        /** Records the applying thread has finished with (their slots may be written again). */
        final PaddedLong head = new PaddedLong();

        volatile boolean done;
        /** The reading thread waits for the applying one: that takes records up to the tail, not {@value #GAP} behind. */
        volatile boolean drain;
        /** Records handed over through {@link #copy} (the reading thread's count; read once it has ended). */
        long copies;

        volatile boolean stop;
        volatile Throwable failure;
    }
}
