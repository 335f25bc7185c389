package dev.omnibus.nats.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every option the NATS driver understands, read once from the {@link DriverConfig} (so unknown keys are
 * rejected by the core). Driver options are plain keys; {@code nats.*} keys are native jnats connection
 * settings. No credentials here: they stay in the {@code DriverConfig} and go to the client only.
 *
 * @param maxMessageBytes 0 = the server's {@code max_payload}
 * @param maxDeliver      -1 = unlimited (the core's retry policy decides; dead letters go through the core)
 * @param maxAge          zero = keep messages until removed by other limits
 */
public record NatsSettings(List<String> servers, Duration connectTimeout, Duration publishTimeout, Duration ackWait, int maxDeliver, int replicas,
                           StorageKind storage, Duration maxAge, boolean createStreams, long maxMessageBytes, boolean tls,
                           Duration pingInterval, int maxPingsOut, Duration reconnectWait, long reconnectBufferSize,
                           String connectionName) {
    /** NATS's hard upper bound for {@code max_payload}: 64 MiB. */
    public static final long HARD_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

    /** The native jnats connection settings, as {@code nats.<name>} keys. */
    public static final List<String> NATIVE_KEYS = List.of("pingInterval", "maxPingsOut", "reconnectWait", "reconnectBufferSize",
            "connectionName");

    public static NatsSettings read(DriverConfig c) {
        for (Map.Entry<String, String> e : c.passThrough("nats.").entrySet()) {
            if (!NATIVE_KEYS.contains(e.getKey())) {
                throw new ConfigurationException("nats." + e.getKey(), e.getValue(),
                        "a supported native setting, one of " + NATIVE_KEYS.stream().map(k -> "nats." + k).toList());
            }
        }
        Duration connectTimeout = positive(c, "connectTimeout", Duration.ofSeconds(5));
        Duration publishTimeout = positive(c, "publishTimeout", Duration.ofSeconds(30));
        Duration ackWait = positive(c, "ackWait", Duration.ofSeconds(30));
        int maxDeliver = c.intOption("maxDeliver", -1, -1, 1_000_000);
        if (maxDeliver == 0) throw new ConfigurationException("maxDeliver", "0", "-1 (unlimited) or an integer from 1 to 1000000");
        int replicas = c.intOption("replicas", 1, 1, 5);
        StorageKind storage = c.enumOption("storage", StorageKind.class, StorageKind.FILE);
        Duration maxAge = c.durationOption("maxAge", Duration.ZERO);
        if (maxAge.isNegative()) throw new ConfigurationException("maxAge", maxAge, "0 (no limit) or a positive duration such as 24h");
        boolean createStreams = c.booleanOption("createStreams", true);
        long maxMessageBytes = c.longOption("maxMessageBytes", 0, 0, HARD_MAX_MESSAGE_BYTES);
        boolean tls = c.booleanOption("tls", false);
        Duration pingInterval = positive(c, "nats.pingInterval", Duration.ofMinutes(2));
        int maxPingsOut = c.intOption("nats.maxPingsOut", 2, 1, 100);
        Duration reconnectWait = positive(c, "nats.reconnectWait", Duration.ofSeconds(1));
        long reconnectBufferSize = c.longOption("nats.reconnectBufferSize", 8L * 1024 * 1024, 0, 1L << 31);
        String connectionName = c.option("nats.connectionName", "omnibus");
        return new NatsSettings(servers(c, tls), connectTimeout, publishTimeout, ackWait, maxDeliver, replicas, storage, maxAge, createStreams,
                maxMessageBytes, tls, pingInterval, maxPingsOut, reconnectWait, reconnectBufferSize, connectionName);
    }

    /** The server URLs for jnats from the URL's host list, without user info; {@code tls://} with {@code tls=true}. */
    static List<String> servers(DriverConfig c, boolean tls) {
        if (c.authority().isBlank()) return List.of((tls ? "tls://" : "nats://") + "127.0.0.1:4222");
        return c.hosts(4222).stream().map(h -> (tls ? "tls://" : "nats://") + h).toList();
    }

    private static Duration positive(DriverConfig c, String key, Duration defaultValue) {
        Duration d = c.durationOption(key, defaultValue);
        if (d.isNegative() || d.isZero()) throw new ConfigurationException(key, d, "a positive duration such as " + defaultValue.toSeconds() + "s");
        return d;
    }
}
