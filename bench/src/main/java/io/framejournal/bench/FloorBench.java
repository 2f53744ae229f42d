package io.framejournal.bench;

import io.framejournal.journal.Chronicle;
import io.framejournal.journal.Pretoucher;
import io.framejournal.journal.RecordFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The floor a journaled frame cycle cannot beat, with the same bytes: one raw Chronicle Queue append per public call
 * of a document as long as the call's format-2 record ({@code ExcerptAppender.writeBytes}), plus one raw in-place
 * update of a 64-byte Chronicle Map value at its off-heap address per call (the same writes, in the same order, as
 * {@code SlotTable.store}). No checks, no lock, no transition, no CRC. One op is one frame cycle: allocate (a
 * {@value #CLAIM}-byte record), clone and drop ({@value #STEP} bytes each), the last drop ({@value #CLAIM} bytes).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FloorBench {
    private static final UnsafeMemory MEM = UnsafeMemory.MEMORY;
    static final int SLOTS = 1024;
    static final int VALUE_SIZE = 64;
    /** A one-slot record with four narrow entries and one wide one (Frame::from_unused, the freeing drop). */
    static final int CLAIM = RecordFormat.HEADER + RecordFormat.GROUP + 4 * RecordFormat.NARROW + RecordFormat.WIDE;
    /** A one-slot record with two narrow entries (clone, a drop that does not free). */
    static final int STEP = RecordFormat.HEADER + RecordFormat.GROUP + 2 * RecordFormat.NARROW;
    /** The records of one frame cycle, in order. */
    static final int[] CYCLE = {CLAIM, STEP, STEP, CLAIM};

    /** One queue and one map, shared by all threads, configured like a region's. */
    @State(Scope.Benchmark)
    public static class Shared {
        /**
         * Whether the queue gets the journal's {@link Pretoucher} (one thread only): not raw Chronicle, which has none,
         * but the like-for-like reference for a journal that has one.
         */
        @Param({"false"})
        public boolean floorPretouch;

        Path dir;
        SingleChronicleQueue queue;
        Pretoucher pretoucher;
        ChronicleMap<Integer, byte[]> map;
        final AtomicInteger nextSlot = new AtomicInteger();

        /** Made afresh for every iteration and deleted after it, as {@link JournaledBench}'s region is. */
        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Dirs.temp("floor");
            queue = Chronicle.writableQueue(dir.resolve("journal"), SyncMode.NONE);
            map = ChronicleMap.of(Integer.class, byte[].class)
                    .name("floor-slots")
                    .entries(SLOTS)
                    .constantValueSizeBySample(new byte[VALUE_SIZE])
                    .checksumEntries(false)
                    .createPersistedTo(dir.resolve("slots.cm3").toFile());
            pretoucher = floorPretouch ? Pretoucher.start("floor") : null;
            nextSlot.set(0); // lanes count themselves afresh every iteration
            byte[] value = new byte[VALUE_SIZE];
            for (int i = 0; i < SLOTS; i++) {
                map.put(i, value);
            }
        }

        @TearDown(Level.Iteration)
        public void close() {
            if (pretoucher != null) {
                pretoucher.close();
            }
            queue.close();
            map.close();
            Dirs.delete(dir);
        }

        long address(int slot) {
            try (ExternalMapQueryContext<Integer, byte[], ?> c = map.queryContext(slot)) {
                c.readLock().lock();
                Data<byte[]> value = c.entry().value();
                return ((BytesStore<?, ?>) value.bytes()).addressForRead(value.offset());
            }
        }
    }

    /** Each thread's appender, record buffer and slot. */
    @State(Scope.Thread)
    public static class Lane {
        ExcerptAppender appender;
        Bytes<?> record;
        /** The record buffer's address, and a view of its first n bytes: ours hands its record to Chronicle so. */
        long recordAddress;

        final PointerBytesStore view = new PointerBytesStore();
        Pretoucher pretoucher;
        long address;
        long counter;

        @Setup(Level.Iteration)
        public void open(Shared shared) {
            pretoucher = shared.pretoucher;
            if (pretoucher != null && shared.nextSlot.get() > 0) {
                throw new IllegalStateException("floorPretouch is for one thread: a Pretoucher takes one appender");
            }
            appender = shared.queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
            record = Bytes.allocateDirect(CLAIM);
            recordAddress = record.addressForWrite(0);
            address = shared.address(shared.nextSlot.getAndIncrement() % SLOTS);
        }

        @TearDown(Level.Iteration)
        public void close() {
            appender.close();
            record.releaseLast();
        }
    }

    @Benchmark
    @Threads(1)
    public long floor1T(Lane lane) {
        return cycle(lane);
    }

    @Benchmark
    @Threads(2)
    public long floor2T(Lane lane) {
        return cycle(lane);
    }

    /** One frame cycle's appends and slot writes. */
    static long cycle(Lane lane) {
        long n = 0;
        for (int len : CYCLE) {
            n = call(lane, len);
        }
        return n;
    }

    private static long call(Lane lane, int len) {
        long n = ++lane.counter;
        // plain stores at the buffer's address, as RecordEncoder writes: filling through Bytes.writeLong made the floor
        // bimodal (~18M or ~22M events/s from one JVM to the next, by whether C2 inlined Chronicle's bounds check,
        // NativeBytes.writeOffsetPositionMoved, into this loop: bench/README.md, "The floor's two speeds")
        long r = lane.recordAddress;
        for (int i = 0; i + 8 <= len; i += 8) {
            MEM.writeLong(r + i, n);
        }
        for (int i = len & ~7; i < len; i++) {
            MEM.writeByte(r + i, (byte) n);
        }
        lane.view.set(r, len);
        lane.appender.writeBytes(lane.view);
        if (lane.pretoucher != null) {
            lane.pretoucher.wrote(lane.appender);
        }
        long a = lane.address;
        MEM.writeLong(a + 16, n);
        MEM.writeLong(a + 24, n);
        MEM.writeLong(a + 32, n);
        MEM.writeLong(a + 40, n);
        MEM.writeInt(a + 48, (int) n);
        MEM.writeShort(a + 52, (short) n);
        MEM.writeByte(a + 54, (byte) n);
        MEM.writeVolatileLong(a, n);
        MEM.writeOrderedLong(a + 8, n);
        return n;
    }
}
