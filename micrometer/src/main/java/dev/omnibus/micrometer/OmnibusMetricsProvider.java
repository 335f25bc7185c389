package dev.omnibus.micrometer;

import dev.omnibus.MessagingConfig;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.MessagingObserverProvider;
import io.micrometer.core.instrument.Metrics;

/**
 * Found by ServiceLoader when this module is on the class path: meters every {@code Messaging} instance
 * into Micrometer's global registry ({@link Metrics#globalRegistry}; add your registry to it, as Spring
 * Boot does). {@code MessagingConfig.Builder.discoverObservers(false)} leaves it out.
 */
public final class OmnibusMetricsProvider implements MessagingObserverProvider {
    @Override
    public MessagingObserver create(MessagingConfig config) {
        return OmnibusMetrics.create(Metrics.globalRegistry).observer();
    }
}
