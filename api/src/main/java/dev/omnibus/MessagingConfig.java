package dev.omnibus;

import dev.omnibus.internal.Redaction;
import dev.omnibus.spi.MessagingDriver;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Connection settings: a URL whose scheme picks the driver, plus options. Options may also come as
 * URL query parameters ({@code kafka://h:9092?closeTimeout=5s}); options set here win. Keys prefixed
 * {@code kafka.}, {@code pulsar.} or {@code rabbitmq.} pass straight to the native client.
 *
 * <p>Common options read by the core: {@code closeTimeout} (how long {@link Messaging#close()} waits
 * for running handlers, default 10s) and {@code requestTimeout} (default for requests, 30s).
 * Immutable; {@link #toString()} never shows passwords.
 */
public final class MessagingConfig {
    /** Environment variable read by {@link #fromEnvironment()}. */
    public static final String URL_ENV = "OMNIBUS_URL";
    /** System property read by {@link #fromEnvironment()} (before the classpath file). */
    public static final String URL_PROPERTY = "omnibus.url";
    /** Classpath resource read by {@link #fromEnvironment()}. */
    public static final String PROPERTIES_RESOURCE = "omnibus.properties";
    /** URL used by {@link #fromEnvironment()} when nothing is configured: the embedded broker. */
    public static final String DEFAULT_URL = "memory://default";

    private final String url;
    private final Map<String, String> options;
    private final MessagingDriver driver;
    private final java.util.Set<Capability> required;
    private final java.util.List<dev.omnibus.observation.MessagingObserver> observers;
    private final boolean discoverObservers;

    private MessagingConfig(Builder b) {
        if (b.url == null || b.url.isBlank()) {
            throw new ConfigurationException("url", b.url, "a URL such as kafka://127.0.0.1:9092, pulsar://127.0.0.1:6650, "
                    + "amqp://guest:guest@127.0.0.1:5672/ or memory://demo");
        }
        this.url = b.url.trim();
        this.options = Map.copyOf(b.options);
        this.driver = b.driver;
        this.required = b.required.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(b.required);
        this.observers = java.util.List.copyOf(b.observers);
        this.discoverObservers = b.discoverObservers;
    }

    public static Builder builder(String url) { return new Builder().url(url); }

    /** Just a URL. */
    public static MessagingConfig of(String url) { return builder(url).build(); }

    /**
     * Reads the URL from the environment variable {@code OMNIBUS_URL}, else the system property
     * {@code omnibus.url}, else {@code omnibus.properties} on the class path (key {@code url}; every other
     * key becomes an option), else {@value #DEFAULT_URL}.
     */
    public static MessagingConfig fromEnvironment() {
        Properties file = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(PROPERTIES_RESOURCE)) {
            if (in != null) file.load(in);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read " + PROPERTIES_RESOURCE + " from the class path: " + e.getMessage(), e);
        }
        String url = System.getenv(URL_ENV);
        if (url == null || url.isBlank()) url = System.getProperty(URL_PROPERTY);
        if (url == null || url.isBlank()) url = file.getProperty("url");
        if (url == null || url.isBlank()) url = DEFAULT_URL;
        Builder b = builder(url);
        for (String k : file.stringPropertyNames()) if (!k.equals("url")) b.option(k, file.getProperty(k));
        return b.build();
    }

    /** The URL as given. May hold a password: do not log it, use {@link #redactedUrl()}. */
    public String url() { return url; }
    public String redactedUrl() { return Redaction.scrubUrls(url); }
    public Map<String, String> options() { return options; }
    /** Explicit driver, bypassing ServiceLoader discovery, or {@code null}. */
    public MessagingDriver driver() { return driver; }

    /** Capabilities the application needs; connect fails fast when the driver lacks any. */
    public java.util.Set<Capability> required() { return required; }

    /** Observers given explicitly (metrics, tracing), in order. */
    public java.util.List<dev.omnibus.observation.MessagingObserver> observers() { return observers; }

    /** Whether observers of {@link dev.omnibus.observation.MessagingObserverProvider}s on the class path are added (default true). */
    public boolean discoverObservers() { return discoverObservers; }

    /** A builder holding this configuration, to derive another one. */
    public Builder toBuilder() {
        Builder b = new Builder().url(url).options(options);
        b.driver = driver;
        b.required.addAll(required);
        b.observers.addAll(observers);
        b.discoverObservers = discoverObservers;
        return b;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        options.forEach((k, v) -> shown.put(k, Redaction.isSecretKey(k) ? "****" : v));
        return "MessagingConfig{url=" + redactedUrl() + ", options=" + shown
                + (driver == null ? "" : ", driver=" + driver.getClass().getName()) + "}";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private String url;
        private final Map<String, String> options = new LinkedHashMap<>();
        private MessagingDriver driver;
        private final java.util.Set<Capability> required = java.util.EnumSet.noneOf(Capability.class);
        private final java.util.List<dev.omnibus.observation.MessagingObserver> observers = new java.util.ArrayList<>();
        private boolean discoverObservers = true;

        private Builder() {}

        /** Adds an observer (metrics, tracing) that sees every publish, handler attempt and settlement. */
        public Builder observer(dev.omnibus.observation.MessagingObserver observer) {
            observers.add(java.util.Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /** Whether to add the observers of providers found on the class path (default true). */
        public Builder discoverObservers(boolean discover) { this.discoverObservers = discover; return this; }

        /**
         * States what the application relies on. {@link Messaging#connect(MessagingConfig)} then fails
         * with {@link UnsupportedCapabilityException}, naming what is missing and who provides it,
         * instead of the application discovering it in production.
         */
        public Builder require(Capability... capabilities) {
            required.addAll(java.util.List.of(capabilities));
            return this;
        }

        public Builder url(String url) { this.url = url; return this; }

        public Builder option(String key, String value) {
            if (key == null || key.isBlank()) throw new ConfigurationException("option key", key, "a non-blank key");
            if (value == null) options.remove(key); else options.put(key, value);
            return this;
        }

        public Builder options(Map<String, String> values) { values.forEach(this::option); return this; }

        /** Use this driver instead of discovering one by the URL's scheme (SLF4J-style explicit override). */
        public Builder driver(MessagingDriver driver) { this.driver = driver; return this; }

        public MessagingConfig build() { return new MessagingConfig(this); }
    }
}
