package io.framejournal.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.tests.cli.JarRunner.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a Turkish default locale ({@code "i".toUpperCase()} is {@code "İ"}) a region is created, written, reopened,
 * recovered and audited like anywhere else. Chronicle Values generated the slot table's header class from source made
 * with the default locale ({@code readİnt}), so that every create and open failed (found 2026-11-28). A child JVM: the
 * generated class is kept for the JVM, so only a fresh one shows it.
 */
class TurkishLocaleCliTest {
    @TempDir
    Path tmp;

    private Result turkish(String... args) {
        List<String> cmd = new ArrayList<>(JarRunner.command(args));
        cmd.addAll(1, List.of("-Duser.language=tr", "-Duser.country=TR"));
        return JarRunner.exec(tmp, 120, cmd);
    }

    @Test
    void aRegionIsCreatedReopenedRecoveredAndAuditedUnderATurkishLocale() {
        Result created = turkish(
                "simulate", "--dir", "r", "--max-paddr", "0x400000", "--ops", "200", "--leak-detection", "disabled");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).doesNotContain("ImplGenerationFailed");

        Result reopened = turkish("simulate", "--dir", "r", "--ops", "200", "--seed", "7");
        assertThat(reopened.exit()).as(reopened.err()).isZero();

        Result recovered = turkish("recover", "r");
        assertThat(recovered.exit()).as(recovered.err()).isZero();

        Result audit = turkish("audit", "r");
        assertThat(audit.exit()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("clean, no findings").contains("closed cleanly");
    }
}
