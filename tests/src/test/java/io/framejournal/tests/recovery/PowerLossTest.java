package io.framejournal.tests.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.allocator.Frame;
import io.framejournal.allocator.FrameAllocOptions;
import io.framejournal.allocator.MetaRegion;
import io.framejournal.allocator.NoMeta;
import io.framejournal.allocator.RecoveryReport;
import io.framejournal.allocator.RegionOptions;
import io.framejournal.allocator.Segment;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalReader;
import io.framejournal.journal.RegionException;
import io.framejournal.journal.RegionLayout;
import io.framejournal.replay.sim.Simulator;
import io.framejournal.tests.support.FileHashes;
import io.framejournal.tests.support.QueueFiles;
import io.framejournal.tests.support.RegionChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.SyncMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss, simulated as CrashMonkey and ALICE do it for block writes: from a region at a sync point (closed with
 * {@code SyncMode.SYNC}) and the same region at the moment of a kill (more calls, still open), build states in which
 * each 4 KiB page of each file comes from either, plus cuts of the journal past the sync point. Each state must be
 * recovered (consistent or repaired), salvaged with a report, or refused with nothing changed — never certified wrong
 * (after recovery the slot table equals the replay of its journal) — and no record written before the sync point may
 * be lost. {@value #DEFAULT_STATES} seeded states run in the suite; {@code -Dframejournal.powerloss.states=1000} is
 * the long run (its figures are in docs/RELIABILITY.md).
 */
class PowerLossTest {
    static final int DEFAULT_STATES = 40;
    private static final int PAGE = 4096;
    private static final Map<String, AtomicLong> OUTCOMES = new java.util.TreeMap<>();

    @TempDir
    Path tmp;

    @Test
    void everyMixedStateIsRecoveredSalvagedOrRefusedNeverCertifiedWrong() throws Exception {
        int states = Integer.getInteger("framejournal.powerloss.states", DEFAULT_STATES);
        long seed = Long.getLong("framejournal.powerloss.seed", new SplittableRandom().nextLong());
        System.out.println("power-loss seed " + seed + " (rerun: -Dframejournal.powerloss.seed=" + seed + ")");
        Path synced = tmp.resolve("synced");
        Path killed = tmp.resolve("killed");
        makeStates(synced, killed, seed);
        Map<Long, Integer> durable = records(new RegionLayout(synced).journal());
        long syncedDataEnd = QueueFiles.dataEnd(QueueFiles.of(synced));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < states; i++) {
            Path mix = tmp.resolve("mix-" + i);
            String how = mix(synced, killed, mix, syncedDataEnd, rnd);
            check(mix, how + " #" + i, durable);
            FileHashes.deleteTree(mix);
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("POWERLOSS SUMMARY: " + OUTCOMES + " durableRecordsLost=0 certifiedWrong=0");
    }

    /** A region closed cleanly with SYNC (the sync point), then the same region after more calls, left open. */
    private static void makeStates(Path synced, Path killed, long seed) throws IOException {
        Path base = synced.resolveSibling("base");
        new Simulator(base).maxPaddr(0x400000).ops(1_500).seed(seed).run();
        FileHashes.copyTree(base, synced);
        MetaRegion region = MetaRegion.open(base, RegionOptions.defaults().withSyncMode(SyncMode.SYNC));
        FrameAllocOptions alloc = new FrameAllocOptions(region);
        List<Object> held = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Frame<NoMeta> f = alloc.allocFrame();
            if (i % 3 == 0) {
                held.add(f.clone());
            }
            if (i % 5 == 0) {
                Segment<NoMeta> s = alloc.allocSegment(1 + i % 7);
                held.add(s.clone());
                s.close();
            }
            f.close();
        }
        FileHashes.copyTree(base, killed); // the files as a kill leaves them: status open, table and journal ahead
        assertThat(held).isNotEmpty();
        region.close();
    }

    /** One power-loss state: every page of every file from the synced or the killed region; maybe a cut. */
    private static String mix(Path synced, Path killed, Path mix, long syncedDataEnd, SplittableRandom rnd)
            throws IOException {
        double fromKilled = rnd.nextDouble();
        TreeSet<String> files = new TreeSet<>(relativeFiles(synced));
        files.addAll(relativeFiles(killed));
        for (String f : files) {
            Path a = synced.resolve(f);
            Path b = killed.resolve(f);
            Path out = mix.resolve(f);
            Files.createDirectories(out.getParent());
            if (f.equals("region.status") || f.equals("region.conf") || f.equals("region.lock")) {
                // replaced whole by rename (status) or never rewritten: one version or the other
                Files.copy(rnd.nextDouble() < fromKilled && Files.exists(b) ? b : a, out);
                continue;
            }
            byte[] x = Files.exists(a) ? Files.readAllBytes(a) : new byte[0];
            byte[] y = Files.exists(b) ? Files.readAllBytes(b) : new byte[0];
            byte[] m = new byte[Math.max(x.length, y.length)];
            for (int p = 0; p < m.length; p += PAGE) {
                byte[] src = rnd.nextDouble() < fromKilled ? y : x;
                int n = Math.min(PAGE, m.length - p);
                if (p < src.length) {
                    System.arraycopy(src, p, m, p, Math.min(n, src.length - p));
                }
            }
            Files.write(out, m);
        }
        String how = String.format(java.util.Locale.ROOT, "pages %.0f%% from the kill", fromKilled * 100);
        if (rnd.nextInt(3) == 0) {
            Path cq4 = QueueFiles.of(mix);
            long end = QueueFiles.dataEnd(cq4);
            if (end > syncedDataEnd) {
                long cut = syncedDataEnd + rnd.nextLong(end - syncedDataEnd + 1);
                try (var f = new java.io.RandomAccessFile(cq4.toFile(), "rw")) {
                    f.setLength(cut);
                }
                how += ", journal cut at " + cut;
            }
        }
        return how;
    }

    private static void check(Path mix, String how, Map<Long, Integer> durable) throws IOException {
        Map<String, String> before = FileHashes.of(mix);
        RecoveryReport r;
        try {
            r = MetaRegion.recover(mix, false);
        } catch (RegionException refused) {
            assertThat(refused.getMessage()).as(how).doesNotContain("\n");
            Map<String, String> now = new HashMap<>(FileHashes.of(mix));
            now.remove(
                    RegionLayout.SLOTS); // the documented limit: Chronicle Map's recovery may write a table it rejects
            Map<String, String> was = new HashMap<>(before);
            was.remove(RegionLayout.SLOTS);
            assertThat(now).as("%s: a refused recovery changes nothing", how).isEqualTo(was);
            try {
                r = MetaRegion.recover(mix, false, true);
            } catch (RegionException stillRefused) {
                count("refused");
                return;
            }
        } catch (RuntimeException | AssertionError | InternalError e) {
            throw new AssertionError(how + ": recovery threw " + e + " instead of a result or a RegionException", e);
        }
        count(r.verdict());
        assertThat(RegionChecks.tableVersusReplay(mix))
                .as("%s: %s, yet the table differs from the replay", how, r.verdict())
                .isEmpty();
        Map<Long, Integer> after = records(new RegionLayout(mix).journal());
        for (Map.Entry<Long, Integer> e : durable.entrySet()) {
            assertThat(after.get(e.getKey()))
                    .as(
                            "%s: record %s written before the sync point",
                            how, io.framejournal.journal.JournalIndex.format(e.getKey()))
                    .isEqualTo(e.getValue());
        }
    }

    private static synchronized void count(String outcome) {
        OUTCOMES.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    /** Every record of a journal read to where it stops: index → hash of its bytes. */
    private static Map<Long, Integer> records(Path journal) {
        Map<Long, Integer> out = new HashMap<>();
        try (JournalReader reader = JournalReader.open(journal)) {
            JournalEvent e = new JournalEvent();
            long last = Long.MIN_VALUE;
            while (reader.next(e)) {
                if (e.index != last) {
                    last = e.index;
                    out.put(e.index, Arrays.hashCode(Arrays.copyOf(reader.recordBytes(), reader.recordLength())));
                }
            }
        }
        return out;
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString())
                    .toList();
        }
    }
}
