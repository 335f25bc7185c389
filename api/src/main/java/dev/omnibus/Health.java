package dev.omnibus;

import java.util.List;

/**
 * A cheap snapshot for readiness probes ({@link Messaging#health()}): whether the driver's connection to
 * the broker is up as the native client knows it (no round trip), and the state of every subscription
 * of the instance. Lag is not part of it (it costs a broker round trip): ask {@link Messaging#lag}.
 *
 * @param brokerReachable the native client's connection state
 * @param broker          the broker description
 * @param detail          why the broker is not reachable, or {@code ""}
 * @param subscriptions   one entry per open subscription
 */
public record Health(boolean brokerReachable, String broker, String detail, List<SubscriptionHealth> subscriptions) {
    public Health {
        subscriptions = List.copyOf(subscriptions);
    }

    /** Up: the broker is reachable and no subscription failed. */
    public boolean isUp() {
        return brokerReachable && subscriptions.stream().noneMatch(s -> s.state() == SubscriptionHealth.State.FAILED);
    }
}
