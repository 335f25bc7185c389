package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import dev.omnibus.ConfigurationException;

import java.util.List;
import java.util.Map;

/**
 * The {@code rabbitmq.*} pass-through keys applied to amqp-client's {@link ConnectionFactory}. Only the
 * listed settings are supported; anything else is rejected naming the key and the supported ones.
 */
final class NativeSettings {
    static final List<String> SUPPORTED = List.of("requestedHeartbeat", "requestedChannelMax", "requestedFrameMax",
            "handshakeTimeout", "shutdownTimeout", "channelRpcTimeout", "connectionName");

    private NativeSettings() {}

    static void validate(Map<String, String> settings) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!SUPPORTED.contains(e.getKey())) {
                throw new ConfigurationException("rabbitmq." + e.getKey(), e.getValue(),
                        "a supported native setting, one of " + SUPPORTED.stream().map(k -> "rabbitmq." + k).toList()
                                + ", or a driver option " + RabbitSettings.DRIVER_KEYS);
            }
            if (!e.getKey().equals("connectionName")) number(e.getKey(), e.getValue());
        }
    }

    static void apply(Map<String, String> settings, ConnectionFactory f) {
        settings.forEach((key, value) -> {
            switch (key) {
                case "requestedHeartbeat" -> f.setRequestedHeartbeat(number(key, value));
                case "requestedChannelMax" -> f.setRequestedChannelMax(number(key, value));
                case "requestedFrameMax" -> f.setRequestedFrameMax(number(key, value));
                case "handshakeTimeout" -> f.setHandshakeTimeout(number(key, value));
                case "shutdownTimeout" -> f.setShutdownTimeout(number(key, value));
                case "channelRpcTimeout" -> f.setChannelRpcTimeout(number(key, value));
                case "connectionName" -> { /* applied at newConnection(name) */ }
                default -> throw new IllegalStateException("validated above: " + key);
            }
        });
    }

    private static int number(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("rabbitmq." + key, value, "a non-negative integer");
        }
    }
}
