package dev.omnibus.pulsar.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.internal.Redaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a builder's refusal of {@code pulsar.*} pass-through settings into a {@link ConfigurationException}
 * naming the option(s) as the user wrote them: each key is loaded alone into a fresh builder to find the
 * ones at fault. Values of secret keys ({@code authParams}, passwords) are never shown, nor is a native
 * message that quotes one.
 */
final class PassThroughErrors {
    private PassThroughErrors() {}

    /**
     * @param prefix  how the user wrote the keys, e.g. {@code pulsar.producer.}
     * @param builder what the settings are for, e.g. {@code ProducerBuilder}
     * @param load    loads settings into a fresh builder, throwing when it refuses them
     */
    static ConfigurationException refused(String prefix, String builder, Map<String, Object> settings,
                                          Consumer<Map<String, Object>> load, Throwable failure) {
        List<String> culprits = new ArrayList<>();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            try {
                load.accept(Map.of(e.getKey(), e.getValue()));
            } catch (RuntimeException refused) {
                culprits.add(e.getKey());
            }
        }
        String why = rootMessage(failure, settings);
        if (culprits.size() == 1) {
            String key = culprits.get(0);
            return new ConfigurationException(prefix + key, String.valueOf(settings.get(key)),
                    "a value the Pulsar " + builder + " accepts for '" + key + "' (" + why + ")");
        }
        List<String> named = (culprits.isEmpty() ? new ArrayList<>(settings.keySet()) : culprits).stream()
                .map(k -> prefix + k).toList();
        return new ConfigurationException("Invalid pass-through option(s) " + named + " for the Pulsar " + builder
                + ": " + why);
    }

    /** The innermost message, with every secret value masked. */
    private static String rootMessage(Throwable t, Map<String, Object> settings) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String text = String.valueOf(root.getMessage());
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            String v = String.valueOf(e.getValue());
            if (Redaction.isSecretKey(e.getKey()) && !v.isEmpty()) text = text.replace(v, "****");
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
