package dev.omnibus.opentelemetry;

import dev.omnibus.MessagingConfig;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.MessagingObserverProvider;
import io.opentelemetry.api.GlobalOpenTelemetry;

/**
 * Found by ServiceLoader when this module is on the class path: traces every {@code Messaging} instance
 * with {@link GlobalOpenTelemetry} (set by the OpenTelemetry SDK autoconfigure module or the Java agent;
 * a no-op until one is installed). {@code MessagingConfig.Builder.discoverObservers(false)} leaves out
 * every discovered observer; give {@link OmnibusTelemetry#observer()} explicitly then if wanted.
 */
public final class OmnibusTelemetryProvider implements MessagingObserverProvider {
    @Override
    public MessagingObserver create(MessagingConfig config) {
        return OmnibusTelemetry.create(GlobalOpenTelemetry.get()).observer();
    }
}
