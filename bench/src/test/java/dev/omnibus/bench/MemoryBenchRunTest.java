package dev.omnibus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.bench.internal.BenchRun;
import dev.omnibus.bench.internal.BrokerTarget;
import dev.omnibus.bench.internal.Charts;
import dev.omnibus.bench.internal.LegResult;
import dev.omnibus.bench.internal.ResultWriter;
import dev.omnibus.bench.internal.RunResult;
import dev.omnibus.bench.internal.WorkloadLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny real run on the in-memory broker: asserts the structure of what comes out, never speed. */
class MemoryBenchRunTest {
    private static final String TINY = """
            name: tiny
            messageSize: 64
            keys: 8
            consumerConcurrency: 2
            rate: 200
            warmup: 0s
            duration: 1s
            """;

    @Test
    void alternatesLegsAndComparesEveryFigure(@TempDir Path dir) throws Exception {
        Workload w = WorkloadLoader.parse(TINY, "tiny");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        RunResult r;
        try (BrokerTarget target = BrokerTarget.open("memory", null)) {
            r = new BenchRun(target, w, 1, new PrintStream(progress, true)).warmupPairs(1).run();
        }
        assertThat(r.legs()).extracting(LegResult::kind).containsExactly("native", "omnibus", "omnibus", "native"); // who goes first alternates
        assertThat(r.legs()).extracting(LegResult::pair).containsExactly(0, 0, 1, 1);
        assertThat(r.legs()).extracting(LegResult::topic).doesNotHaveDuplicates();
        for (LegResult leg : r.legs()) {
            assertThat(leg.acked()).as("confirmed publishes of " + leg.topic()).isPositive();
            assertThat(leg.received()).as("every confirmed message handled").isGreaterThanOrEqualTo(leg.acked());
            assertThat(leg.errors()).isZero();
            assertThat(leg.outOfOrder()).as("per-key order").isZero();
            assertThat(leg.cpuMicrosPerMessage()).as("CPU per message of " + leg.topic()).isPositive().isFinite();
        }
        assertThat(r.comparison()).allSatisfy(row -> assertThat(row.pairRatios()).hasSize(1));
        assertThat(progress.toString()).contains("leg 1/4 native").contains("leg 3/4 omnibus").contains("leg 4/4 native");

        ResultWriter.write(r, dir, null);
        Charts.write(r, dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertThat(json.get("figures").get(0).has("ratio")).isTrue();
        assertThat(json.get("legs").get(0).get("cpuMicrosPerMessage").asDouble()).isPositive();
        assertThat(Files.size(dir.resolve("latency.png"))).isPositive();
        assertThat(Files.size(dir.resolve("throughput.png"))).isPositive();
    }

    @Test
    void moreWarmUpPairsRunFirstAndAreLeftOutOfTheComparison() throws Exception {
        Workload w = WorkloadLoader.parse(TINY, "tiny");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        RunResult r;
        try (BrokerTarget target = BrokerTarget.open("memory", null)) {
            r = new BenchRun(target, w, 1, new PrintStream(progress, true)).warmupPairs(2).run();
        }
        // the last warm-up pair goes native first and pair 1 Omnibus first, whatever the number of warm-up pairs
        assertThat(r.legs()).extracting(LegResult::kind)
                .containsExactly("omnibus", "native", "native", "omnibus", "omnibus", "native");
        assertThat(r.legs()).extracting(LegResult::pair).containsExactly(-1, -1, 0, 0, 1, 1);
        assertThat(r.legs()).extracting(LegResult::warmup).containsExactly(true, true, true, true, false, false);
        assertThat(r.comparison()).allSatisfy(row -> assertThat(row.pairRatios()).hasSize(1));
        assertThat(progress.toString()).contains("leg 1/6 omnibus      warm-up 1/2").contains("leg 3/6 native       warm-up 2/2")
                .contains("leg 5/6 omnibus      pair 1");
        assertThat(ResultWriter.markdown(r, null)).contains("1 measured native/Omnibus pairs after 2 warm-up pairs");
    }

    @Test
    void eachLegsTopicIsDeletedAndBothClientsTakeTheUrlsOptions() throws Exception {
        Workload w = WorkloadLoader.parse(TINY, "tiny");
        String broker = "bench-cleanup-" + java.util.UUID.randomUUID();
        // an explicit retainMessages that the native leg ignored would make the broker refuse the Omnibus leg's
        String url = "memory://" + broker + "?retainMessages=500";
        RunResult r;
        try (BrokerTarget target = BrokerTarget.open("memory", url)) {
            r = new BenchRun(target, w, 1, new PrintStream(new ByteArrayOutputStream(), true)).warmupPairs(0).run();
        }
        assertThat(r.legs()).hasSize(2).allSatisfy(leg -> assertThat(leg.received()).isPositive());
        assertThat(dev.omnibus.memory.internal.MemoryBroker.named(broker).retainMessages()).isEqualTo(500);
        assertThat(dev.omnibus.memory.internal.MemoryBroker.named(broker).topicNames())
                .as("topics left after the run").noneMatch(t -> t.startsWith("bench-"));
    }

    @Test
    void commandRejectsAWarmUpPairCountOutOfRange() {
        assertThat(new CommandLine(new BenchCommand()).execute("--broker", "memory", "--warmup-pairs", "11")).isEqualTo(2);
        assertThat(new CommandLine(new BenchCommand()).execute("--broker", "memory", "--warmup-pairs", "-1")).isEqualTo(2);
    }

    @Test
    void commandRejectsAnUnknownWorkloadWithExitCode2() {
        int code = new CommandLine(new BenchCommand()).execute("--broker", "memory", "--workload", "nope");
        assertThat(code).isEqualTo(2);
    }

    @Test
    void commandRejectsAnUnknownBroker() {
        int code = new CommandLine(new BenchCommand()).execute("--broker", "activemq", "--workload", "1kb-fixed-rate");
        assertThat(code).isEqualTo(2);
    }

    @Test
    void commandRejectsOnDeliveryThreadWithAWorkloadOfSeveralWorkersOrWithoutAnOmnibusLeg() {
        assertThat(new CommandLine(new BenchCommand()).execute("--broker", "memory", "--workload", "100b-many-keys",
                "--on-delivery-thread")).isEqualTo(2);
        assertThat(new CommandLine(new BenchCommand()).execute("--broker", "kafka", "--workload", "1kb-max-rate",
                "--on-delivery-thread", "--traced-native")).isEqualTo(2);
    }
}
