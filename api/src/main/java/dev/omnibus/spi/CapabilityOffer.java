package dev.omnibus.spi;

import dev.omnibus.Capability;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A driver's statement that connecting with {@link #options()} (on top of the URL and whatever else is
 * configured) gives {@link #capability()}. The conformance kit connects to a real broker with exactly
 * these options and fails when the transport does not declare the capability, so a statement can never
 * promise what the driver does not do; the messages that say who provides a missing capability are built
 * from these statements only.
 *
 * @param capability the capability provided
 * @param options    the connection options that give it (URL query keys); may restate default values so
 *                   that the kit can check the statement whatever else is configured
 * @param byDefault  true when the options are the driver's defaults (the hint then names the driver alone)
 */
public record CapabilityOffer(Capability capability, Map<String, String> options, boolean byDefault) {

    public CapabilityOffer {
        Objects.requireNonNull(capability, "capability");
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /** Provided with the driver's default configuration. */
    public static CapabilityOffer byDefault(Capability capability) { return new CapabilityOffer(capability, Map.of(), true); }

    /** Provided by default, where the default is {@code key=value} (which another setting may turn off). */
    public static CapabilityOffer byDefault(Capability capability, String key, String value) {
        return new CapabilityOffer(capability, Map.of(key, value), true);
    }

    /** Provided only when the option {@code key} is set to {@code value}. */
    public static CapabilityOffer with(Capability capability, String key, String value) {
        return new CapabilityOffer(capability, Map.of(key, value), false);
    }

    /** "" when provided by default, else the options as a URL query, e.g. {@code queueType=stream}. */
    public String configuration() {
        if (byDefault) return "";
        return new TreeMap<>(options).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }
}
