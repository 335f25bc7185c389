package dev.omnibus.pulsar;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Messaging;
import dev.omnibus.conformance.config.ListeningPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static dev.omnibus.conformance.config.ConfigurationChecks.assertBadPortRejectedBeforeNetwork;
import static dev.omnibus.conformance.config.ConfigurationChecks.assertRejectedBeforeNetwork;
import static dev.omnibus.conformance.config.ConfigurationChecks.chain;
import static org.assertj.core.api.Assertions.catchThrowable;
import static dev.omnibus.conformance.config.ConfigurationChecks.assertUnknownOptionRejectedBeforeNetwork;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option the Pulsar driver reads (docs/drivers/pulsar.md) and the pass-through keys of the client,
 * producer and consumer builders, with an invalid value: {@code connect} throws a ConfigurationException
 * naming the option before opening any connection.
 */
class PulsarOptionsTest {
    static ListeningPort port;

    @BeforeAll static void listen() { port = new ListeningPort(); }

    @AfterAll static void close() { port.close(); }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "tenant|a b", "tenant|''", "namespace|ns/x", "adminUrl|ftp://h", "adminUrl|localhost:8080",
            "connectTimeout|0s", "connectTimeout|soon", "operationTimeout|-1", "sendTimeout|0", "sendTimeout|1y",
            "nackRedeliveryDelay|0ms", "memoryLimitBytes|1024", "memoryLimitBytes|lots", "closeTimeout|x",
            "requestTimeout|PT-1S",
            "pulsar.operationTimeoutMs|soon", "pulsar.numIoThreads|many", "pulsar.useTls|maybe",
            "pulsar.producer.sendTimeoutMs|x", "pulsar.producer.compressionType|ZIP", "pulsar.producer.maxPendingMessages|-",
            "pulsar.consumer.receiverQueueSize|big", "pulsar.consumer.subscriptionType|Sharded",
    })
    void invalidValueIsRefusedNamingTheOptionBeforeAnyConnection(String option, String value) {
        Map<String, String> options = new HashMap<>();
        options.put(option, value);
        assertRejectedBeforeNetwork("pulsar://" + port.hostPort(), options, option, port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"pulsar://|url", "pulsar://127.0.0.1:1/only-tenant|url path",
            "pulsar://127.0.0.1:1/a/b/c|url path"})
    void invalidUrlIsRefusedNamingIt(String url, String option) {
        assertRejectedBeforeNetwork(url, Map.of(), option, port);
    }

    @Test
    void misspeltOptionIsRefusedBeforeAnyConnection() {
        assertUnknownOptionRejectedBeforeNetwork("pulsar://" + port.hostPort(), port);
    }

    @Test
    void nonNumericPortIsRefusedNamingTheUrlAndThePort() {
        assertBadPortRejectedBeforeNetwork("pulsar", port);
    }

    /** Broker down: the error names the address and the reason in plain words, no shaded Netty class names. */
    @Test
    void unreachableBrokerIsNamedWithoutShadedClassNames() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Throwable t = catchThrowable(() -> Messaging.connect("pulsar://127.0.0.1:" + closed + "?connectTimeout=3s").close());
        assertThat(t).isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closed).hasMessageContaining("connection refused");
        assertThat(chain(t)).doesNotContain("org.apache.pulsar.shade").doesNotContain("io.netty");
    }
}
