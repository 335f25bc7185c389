package dev.omnibus;

import java.util.EnumSet;
import java.util.Set;

/**
 * A semantic a driver declares for its current configuration. A declared capability is proven by the
 * conformance kit; using an undeclared one fails fast with {@link UnsupportedCapabilityException}.
 */
public enum Capability {
    /** Competing consumers inside a named group, fan-out across groups. */
    CONSUMER_GROUPS("kafka, pulsar, amqp (a queue per group), nats (a durable consumer per group), memory"),
    /** One group sees the messages of one key in publish order, with any concurrency. */
    PER_KEY_ORDERING("kafka (partition by key), pulsar (Key_Shared), amqp (sharded single-active-consumer queues), memory"),
    /** A new group can start from the earliest retained message. */
    REPLAY("kafka, pulsar, amqp with rabbitmq.queueType=stream, nats, memory"),
    /** Acknowledged messages survive a broker restart. */
    DURABLE("kafka, pulsar, amqp, nats (storage=file)"),
    /** The broker itself can hold a message back for a delay before redelivery. */
    DELAYED_REDELIVERY("pulsar"),
    /** The broker drops duplicate publishes of the same producer sequence. */
    BROKER_DEDUPLICATION("kafka (idempotent producer), pulsar (with deduplication enabled)"),
    /** request/respond with correlation and reply addresses. */
    REQUEST_REPLY("kafka, pulsar, amqp, nats, memory");

    private final String providers;

    Capability(String providers) { this.providers = providers; }

    /** Human-readable list of drivers/configurations that provide this capability. */
    public String providers() { return providers; }

    /** One sentence naming, per missing capability, who provides it. */
    public static String whoProvides(Set<Capability> missing) {
        StringBuilder sb = new StringBuilder();
        for (Capability c : missing.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(missing)) {
            sb.append(c).append(" is provided by ").append(c.providers).append(". ");
        }
        return sb.toString().trim();
    }
}
