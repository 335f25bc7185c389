package dev.omnibus.nats;

import dev.omnibus.conformance.config.ListeningPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.omnibus.conformance.config.ConfigurationChecks.assertRejectedBeforeNetwork;

/**
 * Every option the NATS driver reads (docs/drivers/nats.md), and the native {@code nats.*} settings, with an
 * invalid value: {@code connect} throws a ConfigurationException naming the option, before opening any
 * connection. An unknown {@code nats.*} key, and a misspelt option, are refused the same way.
 */
class NatsOptionsTest {
    static ListeningPort port;

    @BeforeAll static void listen() { port = new ListeningPort(); }

    @AfterAll static void close() { port.close(); }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "connectTimeout|soon", "connectTimeout|0s", "publishTimeout|0s", "publishTimeout|never", "ackWait|0ms", "ackWait|x",
            "maxDeliver|0", "maxDeliver|-2", "maxDeliver|many", "maxDeliver|1000001", "replicas|0", "replicas|6", "replicas|three",
            "storage|disk", "maxAge|forever", "createStreams|maybe", "maxMessageBytes|-1", "maxMessageBytes|67108865",
            "tls|perhaps", "nats.pingInterval|0s", "nats.pingInterval|often", "nats.maxPingsOut|0", "nats.maxPingsOut|101",
            "nats.reconnectWait|x", "nats.reconnectBufferSize|-1", "nats.noSuchSetting|1", "noSuchOption|1", "maxDelivr|5",
            "closeTimeout|1 week", "requestTimeout|-1",
    })
    void invalidValueIsRefusedNamingTheOptionBeforeAnyConnection(String option, String value) {
        assertRejectedBeforeNetwork("nats://" + port.hostPort(), Map.of(option, value), option, port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"nats://127.0.0.1:port|url", "nats://u:p%zz@127.0.0.1/|url"})
    void invalidUrlIsRefusedNamingIt(String url, String option) {
        assertRejectedBeforeNetwork(url, Map.of(), option, port);
    }
}
