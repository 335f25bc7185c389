package dev.omnibus.kafka;

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
 * Every option the Kafka driver reads (docs/drivers/kafka.md), and the pass-through keys of each native
 * client, with an invalid value: {@code connect} throws a ConfigurationException naming the option before
 * it opens any connection (the URL names a listening port that counts connections).
 */
class KafkaOptionsTest {
    static ListeningPort port;

    @BeforeAll static void listen() { port = new ListeningPort(); }

    @AfterAll static void close() { port.close(); }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "connectTimeout|soon", "connectTimeout|0s", "subscribeTimeout|-5", "subscribeTimeout|0",
            "rebalanceDrainTimeout|later", "closeTimeout|9223372036854775807h", "requestTimeout|banana",
            "partitions|0", "partitions|10001", "partitions|many", "replicationFactor|0", "replicationFactor|-2",
            "replicationFactor|x", "maxMessageBytes|100", "maxMessageBytes|8MB", "autoCreateTopics|maybe",
            "maxPendingPublishes|0", "maxPendingPublishes|lots", "delayForwarder|maybe",
            "kafka.linger.ms|banana", "kafka.request.timeout.ms|-1", "kafka.producer.acks|most",
            "kafka.producer.compression.type|zip", "kafka.consumer.max.poll.records|0",
            "kafka.consumer.isolation.level|dirty", "kafka.admin.retries|x", "kafka.security.protocol|TLS",
            "kafka.group.id|mine", "kafka.producer.key.serializer|x", "kafka.consumer.enable.auto.commit|true",
    })
    void invalidValueIsRefusedNamingTheOptionBeforeAnyConnection(String option, String value) {
        Map<String, String> options = new HashMap<>();
        if (!option.equals("connectTimeout")) options.put("connectTimeout", "2s");
        options.put(option, value);
        var e = assertRejectedBeforeNetwork("kafka://" + port.hostPort(), options, option, port);
        if (!option.startsWith("kafka.")) assertThat(e.getMessage()).contains(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"kafka://|url", "kafka://,h:9092|url", "kafka://h:9092,|url"})
    void invalidUrlIsRefusedNamingIt(String url, String option) {
        assertRejectedBeforeNetwork(url, Map.of(), option, port);
    }

    @Test
    void misspeltOptionIsRefusedBeforeAnyConnection() {
        assertUnknownOptionRejectedBeforeNetwork("kafka://" + port.hostPort(), port);
    }

    @Test
    void nonNumericPortIsRefusedNamingTheUrlAndThePort() {
        assertBadPortRejectedBeforeNetwork("kafka", port);
    }
}
