package io.framejournal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.framejournal.journal.JournalIndex;
import io.framejournal.replay.analysis.AuditReport;
import io.framejournal.replay.analysis.Auditor;
import io.framejournal.replay.analysis.RegionInput;
import io.framejournal.replay.sim.InjectedLeak;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code data/sample}: its audit reports exactly what the simulator injected, and auditing changes no byte. */
class SampleAuditTest {
    @Test
    void theSampleHoldsExactlyTheInjectedLeaks() throws IOException {
        Path sample = Support.root().resolve("data/sample");
        Map<String, String> before = Support.checksums(sample);
        List<InjectedLeak> injected = Files.readAllLines(Support.root().resolve("data/sample.injected.jsonl")).stream()
                .filter(l -> !l.isBlank())
                .map(InjectedLeak::parse)
                .toList();
        assertThat(injected).hasSize(10);

        AuditReport audit = Auditor.audit(RegionInput.open(sample), JournalIndex.NONE);

        SimulatorTest.assertLeaksMatch(injected, audit);
        assertThat(audit.clean()).isTrue();
        assertThat(Support.checksums(sample)).isEqualTo(before);
    }

    @Test
    void countsStayExactWhenTheDetailLimitCutsTheLists() {
        Path sample = Support.root().resolve("data/sample");
        AuditReport full = Auditor.audit(RegionInput.open(sample), JournalIndex.NONE);
        AuditReport cut = new Auditor(RegionInput.open(sample), JournalIndex.NONE, 2)
                .run(io.framejournal.replay.analysis.Progress.none());

        assertThat(cut.leaks()).hasSize(2);
        assertThat(cut.leakGroupCount()).isEqualTo(full.leaks().size()).isEqualTo(9);
        assertThat(cut.rawLeakCount()).isEqualTo(full.rawLeaks().size());
        assertThat(cut.findings()).isEqualTo(full.findings()).isEqualTo(10);
    }
}
