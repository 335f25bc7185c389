package dev.omnibus.spring.boot;

import dev.omnibus.micrometer.OmnibusMetrics;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.opentelemetry.OmnibusTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Metrics and tracing from the application's own beans: with {@code omnibus-micrometer} on the class
 * path, the context's {@link MeterRegistry} gets Omnibus's meters (and lag gauges); with
 * {@code omnibus-opentelemetry}, the context's {@link OpenTelemetry} gets its spans. Both are
 * {@link MessagingObserver} beans, which {@link OmnibusAutoConfiguration} adds to the connection; an
 * application that declares its own bean of the same name replaces them. When the context has no such
 * registry or SDK, the observer does nothing.
 */
@AutoConfiguration(before = OmnibusAutoConfiguration.class)
public class OmnibusObservabilityAutoConfiguration {

    /** Omnibus meters into the application's MeterRegistry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.omnibus.micrometer.OmnibusMetrics", "io.micrometer.core.instrument.MeterRegistry"})
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean(name = "omnibusMetricsObserver")
        MessagingObserver omnibusMetricsObserver(ObjectProvider<MeterRegistry> registry) {
            MeterRegistry r = registry.getIfAvailable();
            return r == null ? new MessagingObserver() {} : OmnibusMetrics.create(r).observer();
        }
    }

    /** Omnibus spans through the application's OpenTelemetry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.omnibus.opentelemetry.OmnibusTelemetry", "io.opentelemetry.api.OpenTelemetry"})
    static class Tracing {
        @Bean
        @ConditionalOnMissingBean(name = "omnibusTracingObserver")
        MessagingObserver omnibusTracingObserver(ObjectProvider<OpenTelemetry> openTelemetry) {
            OpenTelemetry otel = openTelemetry.getIfAvailable();
            return otel == null ? new MessagingObserver() {} : OmnibusTelemetry.create(otel).observer();
        }
    }
}
