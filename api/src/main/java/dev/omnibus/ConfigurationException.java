package dev.omnibus;

import dev.omnibus.internal.Redaction;

import java.util.Collection;

/**
 * A URL, option or subscribe setting is invalid. Thrown at connect or subscribe time, before any
 * traffic, and always names the key, the rejected value and what would be accepted.
 */
public class ConfigurationException extends OmnibusException {
    private final String key;

    /** The value is shown unless {@code key} names a secret ({@code password}, {@code token}, …): then {@code ****}. */
    public ConfigurationException(String key, Object value, String accepted) {
        super("Invalid value " + (key != null && value != null && Redaction.isSecretKey(key) ? "'****'" : quote(value))
                + " for '" + key + "': expected " + accepted);
        this.key = key;
    }

    public ConfigurationException(String message) {
        super(message);
        this.key = null;
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
        this.key = null;
    }

    /** The configuration key at fault, or {@code null} when the problem is not about one key. */
    public String key() { return key; }

    /** Formats a list of accepted values for messages: {@code one of [a, b, c]}. */
    public static String oneOf(Collection<?> accepted) { return "one of " + accepted; }

    private static String quote(Object value) { return value == null ? "null" : "'" + value + "'"; }
}
