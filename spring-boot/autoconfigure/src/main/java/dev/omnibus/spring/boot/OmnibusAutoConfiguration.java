package dev.omnibus.spring.boot;

import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.observation.MessagingObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link Messaging} from the {@code omnibus.*} properties ({@link OmnibusProperties}),
 * with every {@link MessagingObserver} bean of the context added (metrics and tracing are one bean away),
 * and the {@link OmnibusListenerContainer} running the {@link OmnibusListener} / {@link OmnibusResponder}
 * methods. Back off by declaring your own {@code Messaging} bean. Connecting fails start-up when the broker
 * is unreachable or, with {@code omnibus.require}, when the driver lacks a required capability (the
 * message lists which).
 */
@AutoConfiguration
@ConditionalOnClass(Messaging.class)
@EnableConfigurationProperties(OmnibusProperties.class)
public class OmnibusAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(OmnibusAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Messaging omnibusMessaging(OmnibusProperties properties, ObjectProvider<MessagingObserver> observers) {
        MessagingConfig.Builder builder = properties.toConfigBuilder();
        observers.orderedStream().forEach(builder::observer);
        MessagingConfig config = builder.build();
        Messaging messaging = Messaging.connect(config);
        log.info("Omnibus connected to {} ({}), capabilities {}", config.redactedUrl(), messaging.brokerDescription(),
                messaging.capabilities());
        return messaging;
    }

    @Bean
    @ConditionalOnMissingBean
    public OmnibusListenerContainer omnibusListenerContainer(Messaging messaging, ConfigurableListableBeanFactory beanFactory,
                                                             Environment environment, OmnibusProperties properties) {
        return new OmnibusListenerContainer(messaging, beanFactory, environment, properties.getListener());
    }
}
