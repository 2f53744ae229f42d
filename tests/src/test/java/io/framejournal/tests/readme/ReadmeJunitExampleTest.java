package io.framejournal.tests.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The README's JUnit example is {@link FrameHandlingTest} (which the build runs), line for line: only the package
 * line differs.
 */
class ReadmeJunitExampleTest {
    @Test
    void the_readme_junit_example_is_frame_handling_test_line_for_line() throws Exception {
        String source = Files.readString(
                ReadmeBlocks.root().resolve("tests/src/test/java/io/framejournal/tests/readme/FrameHandlingTest.java"));
        assertThat(source).isEqualTo("package io.framejournal.tests.readme;\n\n" + ReadmeBlocks.block("junit-example"));
    }
}
