package io.framejournal.replay.forged;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.EventKind;
import io.framejournal.journal.OpCode;
import io.framejournal.journal.RecordEncoder;
import io.framejournal.journal.RecordFormat;
import io.framejournal.journal.RegionLayout;
import io.framejournal.journal.SiteTable;
import io.framejournal.replay.Support;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * One field of one record of a written journal rewritten with any value, its CRC-32C computed again: every read-only
 * command reads the journal or refuses it in a line per problem, never with a stack trace; and the lies the format can prove
 * (a sequence number out of step, a previous-record index that is not the frame's last record, a call site the table
 * lacks) are never called clean. Tries: {@code jqwik.tries.default} (src/test/resources/junit-platform.properties).
 */
class ForgedFieldsPropertyTest {
    /** A field of a format-2 record, by offset from the record's start or (group fields) from its first slot group. */
    enum Field {
        SEQ(Forgery.SEQ, 8, false),
        HANDLE(Forgery.HANDLE, 8, false),
        TIME(Forgery.TIME, 8, false),
        THREAD(32, 4, false),
        SITE(Forgery.SITE, 4, false),
        COUNT(Forgery.COUNT, 4, false),
        SLOT(0, 4, true),
        ENTRIES(4, 2, true),
        PREV(8, 8, true),
        ENTRY_KIND(16, 1, true),
        BEFORE(20, 4, true),
        AFTER(24, 4, true);

        final int offset;
        final int width;
        /** Whether the field is in a call's first slot group (then the record is one of the calls, not a marker). */
        final boolean inGroup;

        Field(int offset, int width, boolean inGroup) {
            this.offset = offset;
            this.width = width;
            this.inGroup = inGroup;
        }
    }

    private static Path shared;
    private static Path written;
    private static int highestSite;
    private static int copies;

    @BeforeContainer
    static void writeOnce() throws IOException {
        shared = Files.createTempDirectory("forged-fields");
        written = Forgery.written(shared.resolve("written"));
        highestSite = SiteTable.read(new RegionLayout(written).sites()).sites().keySet().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }

