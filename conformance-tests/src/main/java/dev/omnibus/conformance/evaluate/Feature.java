package dev.omnibus.conformance.evaluate;

import dev.omnibus.Capability;

import java.util.Arrays;
import java.util.Optional;

/**
 * What each group of the kit proves. Capability-backed features are declared (or not) by the driver;
 * the others are semantics every driver must keep.
 */
enum Feature {
    ENVELOPE("RoundTrip", null, "every envelope field, 0 B and 1 MiB payloads, unicode, 50 extensions"),
    RANDOM_ENVELOPES("RandomEnvelopes", null, "150 random envelopes (jqwik): delivered exactly or refused with the attribute named"),
    CONSUMER_GROUPS("ConsumerGroups", Capability.CONSUMER_GROUPS, "competing consumers, fan-out to three groups"),
    PER_KEY_ORDERING("PerKeyOrdering", Capability.PER_KEY_ORDERING, "20 keys x 250, concurrency 4, with retries"),
    AT_LEAST_ONCE("AtLeastOnce", null, "redelivery after failure and after a closed subscription; no redelivery of completed work"),
    RETRY("Retry", null, "exact attempts, fixed and exponential spacing, non-retryable errors"),
    DEAD_LETTER("DeadLettering", null, "dead-letter metadata, poison isolation, redrive, foreign bytes"),
    IDEMPOTENCY("Idempotency", null, "duplicate publish and redelivery have one effect"),
    REQUEST_REPLY("RequestReplyGroup", Capability.REQUEST_REPLY, "200 concurrent requests, timeouts, remote errors"),
    REPLAY("Replay", Capability.REPLAY, "new group from earliest sees history; latest skips it"),
    LIFECYCLE("Lifecycle", null, "close while busy loses nothing; closed instances fail clearly"),
    BAD_INPUT("BadInput", null, "oversized messages, bad names and options, undeclared capabilities fail fast"),
    CAPABILITY_STATEMENTS("CapabilityStatements", null,
            "each configuration the driver states in offers() declares its capability; hints name only those"),
    LINEAGE("LineageGroup", null, "correlationid and causationid over a chain of three hops; explicit values kept"),
    OBSERVATION("Observation", null, "observers see publishes, each attempt, dead letters and settlements; a throwing observer breaks nothing; health"),
    SCHEDULED_DELIVERY("ScheduledDelivery", Capability.SCHEDULED_DELIVERY,
            "not before due, in order of due times, past times at once, the limit named, every group"),
    DELAYED_REDELIVERY("DelayedRedelivery", Capability.DELAYED_REDELIVERY,
            "redeliveries spaced by the schedule, attempt count continued, whole history in the dead letter"),
    ORDERED_DELAYED_REDELIVERY("OrderedDelayedRedelivery", Capability.ORDERED_DELAYED_REDELIVERY,
            "PER_KEY, concurrency 4, two consumers: the key waits for its delayed message, also across a consumer restart"),
    LAG("Lag", Capability.LAG, "7 published and not consumed = lag 7 as the broker reports it; 0 once consumed"),
    ADMIN("Admin", Capability.ADMIN, "topics and groups listed, a group and a topic deleted; a redrive creates no <topic>.dlq.dlq"),
    DURABLE("EvaluatedBrokerFaultTest", Capability.DURABLE,
            "evaluate --faults: broker SIGKILL, graceful stop and cut connections mid-stream lose no acknowledged publish; crashed consumers");

    final String nestedClass;
    final Capability capability;
    final String proves;

    Feature(String nestedClass, Capability capability, String proves) {
        this.nestedClass = nestedClass;
        this.capability = capability;
        this.proves = proves;
    }

    static Optional<Feature> ofNestedClass(String simpleName) {
        return Arrays.stream(values()).filter(f -> f.nestedClass.equals(simpleName)).findFirst();
    }
}
