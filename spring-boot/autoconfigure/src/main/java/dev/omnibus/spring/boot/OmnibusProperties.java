package dev.omnibus.spring.boot;

import dev.omnibus.Capability;
import dev.omnibus.MessagingConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code omnibus.*} properties the auto-configured {@link dev.omnibus.Messaging} is built from.
 * {@code omnibus.url} picks the driver by its scheme (switching broker is this one property);
 * {@code omnibus.options.*} passes any driver option (keys prefixed {@code kafka.}, {@code pulsar.} or
 * {@code rabbitmq.} go straight to the native client). {@link #toString()} never shows secrets: the URL's
 * password and option values whose key looks secret are masked.
 */
@ConfigurationProperties(prefix = "omnibus")
public class OmnibusProperties {

    /** Broker URL; its scheme picks the driver: kafka://, pulsar://, amqp://, memory://. */
    private String url = MessagingConfig.DEFAULT_URL;

    /** Driver and native-client options (e.g. kafka.linger.ms, rabbitmq.requestedHeartbeat). */
    private Map<String, String> options = new LinkedHashMap<>();

    /** Capabilities the application relies on; start-up fails listing those the driver lacks. */
    private List<Capability> require = new ArrayList<>();

    /** How long closing waits for running handlers (the core's closeTimeout option); unset keeps the core default (10s). */
    private Duration closeTimeout;

    /** Default timeout of requests (the core's requestTimeout option); unset keeps the core default (30s). */
    private Duration requestTimeout;

    /** Whether observers of MessagingObserverProviders found by ServiceLoader are added besides the context's MessagingObserver beans. */
    private boolean discoverObservers = false;

    private final Listener listener = new Listener();

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public Map<String, String> getOptions() { return options; }
    public void setOptions(Map<String, String> options) { this.options = options; }
    public List<Capability> getRequire() { return require; }
    public void setRequire(List<Capability> require) { this.require = require; }
    public Duration getCloseTimeout() { return closeTimeout; }
    public void setCloseTimeout(Duration closeTimeout) { this.closeTimeout = closeTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public boolean isDiscoverObservers() { return discoverObservers; }
    public void setDiscoverObservers(boolean discoverObservers) { this.discoverObservers = discoverObservers; }
    public Listener getListener() { return listener; }

    /** The core configuration these properties describe (observers are added by the auto-configuration). */
    public MessagingConfig.Builder toConfigBuilder() {
        MessagingConfig.Builder b = MessagingConfig.builder(url).options(options).discoverObservers(discoverObservers);
        if (closeTimeout != null) b.option("closeTimeout", closeTimeout.toMillis() + "ms");
        if (requestTimeout != null) b.option("requestTimeout", requestTimeout.toMillis() + "ms");
        if (!require.isEmpty()) b.require(require.toArray(Capability[]::new));
        return b;
    }

    @Override
    public String toString() {
        return "OmnibusProperties{" + MessagingConfig.builder(url).options(options).build()
                + ", require=" + require + ", closeTimeout=" + closeTimeout + "}";
    }

    /** Settings of the {@link OmnibusListener} and {@link OmnibusResponder} methods. */
    public static class Listener {
        /** Whether annotated listeners subscribe when the context starts (false: start the OmnibusListenerContainer bean yourself). */
        private boolean autoStartup = true;

        /** How long stopping waits for the in-flight handlers of each subscription to finish (graceful shutdown). */
        private Duration drainTimeout = Duration.ofSeconds(20);

        public boolean isAutoStartup() { return autoStartup; }
        public void setAutoStartup(boolean autoStartup) { this.autoStartup = autoStartup; }
        public Duration getDrainTimeout() { return drainTimeout; }
        public void setDrainTimeout(Duration drainTimeout) { this.drainTimeout = drainTimeout; }
    }
}
