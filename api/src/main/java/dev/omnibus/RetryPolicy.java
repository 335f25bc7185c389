package dev.omnibus;

import io.github.resilience4j.core.IntervalFunction;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How often and how far apart a failing handler is invoked before the message is dead-lettered.
 * Exactly {@link #maxAttempts()} invocations happen in total (1 = no retry). Delays come from a
 * resilience4j {@link IntervalFunction} (exponential with jitter by default). A retry holds back only
 * the failing message's key; other keys keep flowing. Immutable.
 *
 * <p>Non-retryable errors skip the remaining attempts and go straight to the dead-letter topic:
 * {@link DeadLetterException}, {@link CodecException}, {@link InvalidEnvelopeException} always, plus
 * the types given to {@link #nonRetryable(Class[])}.
 */
public final class RetryPolicy {
    private static final List<Class<? extends Throwable>> ALWAYS_FATAL =
            List.of(DeadLetterException.class, CodecException.class, InvalidEnvelopeException.class);

    private final int maxAttempts;
    private final IntervalFunction intervals;
    private final String description;
    private final Set<Class<? extends Throwable>> nonRetryable;

    private RetryPolicy(int maxAttempts, IntervalFunction intervals, String description,
                        Set<Class<? extends Throwable>> nonRetryable) {
        if (maxAttempts < 1) {
            throw new ConfigurationException("retry.maxAttempts", maxAttempts, "an integer >= 1 (1 means no retry)");
        }
        this.maxAttempts = maxAttempts;
        this.intervals = Objects.requireNonNull(intervals, "intervals");
        this.description = description;
        this.nonRetryable = Set.copyOf(nonRetryable);
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, attempt -> 0L, "none", Set.of());
    }

    /** Exponential backoff: initial, ×2 each attempt, capped at 30 s, ±50 % jitter. */
    public static RetryPolicy exponential(int maxAttempts, Duration initial) {
        return exponential(maxAttempts, initial, 2.0, Duration.ofSeconds(30), 0.5);
    }

    /**
     * Exponential backoff with explicit multiplier, cap and jitter ({@code randomization} 0 = none,
     * 0.5 = each delay drawn uniformly from ±50 % of the nominal one).
     */
    public static RetryPolicy exponential(int maxAttempts, Duration initial, double multiplier, Duration max,
                                          double randomization) {
        requirePositive("retry.initialInterval", initial);
        if (multiplier < 1.0) throw new ConfigurationException("retry.multiplier", multiplier, "a number >= 1.0");
        if (randomization < 0 || randomization >= 1) {
            throw new ConfigurationException("retry.randomization", randomization, "a number in [0, 1)");
        }
        IntervalFunction f = randomization == 0
                ? IntervalFunction.ofExponentialBackoff(initial, multiplier, max)
                : IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, randomization, max);
        return new RetryPolicy(maxAttempts, f, "exponential(" + maxAttempts + ", " + initial + ", x" + multiplier
                + ", max " + max + ", jitter " + randomization + ")", Set.of());
    }

    /** The same delay before every retry. */
    public static RetryPolicy fixed(int maxAttempts, Duration delay) {
        if (delay.isNegative()) throw new ConfigurationException("retry.delay", delay, "a duration >= 0");
        long millis = delay.toMillis(); // resilience4j's IntervalFunction.of rejects 0 ms; a fixed delay needs no more
        return new RetryPolicy(maxAttempts, attempt -> millis, "fixed(" + maxAttempts + ", " + delay + ")", Set.of());
    }

    /** Any resilience4j interval function. */
    public static RetryPolicy of(int maxAttempts, IntervalFunction intervals) {
        return new RetryPolicy(maxAttempts, intervals, "custom(" + maxAttempts + ")", Set.of());
    }

    /** A copy that dead-letters these exception types (and subtypes) without retrying. */
    @SafeVarargs
    public final RetryPolicy nonRetryable(Class<? extends Throwable>... types) {
        Set<Class<? extends Throwable>> all = new LinkedHashSet<>(nonRetryable);
        all.addAll(List.of(types));
        return new RetryPolicy(maxAttempts, intervals, description, all);
    }

    /** Total handler invocations before dead-lettering. */
    public int maxAttempts() { return maxAttempts; }

    /** Delay before attempt {@code nextAttempt} (2 = the first retry). */
    public Duration delayBefore(int nextAttempt) {
        if (nextAttempt < 2) return Duration.ZERO;
        return Duration.ofMillis(intervals.apply(nextAttempt - 1));
    }

    /** Whether {@code error} may be retried (the attempts left decide whether it will be). */
    public boolean isRetryable(Throwable error) {
        for (Class<? extends Throwable> c : ALWAYS_FATAL) if (c.isInstance(error)) return false;
        for (Class<? extends Throwable> c : nonRetryable) if (c.isInstance(error)) return false;
        return true;
    }

    @Override public String toString() { return description; }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new ConfigurationException(key, d, "a positive duration");
    }
}
