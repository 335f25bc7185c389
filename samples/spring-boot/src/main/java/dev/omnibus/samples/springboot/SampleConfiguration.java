package dev.omnibus.samples.springboot;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of the sample: the order store. Metrics need no bean here: with omnibus-micrometer on the class
 * path the starter feeds Boot's MeterRegistry (messaging.process.duration, omnibus.dead.letters, lag...).
 */
@Configuration(proxyBeanMethods = false)
public class SampleConfiguration {
    @Bean Orders orders() { return new Orders(); }
}
