package dev.omnibus.samples.redis;

import dev.omnibus.conformance.config.ListeningPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.omnibus.conformance.config.ConfigurationChecks.assertBadPortRejectedBeforeNetwork;
import static dev.omnibus.conformance.config.ConfigurationChecks.assertRejectedBeforeNetwork;
import static dev.omnibus.conformance.config.ConfigurationChecks.assertUnknownOptionRejectedBeforeNetwork;

/** Every option the Redis sample driver reads, with an invalid value: refused naming it, before any connection. */
class RedisOptionsTest {
    static ListeningPort port;

    @BeforeAll static void listen() { port = new ListeningPort(); }

    @AfterAll static void close() { port.close(); }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {"leaseTime|100ms", "leaseTime|soon", "maxMessageBytes|0",
            "maxMessageBytes|536870913", "maxLength|-1", "maxLength|all", "closeTimeout|x"})
    void invalidValueIsRefusedNamingTheOptionBeforeAnyConnection(String option, String value) {
        assertRejectedBeforeNetwork("redis://" + port.hostPort(), Map.of(option, value), option, port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"redis://127.0.0.1:99999|port", "redis://127.0.0.1:x|port",
            "redis://127.0.0.1:1/16|database", "redis://127.0.0.1:1/db|database"})
    void invalidUrlIsRefusedNamingThePart(String url, String part) {
        assertRejectedBeforeNetwork(url, Map.of(), part, port);
    }

    @Test
    void misspeltOptionIsRefusedBeforeAnyConnection() {
        assertUnknownOptionRejectedBeforeNetwork("redis://" + port.hostPort(), port);
    }

    @Test
    void nonNumericPortIsRefusedNamingTheUrlAndThePort() {
        assertBadPortRejectedBeforeNetwork("redis", port);
    }
}
