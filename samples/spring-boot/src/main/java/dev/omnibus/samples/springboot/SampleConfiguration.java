package dev.omnibus.samples.springboot;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans of the sample: the order store and the listener counters. */
@Configuration(proxyBeanMethods = false)
public class SampleConfiguration {
    @Bean Orders orders() { return new Orders(); }

    /** A MessagingObserver bean: the starter adds it to the Messaging configuration. */
    @Bean ListenerCounters listenerCounters(MeterRegistry registry) { return new ListenerCounters(registry); }
}
