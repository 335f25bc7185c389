package dev.omnibus.kafka.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.internal.Redaction;
import dev.omnibus.spi.DriverConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything the Kafka driver reads from the URL and options, validated once at connect time.
 * {@code kafka.<key>} pass-through keys go to every native client that knows {@code <key>} (unknown ones,
 * e.g. plugin settings, to all of them); {@code kafka.producer.<key>}, {@code kafka.consumer.<key>} and
 * {@code kafka.admin.<key>} target one client. Keys the driver owns (serializers, group id, offset reset,
 * auto commit, bootstrap servers) are rejected because overriding them would break the contract.
 */
public record KafkaSettings(
        String bootstrapServers,
        Duration connectTimeout,
        Duration subscribeTimeout,
        Duration rebalanceDrainTimeout,
        Duration closeTimeout,
        int partitions,
        short replicationFactor,
        int maxMessageBytes,
        boolean autoCreateTopics,
        int maxPendingPublishes,
        boolean delayForwarder,
        Map<String, Object> producer,
        Map<String, Object> consumer,
        Map<String, Object> admin) {

    /** Port of a bootstrap server given without one. */
    static final int DEFAULT_PORT = 9092;
    /** Default broker-side record size limit given to the topics the driver creates (8 MiB). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** Room above {@code maxMessageBytes} for the request/batch framing the producer and fetcher add. */
    static final int FRAMING_HEADROOM = 64 * 1024;

    private static final Set<String> OWNED_BY_DRIVER = Set.of(
            "bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            "group.id", "auto.offset.reset", "enable.auto.commit");

    public static KafkaSettings from(DriverConfig config) {
        if (config.authority().isBlank()) {
            throw new ConfigurationException("url", config.redactedUrl(), "kafka://host:port[,host:port...]");
        }
        String servers = String.join(",", config.hosts(DEFAULT_PORT).stream().map(Object::toString).toList());
        if (config.user() != null) {
            throw new ConfigurationException("Credentials in a kafka:// URL are not used: configure SASL with the "
                    + "pass-through keys kafka.security.protocol, kafka.sasl.mechanism and kafka.sasl.jaas.config");
        }
        Duration connectTimeout = positive(config, "connectTimeout", Duration.ofSeconds(10));
        Duration subscribeTimeout = positive(config, "subscribeTimeout", Duration.ofSeconds(60));
        Duration drain = config.durationOption("rebalanceDrainTimeout", Duration.ofSeconds(5));
        Duration closeTimeout = config.durationOption("closeTimeout", Duration.ofSeconds(10));
        int partitions = config.intOption("partitions", 8, 1, 10_000);
        int rf = config.intOption("replicationFactor", -1, -1, Short.MAX_VALUE);
        if (rf == 0) throw new ConfigurationException("replicationFactor", "0", "-1 (the broker's default.replication.factor) or a positive number");
        int maxMessageBytes = config.intOption("maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES, 1024,
                Integer.MAX_VALUE - FRAMING_HEADROOM);
        boolean autoCreate = config.booleanOption("autoCreateTopics", true);
        int maxPending = config.intOption("maxPendingPublishes", 100_000, 1, 10_000_000);
        boolean delayForwarder = config.booleanOption("delayForwarder", true);

        Map<String, Object> producer = new LinkedHashMap<>();
        Map<String, Object> consumer = new LinkedHashMap<>();
        Map<String, Object> admin = new LinkedHashMap<>();
        config.passThrough("kafka.").forEach((key, value) -> {
            if (key.startsWith("producer.")) put(producer, "kafka.producer.", key.substring(9), value, NativeClient.PRODUCER);
            else if (key.startsWith("consumer.")) put(consumer, "kafka.consumer.", key.substring(9), value, NativeClient.CONSUMER);
            else if (key.startsWith("admin.")) put(admin, "kafka.admin.", key.substring(6), value, NativeClient.ADMIN);
            else {
                boolean p = ProducerConfig.configNames().contains(key);
                boolean c = ConsumerConfig.configNames().contains(key);
                boolean a = AdminClientConfig.configNames().contains(key);
                boolean any = p || c || a;
                if (p || !any) put(producer, "kafka.", key, value, NativeClient.PRODUCER);
                if (c || !any) put(consumer, "kafka.", key, value, NativeClient.CONSUMER);
                if (a || !any) put(admin, "kafka.", key, value, NativeClient.ADMIN);
            }
        });
        return new KafkaSettings(servers, connectTimeout, subscribeTimeout, drain, closeTimeout, partitions,
                (short) rf, maxMessageBytes, autoCreate, maxPending, delayForwarder, Map.copyOf(producer), Map.copyOf(consumer), Map.copyOf(admin));
    }

    private static void put(Map<String, Object> target, String prefix, String key, String value, NativeClient client) {
        if (OWNED_BY_DRIVER.contains(key)) {
            throw new ConfigurationException(prefix + key, value, "no value: Omnibus sets '" + key
                    + "' itself (bootstrap servers come from the URL, group and start position from SubscribeOptions)");
        }
        client.check(prefix + key, key, value);
        target.put(key, value);
    }

    /**
     * A native client's settings, parsed by Kafka's own {@link ConfigDef} so that a value the client would
     * refuse (type, range, allowed values) fails at {@code connect} as a {@link ConfigurationException}
     * naming the option, before any client is created or any broker contacted.
     */
    private enum NativeClient {
        PRODUCER("producer", ProducerConfig.configDef()),
        CONSUMER("consumer", ConsumerConfig.configDef()),
        ADMIN("admin client", AdminClientConfig.configDef());

        private final String name;
        private final ConfigDef def;

        NativeClient(String name, ConfigDef def) {
            this.name = name;
            this.def = def;
        }

        void check(String option, String key, String value) {
            if (!def.names().contains(key)) return; // plugin settings: the plugin reads them
            Map<String, Object> one = new HashMap<>();
            one.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"); // required, no default
            one.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            one.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            one.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            one.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            one.put(key, value);
            try {
                def.parse(one);
            } catch (ConfigException e) {
                boolean secret = Redaction.isSecretKey(option) || def.configKeys().get(key).type == ConfigDef.Type.PASSWORD;
                throw new ConfigurationException(option, secret ? "****" : value, "a value the Kafka " + name
                        + " accepts for '" + key + "'" + (secret ? "" : " (Kafka says: " + e.getMessage() + ")"));
            }
        }
    }

    private static Duration positive(DriverConfig config, String key, Duration defaultValue) {
        Duration d = config.durationOption(key, defaultValue);
        if (d.isZero() || d.isNegative()) throw new ConfigurationException(key, d, "a positive duration such as 10s");
        return d;
    }

    /** Effective producer setting: the user's pass-through value, or the driver default. */
    String producerSetting(String key, String defaultValue) {
        Object v = producer.get(key);
        return v == null ? defaultValue : v.toString().trim();
    }
}
