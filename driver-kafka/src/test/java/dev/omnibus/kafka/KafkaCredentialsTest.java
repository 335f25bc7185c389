package dev.omnibus.kafka;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.config.ConfigurationChecks;
import dev.omnibus.conformance.config.ListeningPort;
import dev.omnibus.conformance.config.LogCapture;
import dev.omnibus.spi.DriverConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SASL credentials given as pass-through options never appear in a log line (captured from the test log
 * file), in {@code toString()} of the configuration or the connection, or anywhere in an exception's cause
 * chain: when connecting succeeds, when no broker answers, and when the JAAS configuration is malformed.
 */
class KafkaCredentialsTest {
    private static final String SECRET = "Kafka-s3cr3t-" + UUID.randomUUID().toString().substring(0, 8);

    private static Map<String, String> sasl(String jaasTail) {
        return Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"app\" password=\"" + SECRET + "\"" + jaasTail,
                "kafka.ssl.key.password", SECRET, "connectTimeout", "2s");
    }

    @Test
    void failingConnectNamesNoSecret() {
        try (ListeningPort silent = new ListeningPort()) {
            MessagingConfig config = MessagingConfig.builder("kafka://" + silent.hostPort()).options(sasl(";")).build();
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).isInstanceOf(BrokerUnavailableException.class);
            assertNoSecret(config + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    @Test
    void malformedJaasConfigIsAConfigurationErrorWithoutTheSecret() {
        try (ListeningPort silent = new ListeningPort()) {
            MessagingConfig config = MessagingConfig.builder("kafka://" + silent.hostPort()).options(sasl(" oops")).build();
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).isInstanceOf(ConfigurationException.class).hasMessageContaining("kafka.");
            assertNoSecret(ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingShown() {
        var run = LogCapture.run(() -> Messaging.connect("kafka://app:" + SECRET + "@127.0.0.1:1"));
        assertThat(run.failure()).isInstanceOf(ConfigurationException.class).hasMessageContaining("sasl");
        assertNoSecret(ConfigurationChecks.chain(run.failure()) + run.logs());
    }

    @Test
    void workingConnectionLogsNoSecret() {
        String url = KafkaFixtures.shared().url();
        Map<String, String> options = Map.of("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"app\" password=\"" + SECRET + "\";", "kafka.ssl.truststore.password", SECRET);
        MessagingConfig config = MessagingConfig.builder(url).options(options).build();
        var run = LogCapture.run(() -> {
            try (Messaging bus = Messaging.connect(config)) {
                String topic = "creds-" + UUID.randomUUID();
                var got = new CopyOnWriteArrayList<Message>();
                bus.subscribe(topic, SubscribeOptions.group("g"), d -> got.add(d.message()));
                bus.publish(topic, Message.ofBytes("t", new byte[] {1}, null)).join();
                await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 1);
                return bus + " " + new DriverConfig("kafka", "h", null, null, "", options);
            }
        });
        assertThat(run.failure()).isNull();
        assertThat(run.logs()).as("the capture sees the driver's log lines").contains("Connected to kafka://");
        assertNoSecret(config + run.result() + run.logs());
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(SECRET).doesNotContain("s3cr3t");
    }
}
