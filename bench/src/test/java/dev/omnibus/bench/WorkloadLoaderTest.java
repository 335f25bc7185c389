package dev.omnibus.bench;

import dev.omnibus.bench.internal.InvalidWorkloadException;
import dev.omnibus.bench.internal.WorkloadLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadLoaderTest {
    static final List<String> SHIPPED = WorkloadLoader.SHIPPED;

    private static final String VALID = """
            name: w
            messageSize: 100
            keys: 10
            rate: 500
            warmup: 500ms
            duration: 2s
            """;

    @ParameterizedTest
    @FieldSource("SHIPPED")
    void shippedWorkloadsLoadByName(String name) {
        Workload w = WorkloadLoader.load(name);
        assertThat(w.name()).isEqualTo(name);
        assertThat(w.duration()).isPositive();
        assertThat(w.messageSize()).isGreaterThanOrEqualTo(Workload.HEADER_BYTES);
    }

    @Test
    void shippedWorkloadsSayWhatTheyMeasure() {
        assertThat(WorkloadLoader.load("1kb-max-rate").rate()).isZero();
        assertThat(WorkloadLoader.load("1kb-max-rate").maxBacklog()).as("max rate the path sustains").isPositive();
        assertThat(WorkloadLoader.load("1kb-fixed-rate").rate()).isPositive();
        Workload manyKeys = WorkloadLoader.load("100b-many-keys");
        assertThat(manyKeys.keys()).isGreaterThanOrEqualTo(1000);
        assertThat(manyKeys.consumerConcurrency()).isGreaterThan(1);
        assertThat(manyKeys.messageSize()).isEqualTo(100);
    }

    @Test
    void parsesEveryFieldAndAppliesDefaults() {
        Workload w = WorkloadLoader.parse(VALID, "test");
        assertThat(w.name()).isEqualTo("w");
        assertThat(w.messageSize()).isEqualTo(100);
        assertThat(w.keys()).isEqualTo(10);
        assertThat(w.rate()).isEqualTo(500);
        assertThat(w.partitions()).isEqualTo(1);
        assertThat(w.producers()).isEqualTo(1);
        assertThat(w.consumers()).isEqualTo(1);
        assertThat(w.consumerConcurrency()).isEqualTo(1);
        assertThat(w.maxOutstanding()).isEqualTo(1000);
        assertThat(w.maxBacklog()).as("unbounded unless set").isZero();
        assertThat(WorkloadLoader.parse(VALID + "maxBacklog: 5000\n", "test").maxBacklog()).isEqualTo(5000);
        assertThat(w.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void loadsAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("mine.yaml");
        Files.writeString(f, VALID.replace("duration: 2s", "duration: 1m"));
        assertThat(WorkloadLoader.load(f.toString()).duration()).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "messageSize: 100|messageSize: 8|messageSize",
            "messageSize: 100|messageSize: big|messageSize",
            "keys: 10|keys: -1|keys",
            "rate: 500|rate: 1.5|rate",
            "rate: 500|rate: -3|rate",
            "duration: 2s|duration: 0s|duration",
            "duration: 2s|duration: soon|duration",
            "warmup: 500ms|warmup: 5 hours|warmup",
            "name: w|name: ''|name",
            "keys: 10|keys: 10\\nconsumerConcurrency: 0|consumerConcurrency",
            "keys: 10|keys: 10\\nprodcers: 2|prodcers",
            "keys: 10|keys: 10\\nmaxBacklog: -1|maxBacklog",
    })
    void invalidFieldsAreNamed(String replace, String with, String field) {
        String yaml = VALID.replace(replace, with.replace("\\n", "\n"));
        assertThatThrownBy(() -> WorkloadLoader.parse(yaml, "test.yaml"))
                .isInstanceOf(InvalidWorkloadException.class)
                .hasMessageContaining("test.yaml")
                .hasMessageContaining("'" + field + "'")
                .satisfies(e -> assertThat(((InvalidWorkloadException) e).field()).isEqualTo(field));
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> WorkloadLoader.parse(VALID.replace("rate: 500\n", ""), "t"))
                .isInstanceOf(InvalidWorkloadException.class)
                .hasMessageContaining("'rate' is missing");
    }

    @Test
    void unknownNameListsTheShippedOnes() {
        assertThatThrownBy(() -> WorkloadLoader.load("no-such-workload"))
                .isInstanceOf(InvalidWorkloadException.class)
                .hasMessageContaining("no-such-workload")
                .hasMessageContaining("1kb-fixed-rate");
    }

    @Test
    void notYamlMappingIsRejected() {
        assertThatThrownBy(() -> WorkloadLoader.parse("- a\n- b\n", "list.yaml"))
                .isInstanceOf(InvalidWorkloadException.class)
                .hasMessageContaining("mapping");
    }
}
