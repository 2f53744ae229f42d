package io.framejournal.bench;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.LedgerReplay;
import io.framejournal.journal.ReadAhead;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.ReplayState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Reading one prepared journal end to end (opening included): recovery's replay ({@code JournalReader} validating each
 * record once, {@code ReplayState} applying it whole, in place on the slots' packed words) and the audit's pass
 * ({@link #ledgerPass}) against a raw Chronicle tailer that only reads each document's bytes (one bulk copy, then every
 * word: the cheapest way to read every byte). One op is one whole pass; {@link BenchRunner} knows the event count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReplayBench {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private byte[] record = new byte[1 << 16];

    /** A closed region whose journal both benchmarks read; prepared by {@link BenchRunner}. */
    @Param("")
    public String region;

    @Param("1024")
    public int nrSlots;

    private Path journal() {
        if (region.isEmpty()) {
            throw new IllegalStateException(
                    "ReplayBench needs -p region=<dir of a closed region>; run it via BenchRunner");
        }
        return new RegionLayout(Paths.get(region)).journal();
    }

    @Benchmark
    public ReplayState replay() {
        try (JournalReader reader = JournalReader.open(journal())) {
            ReplayState state = ReplayState.replay(reader, nrSlots);
            if (reader.stopReason() != null) {
                throw new IllegalStateException("replay stopped: " + reader.stopReason());
            }
            return state;
        }
    }

    /** Not a JMH benchmark: the reader alone (every record read and checked, events handed out, nothing applied). */
    public long readOnly() {
        long sum = 0;
        try (JournalReader reader = JournalReader.open(journal())) {
            JournalEvent e = new JournalEvent();
            while (reader.next(e)) {
                sum += e.after;
            }
            if (reader.stopReason() != null) {
                throw new IllegalStateException("read stopped: " + reader.stopReason());
            }
        }
        return sum;
    }

    /**
     * The audit's own pass, {@code LedgerReplay} over every event (each event's verdict, the
     * attribution ledger of obligations and raw references, the counters), findings to no listener, as the audit runs
     * it: the records read and checked ahead on a second thread ({@code ReadAhead}), each format-2 record judged and
     * applied whole, in place, on this one ({@code LedgerReplay.applyRead}).
     */
    @Benchmark
    public long ledgerPass() {
        return ledgerPass(true);
    }

    /** Not a JMH benchmark: {@link #ledgerPass()} on one thread (read, check, judge and apply in turn). */
    public long ledgerPassInline() {
        return ledgerPass(false);
    }

    private long ledgerPass(boolean ahead) {
        try (JournalReader reader = JournalReader.open(journal())) {
            LedgerReplay ledger = new LedgerReplay(nrSlots);
            JournalEvent e = new JournalEvent();
            try (ReadAhead records = ReadAhead.of(reader, ahead)) {
                for (int read; (read = records.next(e)) != JournalReader.NOTHING; ) {
                    ledger.applyRead(records, read, e);
                }
            }
            if (reader.stopReason() != null) {
                throw new IllegalStateException("ledger pass stopped: " + reader.stopReason());
            }
            return ledger.lastRecord();
        }
    }

    /** Not a JMH benchmark: opening and closing the journal, the part of every pass that does not depend on its size. */
    public long openOnly() {
        try (JournalReader reader = JournalReader.open(journal())) {
            return reader.eventsRead();
        }
    }

    @Benchmark
    public long rawTailer() {
        long sum = 0;
        try (SingleChronicleQueue queue = Chronicle.readOnlyQueue(journal());
                ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    Bytes<?> b = dc.wire().bytes();
                    int len = (int) b.readRemaining();
                    if (record.length < len) {
                        record = new byte[len];
                    }
                    b.read(record, 0, len);
                    for (int i = 0; i + 8 <= len; i += 8) {
                        sum ^= (long) WORDS.get(record, i);
                    }
                }
            }
        }
        return sum;
    }
}
