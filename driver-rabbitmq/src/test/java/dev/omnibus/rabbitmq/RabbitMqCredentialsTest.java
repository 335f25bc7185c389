package dev.omnibus.rabbitmq;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.conformance.config.ConfigurationChecks;
import dev.omnibus.conformance.config.ListeningPort;
import dev.omnibus.conformance.config.LogCapture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The password of an {@code amqp://user:password@host} URL never appears in a log line (captured), in
 * {@code toString()} of the configuration, or anywhere in the exception's cause chain: a wrong password
 * against the RabbitMQ on 127.0.0.1:5672, an unknown user, and a port that never answers the handshake.
 */
class RabbitMqCredentialsTest {
    private static final String SECRET = "Rabbit-s3cr3t+@:" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ENCODED = URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20");

    @Test
    void wrongPasswordIsRefusedWithoutShowingIt() {
        assumeTrue(listening(5672), "no RabbitMQ on 127.0.0.1:5672");
        for (String user : new String[] {"guest", "nobody-" + UUID.randomUUID()}) {
            MessagingConfig config = MessagingConfig.of("amqp://" + user + ":" + ENCODED + "@127.0.0.1:5672/?connectTimeout=5s");
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).as(user).isInstanceOf(BrokerUnavailableException.class)
                    .hasMessageContaining("refused the login of user '" + user + "'");
            assertNoSecret(config + "\n" + config.redactedUrl() + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    @Test
    void silentPortTimesOutWithoutShowingThePassword() {
        try (ListeningPort silent = new ListeningPort()) {
            MessagingConfig config = MessagingConfig.builder("amqp://guest:" + ENCODED + "@" + silent.hostPort() + "/")
                    .option("connectTimeout", "1s").build();
            var run = LogCapture.run(() -> Messaging.connect(config));
            assertThat(run.failure()).isInstanceOf(BrokerUnavailableException.class);
            assertNoSecret(config + "\n" + ConfigurationChecks.chain(run.failure()) + run.logs());
        }
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(SECRET).doesNotContain(ENCODED).doesNotContain("s3cr3t");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
