package dev.omnibus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Second-level retries: after the in-process attempts of a {@link RetryPolicy} are exhausted, the
 * message goes back to the broker, which delivers it again to the same group after the next delay of
 * this schedule; each redelivery gets the policy's in-process attempts again. When the schedule is
 * exhausted, the message is dead-lettered as before, with its whole history. Immutable.
 *
 * <p>Needs {@link Capability#DELAYED_REDELIVERY} with {@link Ordering#NONE}, and
 * {@link Capability#ORDERED_DELAYED_REDELIVERY} with {@link Ordering#PER_KEY}.
 */
public final class RedeliverySchedule {
    private final List<Duration> delays;
    private final String description;

    private RedeliverySchedule(List<Duration> delays, String description) {
        this.delays = List.copyOf(delays);
        this.description = description;
    }

    /** One redelivery per delay, in order, e.g. {@code of(1m, 5m, 30m)}. */
    public static RedeliverySchedule of(Duration... delays) {
        if (delays == null || delays.length == 0) {
            throw new ConfigurationException("redelivery", "[]", "at least one delay");
        }
        List<Duration> list = new ArrayList<>();
        for (Duration d : delays) {
            Objects.requireNonNull(d, "redelivery delay");
            if (d.isNegative() || d.isZero()) throw new ConfigurationException("redelivery", d, "delays > 0");
            list.add(d);
        }
        return new RedeliverySchedule(list, "redelivery" + list);
    }

    /**
     * {@code redeliveries} delays starting at {@code first}, each {@code multiplier} times the one before,
     * capped at {@code max}.
     */
    public static RedeliverySchedule exponential(int redeliveries, Duration first, double multiplier, Duration max) {
        if (redeliveries < 1) throw new ConfigurationException("redelivery.count", redeliveries, "an integer >= 1");
        if (multiplier < 1.0) throw new ConfigurationException("redelivery.multiplier", multiplier, "a number >= 1.0");
        Objects.requireNonNull(max, "max");
        if (first == null || first.isNegative() || first.isZero()) throw new ConfigurationException("redelivery.first", first, "a duration > 0");
        List<Duration> list = new ArrayList<>();
        double millis = first.toMillis();
        for (int i = 0; i < redeliveries; i++) {
            Duration d = Duration.ofMillis((long) Math.min(millis, max.toMillis()));
            list.add(d.isZero() ? Duration.ofMillis(1) : d);
            millis *= multiplier;
        }
        return new RedeliverySchedule(list, "exponential(" + redeliveries + ", " + first + ", x" + multiplier + ", max " + max + ")");
    }

    /** How many redeliveries the schedule allows. */
    public int redeliveries() { return delays.size(); }

    /**
     * The delay before redelivery number {@code redelivery} (1 = the first), or {@code null} when the
     * schedule is exhausted and the message is to be dead-lettered.
     */
    public Duration delayBefore(int redelivery) {
        if (redelivery < 1) throw new IllegalArgumentException("redelivery numbers start at 1: " + redelivery);
        return redelivery <= delays.size() ? delays.get(redelivery - 1) : null;
    }

    /** The delays, in order. */
    public List<Duration> delays() { return delays; }

    @Override
    public boolean equals(Object o) { return o instanceof RedeliverySchedule r && delays.equals(r.delays); }

    @Override
    public int hashCode() { return delays.hashCode(); }

    @Override
    public String toString() { return description; }
}
