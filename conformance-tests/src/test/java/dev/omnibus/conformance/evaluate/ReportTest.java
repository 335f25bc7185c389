package dev.omnibus.conformance.evaluate;

import dev.omnibus.Capability;
import dev.omnibus.conformance.BrokerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    private static final BrokerFixture FIXTURE = new ExternalBroker("amqp://guest:secret@h:5672/", Map.of("rabbitmq.password", "secret"));

    private static CapabilityReport.TestResult test(Feature f, String name, String status) {
        return new CapabilityReport.TestResult(f.name(), name, status, 10, null, Map.of("g", Map.of("lost", 0L, "received", 5L)));
    }

    private static CapabilityReport report(String driver, EnumSet<Capability> declared, String orderingStatus) {
        return EvaluateCommand.assemble(FIXTURE, driver, driver + " 1.0", 1000, declared, Instant.now(), List.of(
                test(Feature.ENVELOPE, "roundTrip", "PASSED"),
                test(Feature.PER_KEY_ORDERING, "ordered", orderingStatus),
                test(Feature.REPLAY, "earliest", "PASSED")));
    }

    @Test void verdictsFollowDeclarationsAndOutcomes() {
        CapabilityReport r = report("kafka", EnumSet.of(Capability.PER_KEY_ORDERING), "FAILED");
        Map<String, String> v = new java.util.HashMap<>();
        r.features().forEach(f -> v.put(f.feature(), f.verdict()));
        assertThat(v).containsEntry("ENVELOPE", "HOLDS").containsEntry("PER_KEY_ORDERING", "VIOLATED")
                .containsEntry("REPLAY", "NOT_PROVIDED").containsEntry("DURABLE", "NOT_EXERCISED");
        assertThat(r.passed()).isFalse();
        assertThat(r.totals()).isEqualTo(new CapabilityReport.Totals(3, 2, 1, 0));
        assertThat(r.fixture()).doesNotContain("secret");
        assertThat(r.options()).containsEntry("rabbitmq.password", "****");
        assertThat(r.features().stream().filter(f -> f.feature().equals("ENVELOPE")).findFirst().orElseThrow().evidence())
                .containsEntry("received", 5L);
    }

    @Test void jsonRoundTripsAndHtmlIsSelfContained(@TempDir Path dir) throws Exception {
        CapabilityReport r = report("memory", EnumSet.allOf(Capability.class), "PASSED");
        ReportWriter.writeJson(r, dir.resolve("report.json"));
        assertThat(ReportWriter.readJson(dir.resolve("report.json"))).isEqualTo(r);
        ReportWriter.writeHtml(r, dir.resolve("report.html"));
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<table", "PER_KEY_ORDERING", "HOLDS").doesNotContain("<script", "http://", "https://");
    }

    @Test void diffNamesWhatIsLostAndWhatToChange() {
        CapabilityReport kafka = report("kafka", EnumSet.of(Capability.PER_KEY_ORDERING, Capability.REPLAY), "PASSED");
        CapabilityReport rabbit = report("amqp", EnumSet.of(Capability.PER_KEY_ORDERING), "PASSED");
        String diff = ReportDiff.diff(kafka, rabbit);
        assertThat(diff).contains("Capabilities lost:\n  - REPLAY", "REPLAY                     HOLDS -> NOT_PROVIDED",
                "startFrom(StartFrom.EARLIEST) fails fast");
        assertThat(ReportDiff.diff(kafka, kafka)).contains("Nothing: change the URL");
    }

    @Test void markdownTableHasAColumnPerReport() {
        String md = ReportWriter.markdownTable(List.of(report("memory", EnumSet.allOf(Capability.class), "PASSED"),
                report("amqp", EnumSet.noneOf(Capability.class), "PASSED")));
        assertThat(md).contains("| `Capability` | memory | amqp |", "| `REPLAY` | yes | no (fails fast) |",
                "| semantic | memory | amqp |", "| ENVELOPE | yes | yes |");
    }

    /** Every row of the first table is a Capability constant users can pass to require(); no kit group sneaks in. */
    @Test void capabilityTableListsExactlyTheCapabilityConstants() {
        String md = ReportWriter.markdownTable(List.of(report("memory", EnumSet.allOf(Capability.class), "PASSED")));
        String capabilities = md.substring(0, md.indexOf("Portable semantics"));
        java.util.List<String> rows = capabilities.lines().filter(l -> l.startsWith("| `") && !l.startsWith("| `Capability`"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(rows).containsExactly(java.util.Arrays.stream(Capability.values()).map(Enum::name).toArray(String[]::new));
        String semantics = md.substring(md.indexOf("Portable semantics"));
        for (Capability c : Capability.values()) assertThat(semantics).doesNotContain("| " + c.name() + " |");
    }

    @Test void parsesPublishedCounts() {
        assertThat(ResultCollector.parseCounts("{attempted=3, lost=0, received=3}"))
                .containsEntry("attempted", 3L).containsEntry("lost", 0L).hasSize(3);
    }
}
