package io.framejournal.tests.readme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The code blocks of the README, found by the {@code <!-- readme:NAME -->} comment right above each. */
final class ReadmeBlocks {
    private ReadmeBlocks() {}

    static Path root() {
        return Path.of(System.getProperty("framejournal.root")).toAbsolutePath().normalize();
    }

    /** The text inside the fenced block that follows {@code <!-- readme:name -->}, without the fences. */
    static String block(String name) throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        String marker = "<!-- readme:" + name + " -->\n";
        int at = readme.indexOf(marker);
        if (at < 0) {
            throw new AssertionError("README.md has no " + marker.strip());
        }
        int open = readme.indexOf('\n', at + marker.length()) + 1; // past the ```lang line
        if (!readme.startsWith("```", at + marker.length())) {
            throw new AssertionError("no code block right after " + marker.strip());
        }
        int close = readme.indexOf("\n```\n", open);
        return readme.substring(open, close + 1);
    }
}
