package io.framejournal.tests.support;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.JournalEvent;
import io.framejournal.journal.JournalIndex;
import io.framejournal.journal.JournalReader;
import java.nio.file.Path;
import java.util.Arrays;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Every event of a journal, read once through a read-only {@link JournalReader} into primitive columns, so tests
 * can compare a journal before and after recovery event by event.
 */
public final class JournalSnapshot {
    /** The journal's roll cycle (the region's): an index is its cycle and a sequence within it. */
    private RollCycle cycle;

    private long[] index = new long[1024];
    private long[] payload = new long[1024 * 4];
    private byte[] kind = new byte[1024];
    private int size;
    private String stopReason;

    private JournalSnapshot() {}

    public static JournalSnapshot read(Path journalDir) {
        JournalSnapshot s = new JournalSnapshot();
        JournalEvent e = new JournalEvent();
        try (JournalReader r = JournalReader.open(journalDir)) {
            s.cycle = r.rollCycle();
            while (r.next(e)) {
                s.add(e);
            }
            s.stopReason = r.stopReason();
        }
        return s;
    }

    private void add(JournalEvent e) {
        if (size == index.length) {
            index = Arrays.copyOf(index, size * 2);
            kind = Arrays.copyOf(kind, size * 2);
            payload = Arrays.copyOf(payload, size * 8);
        }
        index[size] = e.index;
        kind[size] = e.kind.code();
        payload[size * 4] = ((long) e.slot << 32) | ((e.op & 0xffL) << 8) | (e.flags & 0xffL);
        payload[size * 4 + 1] = e.before;
        payload[size * 4 + 2] = e.after;
        payload[size * 4 + 3] = e.handle;
        size++;
    }

    public int size() {
        return size;
    }

    public String stopReason() {
        return stopReason;
    }

    public long indexAt(int i) {
        return index[i];
    }

    public EventKind kindAt(int i) {
        return EventKind.ofCode(kind[i]);
    }

    public long lastIndex() {
        return size == 0 ? JournalIndex.NONE : index[size - 1];
    }

    public boolean contains(long journalIndex) {
        return Arrays.binarySearch(index, 0, size, journalIndex) >= 0;
    }

    /**
     * The first place where indices are not contiguous (a lost record), or {@code null}: within a roll cycle every
     * record's index is the previous one plus one; a new cycle starts again at sequence 0.
     */
    public String firstGap() {
        for (int i = 1; i < size; i++) {
            long prev = index[i - 1];
            long cur = index[i];
            boolean sameCycle = cycle.toCycle(prev) == cycle.toCycle(cur);
            // the events of one record share its index
            boolean ok = cur == prev || (sameCycle ? cur == prev + 1 : cur > prev && cycle.toSequenceNumber(cur) == 0);
            if (!ok) {
                return "index " + JournalIndex.format(cur) + " follows " + JournalIndex.format(prev) + " (event " + i
                        + ")";
            }
        }
        return null;
    }

    /** The first event where this journal does not begin with {@code prefix}'s events, or {@code null}. */
    public String firstDifferenceFrom(JournalSnapshot prefix) {
        if (size < prefix.size) {
            return "only " + size + " events, " + prefix.size + " were there before";
        }
        for (int i = 0; i < prefix.size; i++) {
            if (index[i] != prefix.index[i]
                    || kind[i] != prefix.kind[i]
                    || payload[i * 4] != prefix.payload[i * 4]
                    || payload[i * 4 + 1] != prefix.payload[i * 4 + 1]
                    || payload[i * 4 + 2] != prefix.payload[i * 4 + 2]
                    || payload[i * 4 + 3] != prefix.payload[i * 4 + 3]) {
                return "event " + i + " at " + JournalIndex.format(prefix.index[i]) + " changed";
            }
        }
        return null;
    }

    /** Records (one per public call in format 2): distinct indices. */
    public int records() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += i == 0 || index[i] != index[i - 1] ? 1 : 0;
        }
        return n;
    }

    /** Records whose slot events touch more than one slot: whole segment calls. */
    public int multiSlotRecords() {
        int n = 0;
        int i = 0;
        while (i < size) {
            int j = i;
            boolean multi = false;
            while (j < size && index[j] == index[i]) {
                multi |= (payload[j * 4] >> 32) != (payload[i * 4] >> 32);
                j++;
            }
            n += multi ? 1 : 0;
            i = j;
        }
        return n;
    }

    public int count(EventKind k) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += kind[i] == k.code() ? 1 : 0;
        }
        return n;
    }
}
