package io.framejournal.allocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random operation sequences against the allocator and a plain in-memory model ({@link SlotModel}) side by side.
 * After every step: the per-slot invariant, the ledger, and table == model for every slot touched
 * ({@link AllocatorWorld#check}). Each sequence ends by releasing everything and finding the region clean, so
 * one region serves the whole property; at the end its journal must replay to exactly its slot table.
 *
 * <p>A longer soak: {@code mvn -B -o -pl allocator -am test -Dtest=AllocatorStateMachineTest
 * -Djqwik.tries.default=5000}.
 */
class AllocatorStateMachineTest {
    private static final int MAX_STEPS = 60;

    private Path tmp;
    private MetaRegion region;
    private AllocatorWorld world;
    private boolean worldReleased;

    @BeforeProperty
    void createRegion() throws IOException {
        tmp = Files.createTempDirectory("framejournal-statemachine");
        newRegion();
    }

    private void newRegion() {
        region = TestRegions.create(tmp.resolve("r" + System.nanoTime()));
    }

    @AfterProperty
    void closeAndReplay() throws IOException {
        try {
            Path dir = region.dir();
            region.close();
            if (worldReleased) {
                JournalAssertions.assertReplayMatchesTable(dir);
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The start of every sequence: the region as the last sequence left it (clean), or a fresh one after a failure. */
    private AllocatorWorld nextWorld() {
        if (world != null && !worldReleased) {
            region.close();
            newRegion();
        }
        world = new AllocatorWorld(region);
        worldReleased = false;
        return world;
    }

    /**
     * Tries: {@code jqwik.tries.default} (200, src/test/resources/junit-platform.properties); soak with -D.
     * Shrinking is FULL on purpose: bounded shrinking runs on a pool thread that jqwik abandons when its time bound
     * passes, and that thread would go on using the region after {@link #closeAndReplay()} unmapped it.
     */
    @Property(shrinking = ShrinkingMode.FULL)
    void allocatorMatchesTheModel(@ForAll("sequences") ActionChain<AllocatorWorld> chain) {
        AllocatorWorld end = chain.withInvariant("table matches model", AllocatorWorld::check)
                .run();
        end.releaseAll();
        worldReleased = true;
    }

    @Provide
    Arbitrary<ActionChain<AllocatorWorld>> sequences() {
        return ActionChain.startWith(this::nextWorld)
                .withAction(4, withTag("allocFrame", AllocatorWorld::allocFrame))
                .withAction(3, withTag("allocUnique", AllocatorWorld::allocUnique))
                .withAction(
                        3,
                        act(Combinators.combine(Arbitraries.integers().between(1, 24), Arbitraries.longs())
                                .as((n, tag) ->
                                        Transformer.mutate("allocSegment(" + n + ")", w -> w.allocSegment(n, tag)))))
                .withAction(3, withPick("fromInUse", AllocatorWorld::fromInUse))
                .withAction(3, withPick("clone", AllocatorWorld::cloneFrame))
                .withAction(4, withPick("closeFrame", AllocatorWorld::closeFrame))
                .withAction(2, withPick("closeUnique", (w, p) -> w.closeUnique(p, false)))
                .withAction(1, withPick("resetAsUnused", (w, p) -> w.closeUnique(p, true)))
                .withAction(2, withPick("frame.intoRaw", AllocatorWorld::frameIntoRaw))
                .withAction(2, withPick("Frame.fromRaw", AllocatorWorld::frameFromRaw))
                .withAction(1, withPick("Frame.fromRaw double free", AllocatorWorld::frameFromRawDoubleFree))
                .withAction(2, withPick("tryFromShared", AllocatorWorld::tryFromShared))
                .withAction(2, withPick("intoShared", AllocatorWorld::intoShared))
                .withAction(
                        1,
                        act(Combinators.combine(picks(), Arbitraries.longs())
                                .as((p, tag) -> Transformer.mutate("setMeta", w -> w.setMeta(p, tag)))))
                .withAction(
                        2,
                        act(Combinators.combine(picks(), picks(), Arbitraries.of(true, false))
                                .as((p, l, front) -> Transformer.mutate(
                                        "push(list " + l % AllocatorWorld.LISTS + ")", w -> w.push(p, l, front)))))
                .withAction(
                        2,
                        act(Combinators.combine(picks(), Arbitraries.of(true, false))
                                .as((l, front) -> Transformer.mutate(
                                        "pop(list " + l % AllocatorWorld.LISTS + ")", w -> w.pop(l, front)))))
                .withAction(3, withPick("segment.close", AllocatorWorld::closeSegment))
                .withAction(2, withPick("segment.clone", AllocatorWorld::cloneSegment))
                .withAction(
                        2,
                        act(Combinators.combine(picks(), picks(), picks())
                                .as((p, a, b) -> Transformer.mutate("segment.slice", w -> w.slice(p, a, b)))))
                .withAction(
                        2,
                        act(Combinators.combine(picks(), picks())
                                .as((p, at) -> Transformer.mutate("segment.split", w -> w.split(p, at)))))
                .withAction(2, withPick("segment.next", AllocatorWorld::next))
                .withAction(1, withPick("segment.intoRaw", AllocatorWorld::segmentIntoRaw))
                .withAction(1, withPick("Segment.fromRaw", AllocatorWorld::segmentFromRaw))
                .withMaxTransformations(MAX_STEPS);
    }

    private static Arbitrary<Integer> picks() {
        return Arbitraries.integers().between(0, 1 << 20);
    }

    private static Action.Independent<AllocatorWorld> act(Arbitrary<Transformer<AllocatorWorld>> transformers) {
        return () -> transformers;
    }

    private static Action.Independent<AllocatorWorld> withPick(
            String name, java.util.function.ObjIntConsumer<AllocatorWorld> op) {
        return act(picks().map(p -> Transformer.mutate(name + "#" + p, w -> op.accept(w, p))));
    }

    private static Action.Independent<AllocatorWorld> withTag(
            String name, java.util.function.ObjLongConsumer<AllocatorWorld> op) {
        return act(Arbitraries.longs().map(t -> Transformer.mutate(name, w -> op.accept(w, t))));
    }
}
