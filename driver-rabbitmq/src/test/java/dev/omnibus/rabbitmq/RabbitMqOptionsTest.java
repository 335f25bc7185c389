package dev.omnibus.rabbitmq;

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
import static dev.omnibus.conformance.config.ConfigurationChecks.assertUnknownOptionRejectedBeforeNetwork;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option the RabbitMQ driver reads (docs/drivers/rabbitmq.md), plain and with the {@code rabbitmq.}
 * prefix, and the native ConnectionFactory settings, with an invalid value: {@code connect} throws a
 * ConfigurationException naming the option as the user wrote it, before opening any connection.
 */
class RabbitMqOptionsTest {
    static ListeningPort port;

    @BeforeAll static void listen() { port = new ListeningPort(); }

    @AfterAll static void close() { port.close(); }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "queueType|lazy", "shards|0", "shards|65", "shards|four", "deliveryLimit|-1", "deliveryLimit|1000001",
            "connectTimeout|soon", "recoveryInterval|2x", "confirmTimeout|0s", "confirmTimeout|never",
            "maxMessageBytes|0", "maxMessageBytes|536870913", "publisherChannels|0", "publisherChannels|65",
            "delayHoldWindow|500ms", "delayHoldWindow|30m", "delayHoldWindow|later", "rabbitmq.delayHoldWindow|0s",
            "closeTimeout|1 week", "requestTimeout|-1",
            "rabbitmq.queueType|lazy", "rabbitmq.shards|0", "rabbitmq.confirmTimeout|0s", "rabbitmq.maxMessageBytes|big",
            "rabbitmq.requestedHeartbeat|-1", "rabbitmq.requestedChannelMax|many", "rabbitmq.requestedFrameMax|1.5",
            "rabbitmq.handshakeTimeout|10s", "rabbitmq.shutdownTimeout|x", "rabbitmq.channelRpcTimeout|-5",
            "rabbitmq.automaticRecovery|false",
    })
    void invalidValueIsRefusedNamingTheOptionBeforeAnyConnection(String option, String value) {
        Map<String, String> options = new HashMap<>();
        options.put(option, value);
        assertRejectedBeforeNetwork("amqp://guest:guest@" + port.hostPort() + "/", options, option, port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"amqp://127.0.0.1:port/|url", "amqp://u:p%zz@127.0.0.1/|url"})
    void invalidUrlIsRefusedNamingIt(String url, String option) {
        assertRejectedBeforeNetwork(url, Map.of(), option, port);
    }

    @Test
    void misspeltOptionIsRefusedBeforeAnyConnection() {
        assertUnknownOptionRejectedBeforeNetwork("amqp://guest:guest@" + port.hostPort() + "/", port);
    }

    @Test
    void nonNumericPortIsRefusedNamingTheUrlAndThePort() {
        assertBadPortRejectedBeforeNetwork("amqp", port);
    }

    @Test
    void malformedIpv6HostIsAConfigurationError() {
        var e = assertRejectedBeforeNetwork("amqp://guest:guest@[::1:5672/", Map.of(), "url", port);
        assertThat(e).hasMessageContaining("[::1:5672").hasMessageContaining("closing bracket").hasMessageNotContaining("guest:guest");
    }
}
