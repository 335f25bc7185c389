package dev.omnibus;

import dev.omnibus.internal.ConnectionUrl;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Secrets never appear in {@code toString()}, exception messages (whole cause chain) or log lines: passwords in
 * the URL's user info (percent-encoded or not), secret options given as options or URL query parameters, and
 * connect failures. Log lines are captured from System.err, where slf4j-simple writes in this module's tests.
 */
class CredentialsRedactionTest {
    static final List<String> SECRET_KEYS = List.of("password", "rabbitmq.password", "kafka.sasl.jaas.config",
            "kafka.ssl.keystore.password", "kafka.ssl.key.password", "kafka.ssl.keystore.key", "pulsar.authParams",
            "pulsar.authParamMap", "pulsar.tlsKeyStorePassword", "token", "apiKey", "redis.secret");

    /** Secrets: long enough (≥ 10 chars) never to occur in a message by chance; any characters. */
    @Provide Arbitrary<String> secrets() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(10).ofMaxLength(30),
                Arbitraries.strings().withChars("abcXYZ019:@+%/?#&=~!$'()*,;[] ").ofMinLength(10).ofMaxLength(30),
                EnvelopeSpecs.unicode(30).filter(s -> s.codePointCount(0, s.length()) >= 10));
    }

    @Property(tries = 300, seed = "67")
    void percentEncodedPasswordsParseExactlyAndAreNeverShown(@ForAll("secrets") String secret) {
        String url = "amqp://app:" + encode(secret) + "@rabbit:5672/orders?closeTimeout=5s";
        ConnectionUrl parsed = ConnectionUrl.parse(url);
        assertThat(parsed.password()).as("decoded password").isEqualTo(secret);
        assertThat(parsed.user()).isEqualTo("app");
        assertThat(parsed.authority()).isEqualTo("rabbit:5672");
        MessagingConfig config = MessagingConfig.builder(url).build();
        DriverConfig driverConfig = new DriverConfig("amqp", parsed.authority(), parsed.user(), parsed.password(),
                parsed.path(), parsed.query());
        for (String shown : List.of(config.toString(), config.redactedUrl(), driverConfig.toString(),
                driverConfig.redactedUrl(), parsed.toString())) {
            assertThat(shown).doesNotContain(secret).doesNotContain(encode(secret));
        }
    }

    @Property(tries = 200, seed = "71")
    void unencodedPasswordsAreNeverShownEither(@ForAll("secrets") String secret) {
        if (secret.matches("(?s).*[/?#\\s].*")) return; // cannot be told apart from the path, query or a second word
        MessagingConfig config = MessagingConfig.builder("amqp://app:" + secret + "@rabbit:5672/orders").build();
        assertThat(config.toString()).doesNotContain(secret);
        assertThat(config.redactedUrl()).doesNotContain(secret);
    }

    @Property(tries = 200, seed = "73")
    void secretOptionsAreNeverShown(@ForAll("secrets") String secret, @ForAll("secretKeys") String key) {
        MessagingConfig asOption = MessagingConfig.builder("pulsar://h:6650").option(key, secret).build();
        MessagingConfig asQuery = MessagingConfig.builder("pulsar://h:6650?" + key + "=" + encode(secret)).build();
        DriverConfig driverConfig = new DriverConfig("pulsar", "h:6650", null, null, "", Map.of(key, secret));
        for (String shown : List.of(asOption.toString(), asQuery.toString(), asQuery.redactedUrl(), driverConfig.toString(),
                new ConfigurationException(key, secret, "something else").getMessage())) {
            assertThat(shown).doesNotContain(secret).doesNotContain(encode(secret));
        }
    }

    @Provide Arbitrary<String> secretKeys() { return Arbitraries.of(SECRET_KEYS); }

    @Example
    void connectingAndFailingToConnectLogsAndThrowsNoSecret() {
        String secret = "s3cr3t-Pa55word+@:/x";
        String url = "cred://app:" + encode(secret) + "@broker:1/vh?token=" + encode(secret);
        List<String> shown = new ArrayList<>();
        String logs = captureStdErr(() -> {
            try (Messaging bus = Messaging.connect(MessagingConfig.builder(url).driver(new EchoingDriver(false))
                    .option("kafka.sasl.jaas.config", "password=\"" + secret + "\"").build())) {
                shown.add(bus.toString());
            }
            Throwable failed = catchThrowable(() -> Messaging.connect(MessagingConfig.builder(url)
                    .driver(new EchoingDriver(true)).build()));
            assertThat(failed).isInstanceOf(BrokerUnavailableException.class);
            for (Throwable t = failed; t != null; t = t.getCause()) shown.add(t.toString());
            Throwable unknown = catchThrowable(() -> Messaging.connect(MessagingConfig.builder(url).driver(new EchoingDriver(false))
                    .option("pasword", secret).build()));
            assertThat(unknown).isInstanceOf(ConfigurationException.class).hasMessageContaining("pasword");
            for (Throwable t = unknown; t != null; t = t.getCause()) shown.add(t.toString());
        });
        assertThat(logs).as("captured log output").contains("Connected to cred://app:****@broker:1/vh");
        assertThat(String.join("\n", shown) + logs).doesNotContain(secret).doesNotContain(encode(secret))
                .doesNotContain("s3cr3t");
    }

    /** Reads the secret options like a driver would; fails like one whose broker refused the login. */
    private record EchoingDriver(boolean refuse) implements MessagingDriver {
        @Override public String scheme() { return "cred"; }
        @Override public Transport connect(DriverConfig config) {
            config.option("token");
            config.passThrough("kafka.");
            if (refuse) {
                throw new BrokerUnavailableException("Broker at " + config.redactedUrl() + " refused user '" + config.user()
                        + "' with " + config, null);
            }
            return new MessagingConnectTest.ConfigOnlyDriver().connect(config);
        }
    }

    private static String captureStdErr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }
}
