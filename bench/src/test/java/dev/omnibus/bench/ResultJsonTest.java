package dev.omnibus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.bench.internal.Comparison;
import dev.omnibus.bench.internal.Figure;
import dev.omnibus.bench.internal.LegResult;
import dev.omnibus.bench.internal.ResultWriter;
import dev.omnibus.bench.internal.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultJsonTest {

    static RunResult sample() {
        List<LegResult> legs = List.of(ComparisonTest.leg("native", 0, 1000, 1000), ComparisonTest.leg("omnibus", 0, 1000, 1000),
                ComparisonTest.leg("native", 1, 1000, 1000), ComparisonTest.leg("omnibus", 1, 990, 1100));
        Workload w = new Workload("w", "d", 1024, 10, 1, 1, 1, 1, 100, 1000, 5000, Duration.ofSeconds(1), Duration.ofSeconds(2));
        return new RunResult("memory", "Omnibus in-memory broker", "memory://x", "native", "omnibus", w,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"), legs, Comparison.of(legs));
    }

    @Test
    void everyFigureHasNativeOmnibusRatioAndSpread() {
        JsonNode json = ResultWriter.json(sample());
        assertThat(json.get("broker").asText()).isEqualTo("memory");
        assertThat(json.get("workload").get("rate").asInt()).isEqualTo(100);
        assertThat(json.get("workload").get("maxBacklog").asInt()).isEqualTo(5000);
        JsonNode figures = json.get("figures");
        assertThat(figures).hasSize(Figure.ALL.size());
        for (JsonNode f : figures) {
            assertThat(f.has("name") && f.has("unit") && f.has("better")).isTrue();
            assertThat(f.get("native").isNumber()).as(f.get("name").asText()).isTrue();
            assertThat(f.get("omnibus").isNumber()).isTrue();
            assertThat(f.get("ratio").isNumber()).isTrue();
            assertThat(f.get("spread").has("min") && f.get("spread").has("median") && f.get("spread").has("max")).isTrue();
            assertThat(f.get("pairRatios")).hasSize(1);
        }
        JsonNode rate = figures.get(0);
        assertThat(rate.get("name").asText()).isEqualTo("publish.rate");
        assertThat(rate.get("ratio").asDouble()).isEqualTo(0.99);
        assertThat(rate.get("target").asText()).contains("0.95");
        assertThat(rate.get("met").asBoolean()).isTrue();
    }

    @Test
    void legsCarryLatencyPercentilesAndCounters() {
        JsonNode legs = ResultWriter.json(sample()).get("legs");
        assertThat(legs).hasSize(4);
        assertThat(legs.get(0).get("warmup").asBoolean()).isTrue();
        assertThat(legs.get(2).get("warmup").asBoolean()).isFalse();
        JsonNode e2e = legs.get(3).get("endToEndLatencyMs");
        for (String p : List.of("p50", "p99", "p99.9", "max")) assertThat(e2e.get(p).isNumber()).as(p).isTrue();
        assertThat(legs.get(3).get("received").asLong()).isEqualTo(100);
    }

    @Test
    void writesJsonAndMarkdown(@TempDir Path dir) throws Exception {
        ResultWriter.write(sample(), dir, "shared machine");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertThat(json.get("note").asText()).isEqualTo("shared machine");
        String md = Files.readString(dir.resolve("result.md"));
        assertThat(md).contains("| publish.rate |").contains("| e2e.latency.p99 |").contains("> shared machine");
        assertThat(ResultWriter.table(sample())).contains("publish.rate").contains("0.99");
    }

    @Test
    void nonFiniteValuesBecomeJsonNull() {
        List<LegResult> legs = List.of(ComparisonTest.leg("native", 1, 0, 1000), ComparisonTest.leg("omnibus", 1, 10, 1000));
        RunResult r = new RunResult("memory", "d", "memory://x", "n", "o", sample().workload(), Instant.EPOCH, Instant.EPOCH,
                legs, Comparison.of(legs));
        JsonNode rate = ResultWriter.json(r).get("figures").get(0);
        assertThat(rate.get("ratio").isNull()).isTrue();
        assertThat(rate.get("met").isNull()).isTrue();
    }
}
