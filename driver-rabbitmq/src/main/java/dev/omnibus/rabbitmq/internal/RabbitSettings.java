package dev.omnibus.rabbitmq.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every option the RabbitMQ driver understands, read once from the {@link DriverConfig}. Driver options
 * may be given plain ({@code queueType=stream}) or with the native prefix ({@code rabbitmq.queueType=stream});
 * the other {@code rabbitmq.*} keys are {@link NativeSettings} for the {@code ConnectionFactory}.
 */
public record RabbitSettings(QueueType queueType, int shards, int deliveryLimit, Duration connectTimeout,
                             Duration recoveryInterval, Duration confirmTimeout, long maxMessageBytes, int publisherChannels,
                             String managementUrl, Duration delayHoldWindow, Map<String, String> nativeSettings) {
    /** RabbitMQ 3.10's default {@code max_message_size}: 128 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 128L * 1024 * 1024;
    /** RabbitMQ's hard upper bound for {@code max_message_size}: 512 MiB. */
    public static final long HARD_MAX_MESSAGE_BYTES = 512L * 1024 * 1024;
    /** The option names this driver reads (plain or with the {@code rabbitmq.} prefix). */
    public static final Set<String> DRIVER_KEYS = Set.of("queueType", "shards", "deliveryLimit", "connectTimeout",
            "recoveryInterval", "confirmTimeout", "maxMessageBytes", "publisherChannels", "managementUrl",
            "delayHoldWindow");

    public static RabbitSettings read(DriverConfig config) {
        Map<String, String> prefixed = new LinkedHashMap<>(config.passThrough("rabbitmq."));
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String key : DRIVER_KEYS) {
            String v = prefixed.remove(key);
            if (v != null) aliases.put(key, v);
        }
        // A plain key (read through config, so it counts as supported) wins over its rabbitmq.-prefixed alias;
        // both are then parsed by DriverConfig's own typed getters, under the name the user wrote (errors name it).
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> given = new HashMap<>();
        for (String key : DRIVER_KEYS) {
            String plain = config.option(key).orElse(null);
            String name = plain != null || !aliases.containsKey(key) ? key : "rabbitmq." + key;
            given.put(key, name);
            String value = plain != null ? plain : aliases.get(key);
            if (value != null) merged.put(name, value);
        }
        DriverConfig r = new DriverConfig(config.scheme(), config.authority(), null, null, config.path(), merged);
        QueueType type = r.enumOption(given.get("queueType"), QueueType.class, QueueType.QUORUM);
        int shards = r.intOption(given.get("shards"), 4, 1, Topology.BUCKETS);
        int deliveryLimit = r.intOption(given.get("deliveryLimit"), 50, 0, 1_000_000);
        Duration connectTimeout = r.durationOption(given.get("connectTimeout"), Duration.ofSeconds(10));
        Duration recoveryInterval = r.durationOption(given.get("recoveryInterval"), Duration.ofSeconds(2));
        Duration confirmTimeout = r.durationOption(given.get("confirmTimeout"), Duration.ofSeconds(30));
        if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
            throw new ConfigurationException(given.get("confirmTimeout"), confirmTimeout, "a positive duration such as 30s");
        }
        long max = r.longOption(given.get("maxMessageBytes"), DEFAULT_MAX_MESSAGE_BYTES, 1, HARD_MAX_MESSAGE_BYTES);
        int channels = r.intOption(given.get("publisherChannels"), 4, 1, 64);
        String management = r.option(given.get("managementUrl")).orElse(null);
        if (management != null) {
            try {
                java.net.URI uri = java.net.URI.create(management.trim());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
                management = management.trim().replaceAll("/+$", "");
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(given.get("managementUrl"), management,
                        "the http(s) URL of the RabbitMQ management plugin, e.g. http://127.0.0.1:15672");
            }
        }
        // the relay holds a delayed message unacknowledged for at most this long; it must stay below the broker's
        // consumer_timeout (30 min by default), which closes a channel holding a delivery longer
        Duration holdWindow = r.durationOption(given.get("delayHoldWindow"), Duration.ofSeconds(60));
        if (holdWindow.compareTo(Duration.ofSeconds(1)) < 0 || holdWindow.compareTo(Duration.ofMinutes(25)) > 0) {
            throw new ConfigurationException(given.get("delayHoldWindow"), holdWindow,
                    "a duration from 1s to 25m, below the broker's consumer_timeout (30 min by default)");
        }
        NativeSettings.validate(prefixed);
        return new RabbitSettings(type, shards, deliveryLimit, connectTimeout, recoveryInterval, confirmTimeout, max, channels,
                management, holdWindow, Map.copyOf(prefixed));
    }
}
