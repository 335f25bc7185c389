package dev.omnibus;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How to publish one message. Immutable: every method returns a modified copy.
 *
 * <pre>{@code
 * bus.publish("reminders", reminder, PublishOptions.deliverAfter(Duration.ofMinutes(30)));
 * bus.publish("reports", report, PublishOptions.deliverAt(Instant.parse("2026-12-03T09:00:00Z")));
 * }</pre>
 *
 * A due time needs {@link Capability#SCHEDULED_DELIVERY}: the broker holds the message until then, and
 * every subscription of the topic receives it no earlier. A time in the past delivers at once. A delay
 * beyond what the driver supports fails the publish with a {@link ConfigurationException} naming the limit.
 */
public final class PublishOptions {
    private static final PublishOptions DEFAULTS = new PublishOptions(null, null);

    private final Instant deliverAt;
    private final Duration deliverAfter;

    private PublishOptions(Instant deliverAt, Duration deliverAfter) {
        this.deliverAt = deliverAt;
        this.deliverAfter = deliverAfter;
    }

    /** Deliver at once (what {@link Messaging#publish(String, Message)} does). */
    public static PublishOptions defaults() { return DEFAULTS; }

    /** Deliver no earlier than {@code time}. */
    public static PublishOptions deliverAt(Instant time) {
        return new PublishOptions(Objects.requireNonNull(time, "deliverAt"), null);
    }

    /** Deliver no earlier than {@code delay} after the publish is called. */
    public static PublishOptions deliverAfter(Duration delay) {
        Objects.requireNonNull(delay, "deliverAfter");
        if (delay.isNegative()) throw new ConfigurationException("deliverAfter", delay, "a duration >= 0");
        return new PublishOptions(null, delay);
    }

    /** True when the message is to be held until a due time. */
    public boolean isScheduled() { return deliverAt != null || deliverAfter != null; }

    /**
     * The due time of a publish called at {@code now}: the absolute time, or {@code now} plus the
     * delay; {@code null} when not scheduled.
     */
    public Instant dueTime(Instant now) {
        if (deliverAt != null) return deliverAt;
        return deliverAfter == null ? null : now.plus(deliverAfter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishOptions p && Objects.equals(deliverAt, p.deliverAt) && Objects.equals(deliverAfter, p.deliverAfter);
    }

    @Override
    public int hashCode() { return Objects.hash(deliverAt, deliverAfter); }

    @Override
    public String toString() {
        return deliverAt != null ? "PublishOptions{deliverAt=" + deliverAt + "}"
                : deliverAfter != null ? "PublishOptions{deliverAfter=" + deliverAfter + "}" : "PublishOptions{now}";
    }
}
