package dev.omnibus.spring.boot;

import dev.omnibus.Messaging;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link OmnibusHealthIndicator} as the {@code omnibus} health contributor when Spring Boot's
 * health support (Spring Boot 4's {@code spring-boot-health}, brought by the Actuator starter) is on the class
 * path. Disable with {@code management.health.omnibus.enabled=false}.
 */
@AutoConfiguration(after = OmnibusAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(Messaging.class)
@ConditionalOnProperty(prefix = "management.health.omnibus", name = "enabled", matchIfMissing = true)
public class OmnibusHealthAutoConfiguration {

    @Bean(name = "omnibusHealthIndicator")
    @ConditionalOnMissingBean(name = "omnibusHealthIndicator")
    public OmnibusHealthIndicator omnibusHealthIndicator(Messaging messaging, ObjectProvider<OmnibusListenerContainer> listeners) {
        return new OmnibusHealthIndicator(messaging, listeners.getIfAvailable());
    }
}
