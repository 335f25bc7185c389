package dev.omnibus.rabbitmq.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every option the RabbitMQ driver understands, read once from the {@link DriverConfig}. Driver options
 * may be given plain ({@code queueType=stream}) or with the native prefix ({@code rabbitmq.queueType=stream});
 * the other {@code rabbitmq.*} keys are {@link NativeSettings} for the {@code ConnectionFactory}.
 */
public record RabbitSettings(QueueType queueType, int shards, int deliveryLimit, Duration connectTimeout,
                             Duration recoveryInterval, Duration confirmTimeout, long maxMessageBytes, int publisherChannels,
                             Map<String, String> nativeSettings) {
    /** RabbitMQ 3.10's default {@code max_message_size}: 128 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 128L * 1024 * 1024;
    /** RabbitMQ's hard upper bound for {@code max_message_size}: 512 MiB. */
    public static final long HARD_MAX_MESSAGE_BYTES = 512L * 1024 * 1024;
    /** The option names this driver reads (plain or with the {@code rabbitmq.} prefix). */
    public static final Set<String> DRIVER_KEYS = Set.of("queueType", "shards", "deliveryLimit", "connectTimeout",
            "recoveryInterval", "confirmTimeout", "maxMessageBytes", "publisherChannels");

    public static RabbitSettings read(DriverConfig config) {
        Map<String, String> prefixed = new LinkedHashMap<>(config.passThrough("rabbitmq."));
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String key : DRIVER_KEYS) {
            String v = prefixed.remove(key);
            if (v != null) aliases.put(key, v);
        }
        OptionReader r = new OptionReader(config, aliases);
        QueueType type = r.enumOption("queueType", QueueType.class, QueueType.QUORUM);
        int shards = r.intOption("shards", 4, 1, Topology.BUCKETS);
        int deliveryLimit = r.intOption("deliveryLimit", 50, 0, 1_000_000);
        Duration connectTimeout = r.durationOption("connectTimeout", Duration.ofSeconds(10));
        Duration recoveryInterval = r.durationOption("recoveryInterval", Duration.ofSeconds(2));
        Duration confirmTimeout = r.durationOption("confirmTimeout", Duration.ofSeconds(30));
        if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
            throw new ConfigurationException("confirmTimeout", confirmTimeout, "a positive duration such as 30s");
        }
        long max = r.longOption("maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES, 1, HARD_MAX_MESSAGE_BYTES);
        int channels = r.intOption("publisherChannels", 4, 1, 64);
        NativeSettings.validate(prefixed);
        return new RabbitSettings(type, shards, deliveryLimit, connectTimeout, recoveryInterval, confirmTimeout, max, channels,
                Map.copyOf(prefixed));
    }

    /** Reads a plain key through the DriverConfig (so it counts as supported), else its prefixed alias. */
    private record OptionReader(DriverConfig config, Map<String, String> aliases) {
        private Optional<String> raw(String key) {
            Optional<String> plain = config.option(key);
            return plain.isPresent() ? plain : Optional.ofNullable(aliases.get(key));
        }

        int intOption(String key, int dflt, int min, int max) { return (int) longOption(key, dflt, min, max); }

        long longOption(String key, long dflt, long min, long max) {
            Optional<String> v = raw(key);
            if (v.isEmpty()) return dflt;
            try {
                long n = Long.parseLong(v.get().trim());
                if (n < min || n > max) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigurationException(key, v.get(), "an integer from " + min + " to " + max);
            }
        }

        Duration durationOption(String key, Duration dflt) {
            if (config.option(key).isPresent() || !aliases.containsKey(key)) return config.durationOption(key, dflt);
            return new DriverConfig("amqp", "", null, null, "", Map.of(key, aliases.get(key))).durationOption(key, dflt);
        }

        <E extends Enum<E>> E enumOption(String key, Class<E> type, E dflt) {
            if (config.option(key).isPresent() || !aliases.containsKey(key)) return config.enumOption(key, type, dflt);
            return new DriverConfig("amqp", "", null, null, "", Map.of(key, aliases.get(key))).enumOption(key, type, dflt);
        }
    }
}
