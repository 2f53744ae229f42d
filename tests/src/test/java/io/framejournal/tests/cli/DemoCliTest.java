package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import io.framejournal.tests.support.FileHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, through the real jar: a child JVM killed with SIGKILL, then recovery and audit. */
class DemoCliTest {
    @TempDir
    Path tmp;

    @Test
    void demoKillsRecoversAndAuditsAndFindsEveryInjectedLeak() {
        Path home = tmp.resolve("demo");
        Result r = JarRunner.jar(JarRunner.root(), 120, "demo", "--dir", home.toString());
        assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
        assertThat(r.out())
                .contains("killed the child with SIGKILL")
                .contains("region status: open (writer died)")
                .contains("Recovery:")
                .contains("Audit:")
                .contains("bin/framejournal history " + home.resolve("region"));
        Matcher m = Pattern.compile("audit found (\\d+) of the (\\d+) injected handles still owing obligations, and"
                        + " (\\d+) of the (\\d+) injected raw references never restored")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(1)).isEqualTo(m.group(2));
        assertThat(m.group(3)).isEqualTo(m.group(4));
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        Path region = home.resolve("region");
        assertThat(Files.isDirectory(region)).isTrue();

        java.util.Map<String, String> recovered = FileHashes.of(region);
        Result audit = JarRunner.jar(JarRunner.root(), 60, "audit", region.toString());
        assertThat(audit.exit())
                .as("the kept region still shows what the crash left")
                .isEqualTo(1);
        assertThat(audit.out()).contains("closed cleanly").contains("divergence:    0 slot(s) (full check");
        Result again = JarRunner.jar(JarRunner.root(), 60, "recover", region.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already clean");
        assertThat(FileHashes.of(region))
                .as("audit and a second recover change no byte")
                .isEqualTo(recovered);
    }
}
