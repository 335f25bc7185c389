package dev.omnibus.spring.boot;

import dev.omnibus.Capability;
import dev.omnibus.ConsumerLag;
import dev.omnibus.Health;
import dev.omnibus.Messaging;
import dev.omnibus.SubscriptionHealth;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Actuator health of the auto-configured {@link Messaging}: DOWN when the broker is unreachable or a
 * subscription FAILED (as {@link Health#isUp()} says), OUT_OF_SERVICE when the annotated listeners are
 * not running, UP otherwise. Details: broker, driver, each subscription's state and in-flight count and,
 * where the driver declares {@link Capability#LAG}, each group's lag.
 */
public class OmnibusHealthIndicator extends AbstractHealthIndicator {
    private final Messaging messaging;
    private final OmnibusListenerContainer listeners;

    public OmnibusHealthIndicator(Messaging messaging, OmnibusListenerContainer listeners) {
        super("Omnibus health check failed");
        this.messaging = messaging;
        this.listeners = listeners;
    }

    @Override
    protected void doHealthCheck(org.springframework.boot.health.contributor.Health.Builder builder) {
        Health health = messaging.health();
        boolean lag = messaging.capabilities().contains(Capability.LAG);
        List<Map<String, Object>> subs = new ArrayList<>();
        for (SubscriptionHealth s : health.subscriptions()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("topic", s.topic());
            if (s.group() != null) d.put("group", s.group());
            d.put("state", s.state().name());
            d.put("inFlight", s.inFlight());
            if (s.lastError() != null && !s.lastError().isBlank()) d.put("lastError", s.lastError());
            if (lag && s.group() != null && health.brokerReachable()) {
                try {
                    ConsumerLag l = messaging.lag(s.topic(), s.group());
                    d.put("lag", l.total());
                } catch (RuntimeException e) {
                    d.put("lag", "unavailable: " + e.getMessage());
                }
            }
            subs.add(d);
        }
        if (!health.isUp()) builder.down();
        else if (listeners != null && !listeners.endpoints().isEmpty() && !listeners.isRunning()) builder.outOfService();
        else builder.up();
        builder.withDetail("broker", health.broker())
                .withDetail("driver", messaging.driverName())
                .withDetail("brokerReachable", health.brokerReachable());
        if (health.detail() != null && !health.detail().isBlank()) builder.withDetail("detail", health.detail());
        builder.withDetail("subscriptions", subs);
    }
}
