package dev.omnibus.pulsar;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.config.ConfigurationChecks;
import dev.omnibus.conformance.config.ListeningPort;
import dev.omnibus.conformance.config.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Pulsar token given as {@code pulsar.authParams} (and a TLS key store password) never appears in a log
 * line (captured), in {@code toString()} of the configuration, or anywhere in an exception's cause chain:
 * when no broker answers, when the auth plugin cannot be loaded, in user info of the URL, and when the
 * connection works (the standalone test broker accepts any token).
 */
class PulsarCredentialsTest {
    private static final String SECRET = "Pulsar-s3cr3t-" + UUID.randomUUID().toString().substring(0, 8);

    private static Map<String, String> auth(String plugin) {
        Map<String, String> o = new HashMap<>();
        o.put("pulsar.authPluginClassName", plugin);
        o.put("pulsar.authParams", "token:" + SECRET);
        o.put("pulsar.tlsKeyStorePassword", SECRET);
        o.put("connectTimeout", "2s");
        return o;
    }

    @Test
    void failingConnectNamesNoSecret() {
        try (ListeningPort silent = new ListeningPort()) {
            MessagingConfig config = MessagingConfig.builder("pulsar://" + silent.hostPort())
                    .options(auth("org.apache.pulsar.client.impl.auth.AuthenticationToken")).build();
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).isInstanceOf(BrokerUnavailableException.class);
            assertNoSecret(config + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    @Test
    void unloadableAuthPluginIsAConfigurationErrorWithoutTheSecret() {
        MessagingConfig config = MessagingConfig.builder("pulsar://127.0.0.1:1").options(auth("com.example.NoSuchAuth")).build();
        var run = LogCapture.run(() -> Messaging.connect(config));
        assertThat(run.failure()).isInstanceOf(ConfigurationException.class).hasMessageContaining("pulsar.");
        assertNoSecret(ConfigurationChecks.chain(run.failure()) + run.logs());
    }

    @Test
    void userInfoInTheUrlIsRefusedWithoutShowingIt() {
        var run = LogCapture.run(() -> Messaging.connect("pulsar://app:" + SECRET + "@127.0.0.1:6650"));
        assertThat(run.failure()).isInstanceOf(ConfigurationException.class).hasMessageContaining("authParams");
        assertNoSecret(ConfigurationChecks.chain(run.failure()) + run.logs());
    }

    @Test
    void workingConnectionLogsNoSecret() {
        BrokerFixture broker = PulsarFixtures.shared();
        Map<String, String> options = new HashMap<>(broker.options());
        options.putAll(auth("org.apache.pulsar.client.impl.auth.AuthenticationToken"));
        options.remove("pulsar.tlsKeyStorePassword");
        options.put("connectTimeout", "10s");
        MessagingConfig config = MessagingConfig.builder(broker.url()).options(options).build();
        var run = LogCapture.run(() -> {
            try (Messaging bus = Messaging.connect(config)) {
                String topic = "creds-" + UUID.randomUUID();
                var got = new CopyOnWriteArrayList<Message>();
                bus.subscribe(topic, SubscribeOptions.group("g"), d -> got.add(d.message()));
                bus.publish(topic, Message.ofBytes("t", new byte[] {1}, null)).join();
                await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 1);
                return bus.toString();
            }
        });
        assertThat(run.failure()).isNull();
        assertNoSecret(config + run.result() + run.logs());
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(SECRET).doesNotContain("s3cr3t");
    }
}
