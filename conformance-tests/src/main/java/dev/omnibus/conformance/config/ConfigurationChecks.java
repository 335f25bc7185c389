package dev.omnibus.conformance.config;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Assertions shared by the drivers' configuration and credential tests: an invalid option is refused at
 * {@code connect} with a {@link ConfigurationException} naming it, before the driver opens any connection;
 * a secret appears nowhere in an exception's whole cause chain.
 */
public final class ConfigurationChecks {
    private ConfigurationChecks() {}

    /**
     * Connects to {@code url} (which names {@code port}) with {@code options} and asserts a
     * {@link ConfigurationException} whose message names {@code option}, thrown within 10 s, and that no TCP
     * connection reached {@code port} then or in the next 300 ms.
     */
    public static ConfigurationException assertRejectedBeforeNetwork(String url, Map<String, String> options, String option,
                                                                     ListeningPort port) {
        MessagingConfig config = MessagingConfig.builder(url).options(options).build();
        long start = System.nanoTime();
        Throwable t = catchThrowable(() -> Messaging.connect(config).close());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(t).as("connect with %s (%s)", option, options).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(option);
        assertThat(took).as("refused at once, not after a connection attempt").isLessThan(Duration.ofSeconds(10));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(port.accepted()).as("connections the driver opened").isZero());
        return (ConfigurationException) t;
    }

    /**
     * A misspelt option ({@code conectTimeout}) on {@code url} (which names {@code port}, a broker that never
     * answers) is refused as unknown, naming it and the supported keys, before the driver opens any connection:
     * not after the connect timeout.
     */
    public static ConfigurationException assertUnknownOptionRejectedBeforeNetwork(String url, ListeningPort port) {
        ConfigurationException e = assertRejectedBeforeNetwork(url, Map.of("conectTimeout", "30s"), "conectTimeout", port);
        assertThat(e).hasMessageContaining("Unknown option").hasMessageContaining("Supported: [");
        return e;
    }

    /**
     * A URL whose port is not a number ({@code <scheme>://127.0.0.1:notaport}) is refused before any network
     * call with a {@link ConfigurationException} naming the URL and the bad port.
     */
    public static ConfigurationException assertBadPortRejectedBeforeNetwork(String scheme, ListeningPort port) {
        String url = scheme + "://127.0.0.1:notaport";
        ConfigurationException e = assertRejectedBeforeNetwork(url, Map.of(), "url", port);
        assertThat(e).hasMessageContaining(url).hasMessageContaining("'notaport'").hasMessageContaining("65535");
        return e;
    }

    /** Every {@code toString()} of {@code t}, its causes and suppressed exceptions, one per line. */
    public static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        append(t, sb, seen);
        return sb.toString();
    }

    private static void append(Throwable t, StringBuilder sb, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) return;
        sb.append(t).append('\n');
        for (Throwable s : t.getSuppressed()) append(s, sb, seen);
        append(t.getCause(), sb, seen);
    }
}
