package io.framejournal.tests.support;

import io.framejournal.journal.RegionLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The queue file of a region's journal, and where its written data ends: for tests that damage journals. */
public final class QueueFiles {
    private QueueFiles() {}

    /** The region's (first) {@code .cq4} queue file. */
    public static Path of(Path regionDir) throws IOException {
        try (Stream<Path> files = Files.list(new RegionLayout(regionDir).journal())) {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Offset past the last non-zero byte of a queue file: where its written data ends. */
    public static long dataEnd(Path cq4) throws IOException {
        byte[] b = Files.readAllBytes(cq4);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end;
    }
}