    @AfterContainer
    static void removeAll() throws IOException {
        try (Stream<Path> files = Files.walk(shared)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Property
    void aRewrittenFieldIsReadOrRefusedInALinePerProblemAndAProvableLieIsNeverClean(
            @ForAll @IntRange(min = 0, max = 7) int record, @ForAll Field field, @ForAll long value) {
        Path dir = shared.resolve("forged" + copies++);
        Support.copyTree(written, dir);
        int rec = field.inGroup ? 1 + record % 6 : record; // records 1..6 are calls; 0 and 7 markers
        long[] was = new long[1];
        Forgery.rewrite(dir, rec, b -> {
            int at = field.offset + (field.inGroup ? bodyStart(b) : 0);
            was[0] = get(b, at, field.width);
            put(b, at, field.width, value);
        });
        long now = truncate(value, field.width);

        Support.Result audit = Support.cli("audit", dir.toString());
        String said = field + "=" + now + " (was " + was[0] + ") in record " + rec + ": audit " + audit.exit() + "\n"
                + audit.out() + audit.err();
        if (now != was[0]) {
            if (field == Field.SEQ) {
                assertThat(audit.exit()).as(said).isEqualTo(2);
                assertThat(audit.err()).as(said).contains("sequence number");
            } else if (field == Field.PREV) {
                assertThat(audit.exit()).as(said).isEqualTo(1);
                assertThat(audit.out()).as(said).contains("BROKEN_CHAIN");
            } else if (field == Field.SITE && Integer.compareUnsigned((int) now, highestSite) > 0) {
                assertThat(audit.exit()).as(said).isEqualTo(1);
                assertThat(audit.out()).as(said).contains("UNKNOWN_SITE");
            }
        }
        String d = dir.toString();
        String[][] commands = {{"audit", d}, {"stats", d}, {"dump", d}, {"history", "--frame", "0", d}, {"state", d}};
        for (String[] c : commands) {
            Support.Result r = c[0].equals("audit") ? audit : Support.cli(c);
            String what = String.join(" ", c) + " after " + said;
            assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("internal error");
            // one line per problem (a warning, then where reading stopped), each the CLI's own
            assertThat(r.errLines()).as(what).hasSizeLessThanOrEqualTo(2).allMatch(l -> l.startsWith("framejournal: "));
            assertThat(r.exit()).as(what).isBetween(0, 2);
        }
    }

    /** Kinds a slot group may hold. */
    private static final EventKind[] SLOT_KINDS =
            Arrays.stream(EventKind.values()).filter(EventKind::changesSlot).toArray(EventKind[]::new);

    /**
     * A call record of random entries (any slot kind, any values, slots in and out of the region, any op, handle,
     * site and previous-record index) appended after the journal's last record with the next sequence number: the
     * read-only commands report it or refuse it, never with a stack trace.
     */
    @Property
    void anAppendedCallOfRandomEntriesIsReadOrRefusedInALinePerProblem(@ForAll long seed) {
        Path dir = shared.resolve("appended" + copies++);
        Support.copyTree(written, dir);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<Forgery.Rec> records = Forgery.records(dir);
        Forgery.Rec last = records.get(records.size() - 1);
        OpCode[] ops = OpCode.values();
        RecordEncoder call = new RecordEncoder()
                .beginCall(ops[rnd.nextInt(ops.length)], rnd.nextLong(), rnd.nextInt(4) == 0 ? rnd.nextInt() : 0);
        if (rnd.nextBoolean()) {
            call.fromHandle(rnd.nextLong());
        }
        int slot = rnd.nextInt(-3, 70);
        for (int g = 0, groups = 1 + rnd.nextInt(3); g < groups; g++, slot += 1 + rnd.nextInt(5)) {
            long prev =
                    rnd.nextBoolean() ? records.get(rnd.nextInt(records.size())).index() : rnd.nextLong();
            call.beginSlot(slot, prev);
            for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                EventKind kind = SLOT_KINDS[rnd.nextInt(SLOT_KINDS.length)];
                call.entry(
                        kind,
                        rnd.nextInt(3) == 0 ? RecordFormat.ENTRY_UPDATE : 0,
                        (short) rnd.nextInt(),
                        value(rnd),
                        value(rnd));
            }
        }
        Forgery.append(dir, Forgery.seal(call, last.seq() + 1, rnd.nextBoolean() ? rnd.nextLong() : last.timestamp()));
        String d = dir.toString();
        String[][] commands = {{"audit", d}, {"stats", d}, {"dump", d}, {"history", "--frame", "0", d}, {"state", d}};
        for (String[] c : commands) {
            Support.Result r = Support.cli(c);
            String what = String.join(" ", c) + " with seed " + seed + ": " + r.out() + r.err();
            assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("internal error");
            assertThat(r.errLines()).as(what).hasSizeLessThanOrEqualTo(2).allMatch(l -> l.startsWith("framejournal: "));
            assertThat(r.exit()).as(what).isBetween(0, 2);
        }
    }

    /** A value as a liar picks it: a sentinel, a small count, or anything. */
    private static long value(java.util.SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> new long[] {-1, -2, 0, 1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE}[rnd.nextInt(7)];
            case 1 -> rnd.nextLong(0, 4);
            default -> rnd.nextLong();
        };
    }

    /** Where a call record's first slot group starts: after the header, and fromHandle when its flag is set. */
    private static int bodyStart(ByteBuffer b) {
        return (b.get(3) & 1) != 0 ? Forgery.BODY + 8 : Forgery.BODY;
    }

    private static long get(ByteBuffer b, int at, int width) {
        return switch (width) {
            case 1 -> b.get(at);
            case 2 -> b.getShort(at);
            case 4 -> b.getInt(at);
            default -> b.getLong(at);
        };
    }

    private static void put(ByteBuffer b, int at, int width, long value) {
        switch (width) {
            case 1 -> b.put(at, (byte) value);
            case 2 -> b.putShort(at, (short) value);
            case 4 -> b.putInt(at, (int) value);
            default -> b.putLong(at, value);
        }
    }

    private static long truncate(long value, int width) {
        return switch (width) {
            case 1 -> (byte) value;
            case 2 -> (short) value;
            case 4 -> (int) value;
            default -> value;
        };
    }
}
