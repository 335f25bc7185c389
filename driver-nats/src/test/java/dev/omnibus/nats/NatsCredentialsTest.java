package dev.omnibus.nats;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.conformance.config.ConfigurationChecks;
import dev.omnibus.conformance.config.ListeningPort;
import dev.omnibus.conformance.config.LogCapture;
import dev.omnibus.conformance.fixtures.NatsProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User and password from the URL reach the server (a nats-server of its own that requires them), and the
 * password never appears in a log line (captured), in {@code toString()} of the configuration, or anywhere in
 * an exception's cause chain: a wrong password, an unknown user, and a port that never answers.
 */
class NatsCredentialsTest {
    private static final String SECRET = "Nats-s3cr3t+@:" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ENCODED = URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20");
    private static NatsProcessBroker server;

    @BeforeAll
    static void start() {
        server = new NatsProcessBroker().requireLogin("app", SECRET);
        server.start();
    }

    @AfterAll
    static void stop() { server.close(); }

    private static String url(String user, String password) {
        return "nats://" + user + ":" + password + "@127.0.0.1:" + server.clientPort();
    }

    @Test
    void rightPasswordConnectsAndPublishes() {
        var run = LogCapture.run(() -> {
            try (Messaging bus = Messaging.connect(MessagingConfig.of(url("app", ENCODED)))) {
                return bus.publish("creds.ok", Message.ofBytes("dev.omnibus.test.Creds", new byte[] {1}, null)).join();
            }
        });
        assertThat(run.failure()).isNull();
        assertThat(run.result().position().partition()).isEqualTo("creds_ok");
        assertNoSecret(run.logs());
    }

    @Test
    void wrongPasswordAndUnknownUserAreRefusedWithoutShowingThePassword() {
        for (String user : new String[] {"app", "nobody-" + UUID.randomUUID()}) {
            String wrong = user.equals("app") ? ENCODED + "x" : ENCODED;
            MessagingConfig config = MessagingConfig.of(url(user, wrong) + "?connectTimeout=3s");
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).as(user).isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("Authorization");
            assertNoSecret(config + "\n" + config.redactedUrl() + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    @Test
    void silentPortTimesOutWithoutShowingThePassword() {
        try (ListeningPort silent = new ListeningPort()) {
            MessagingConfig config = MessagingConfig.builder("nats://app:" + ENCODED + "@" + silent.hostPort())
                    .option("connectTimeout", "1s").build();
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).isInstanceOf(BrokerUnavailableException.class);
            assertNoSecret(config + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(SECRET).doesNotContain(ENCODED).doesNotContain("s3cr3t");
    }
}
