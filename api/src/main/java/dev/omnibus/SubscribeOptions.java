package dev.omnibus;

import dev.omnibus.idempotency.IdempotencyStore;

import java.time.Duration;
import java.util.Objects;

/**
 * How to subscribe. Immutable: every method returns a modified copy.
 *
 * <pre>{@code
 * SubscribeOptions.group("fulfillment").concurrency(4)
 *     .retry(RetryPolicy.exponential(5, Duration.ofMillis(200)))
 * }</pre>
 *
 * Defaults: no group (every group-less subscription gets every message), start from LATEST,
 * per-key ordering, concurrency 1, maxInFlight 256, retry exponential(5, 200 ms), dead letters to
 * {@code <topic>.dlq}, no idempotency store, handlers on the core's workers (not on the delivery thread).
 */
public final class SubscribeOptions {
    /** Highest accepted concurrency. */
    public static final int MAX_CONCURRENCY = 1024;

    private final String group;
    private final StartFrom startFrom;
    private final Ordering ordering;
    private final int concurrency;
    private final int maxInFlight;
    private final RetryPolicy retry;
    private final String deadLetterTopic;
    private final boolean deadLetterEnabled;
    private final IdempotencyStore idempotency;
    private RedeliverySchedule redelivery;
    private boolean onDeliveryThread;
    private java.util.Set<Capability> required = java.util.Set.of();

    private SubscribeOptions(String group, StartFrom startFrom, Ordering ordering, int concurrency, int maxInFlight,
                             RetryPolicy retry, String deadLetterTopic, boolean deadLetterEnabled,
                             IdempotencyStore idempotency) {
        this.group = group;
        this.startFrom = startFrom;
        this.ordering = ordering;
        this.concurrency = concurrency;
        this.maxInFlight = maxInFlight;
        this.retry = retry;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterEnabled = deadLetterEnabled;
        this.idempotency = idempotency;
    }

    /** Defaults with no group: a fan-out subscription that sees messages published from now on. */
    public static SubscribeOptions defaults() {
        return new SubscribeOptions(null, StartFrom.LATEST, Ordering.PER_KEY, 1, 256,
                RetryPolicy.exponential(5, Duration.ofMillis(200)), null, true, null);
    }

    /** Defaults in a named consumer group. */
    public static SubscribeOptions group(String group) { return defaults().inGroup(group); }

    /** Competing consumers inside {@code group}; fan-out across groups. Needs {@link Capability#CONSUMER_GROUPS}. */
    public SubscribeOptions inGroup(String group) {
        if (group != null && (group.isBlank() || group.length() > 200)) {
            throw new ConfigurationException("group", group, "a non-blank name of at most 200 characters, or null");
        }
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, deadLetterTopic,
                deadLetterEnabled, idempotency));
    }

    /** Where a new group starts; EARLIEST needs {@link Capability#REPLAY}. */
    public SubscribeOptions startFrom(StartFrom startFrom) {
        return keep(new SubscribeOptions(group, Objects.requireNonNull(startFrom, "startFrom"), ordering, concurrency,
                maxInFlight, retry, deadLetterTopic, deadLetterEnabled, idempotency));
    }

    /** PER_KEY (default) or NONE. */
    public SubscribeOptions ordering(Ordering ordering) {
        return keep(new SubscribeOptions(group, startFrom, Objects.requireNonNull(ordering, "ordering"), concurrency,
                maxInFlight, retry, deadLetterTopic, deadLetterEnabled, idempotency));
    }

    /**
     * Number of handler workers; with PER_KEY ordering one key is never on two workers at once. Workers are daemon
     * threads named {@code omnibus-<topic>-<group>-N} ({@code *} for a group-less subscription).
     */
    public SubscribeOptions concurrency(int concurrency) {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ConfigurationException("concurrency", concurrency, "an integer from 1 to " + MAX_CONCURRENCY);
        }
        if (onDeliveryThread && concurrency > 1) {
            throw new ConfigurationException("concurrency", concurrency, "1 while handleOnDeliveryThread is on (the driver's "
                    + "delivery thread is one thread), or handleOnDeliveryThread(false) first to run " + concurrency + " workers");
        }
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, deadLetterTopic,
                deadLetterEnabled, idempotency));
    }

    /** Upper bound of messages received but not yet completed; the driver stops fetching at the bound. */
    public SubscribeOptions maxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > 1_000_000) {
            throw new ConfigurationException("maxInFlight", maxInFlight, "an integer from 1 to 1000000");
        }
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, deadLetterTopic,
                deadLetterEnabled, idempotency));
    }

    public SubscribeOptions retry(RetryPolicy retry) {
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight,
                Objects.requireNonNull(retry, "retry"), deadLetterTopic, deadLetterEnabled, idempotency));
    }

    /** Dead letters go to {@code topic} instead of {@code <topic>.dlq}. */
    public SubscribeOptions deadLetter(String topic) {
        if (topic == null || !topic.matches("[A-Za-z0-9._\\-]{1,200}")) { // the portable topic names publish accepts
            throw new ConfigurationException("deadLetter", topic, "a topic name of 1-200 characters from A-Z a-z 0-9 . _ -");
        }
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, topic, true, idempotency));
    }

    /** Messages that exhaust their attempts are logged and discarded instead of dead-lettered. */
    public SubscribeOptions noDeadLetter() {
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, null, false, idempotency));
    }

    /** Deduplicate by (group, message id) through {@code store}: one effect per message. */
    public SubscribeOptions idempotency(IdempotencyStore store) {
        return keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry, deadLetterTopic,
                deadLetterEnabled, store));
    }

    /**
     * After the in-process attempts of {@link #retry} are exhausted, hand the message back to the broker
     * to be delivered again after each of {@code delays} (each time with the retry policy's attempts
     * again), then dead-letter it. Needs {@link Capability#DELAYED_REDELIVERY} ({@link Ordering#NONE}) or
     * {@link Capability#ORDERED_DELAYED_REDELIVERY} ({@link Ordering#PER_KEY}); subscribe fails fast otherwise.
     */
    public SubscribeOptions redelivery(Duration... delays) { return redelivery(RedeliverySchedule.of(delays)); }

    /** {@link #redelivery(Duration...)} with any schedule, e.g. {@link RedeliverySchedule#exponential}. */
    public SubscribeOptions redelivery(RedeliverySchedule schedule) {
        SubscribeOptions copy = keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry,
                deadLetterTopic, deadLetterEnabled, idempotency));
        copy.redelivery = Objects.requireNonNull(schedule, "redelivery");
        return copy;
    }

    /**
     * Runs the handler on the thread that receives the messages where the driver offers that, instead of handing
     * each message to a worker (default off). It saves the hand-off between threads, which at saturation is a
     * large part of what the abstraction costs per message (Kafka: see docs/benchmarks.md), and is the way most
     * code written against a native client works (a Kafka poll loop that processes its records).
     *
     * <p>What changes, and why it is not the default:
     * <ul>
     * <li>While a handler runs, the driver receives nothing else for this subscription: a handler that blocks for
     * long holds the delivery thread (on Kafka the poll loop, so a handler running longer than the consumer's
     * {@code max.poll.interval.ms}, 5 minutes by default, makes the group rebalance; with workers the loop keeps
     * polling). Use it for handlers that finish quickly.</li>
     * <li>Every other semantic stays: per-key order, retries with backoff (a message waiting for its next attempt
     * goes to a worker, and later messages of its key wait behind it there), dead letters, idempotency, lineage,
     * a draining close. A message that arrives while an earlier one waits for a retry or still runs on a worker
     * is handed to a worker too, so at most one handler runs at a time.</li>
     * <li>It needs {@code concurrency} 1, and it is ignored with a {@link #redelivery} schedule (handing a message
     * back may wait for the delivery thread) and on drivers whose delivery thread must not block
     * ({@link dev.omnibus.spi.Transport#deliveryThreadMayRunHandlers()}; of the shipped drivers Kafka and NATS offer
     * it): the handler then runs on the worker as without it.</li>
     * </ul>
     */
    public SubscribeOptions handleOnDeliveryThread(boolean on) {
        if (on && concurrency > 1) {
            throw new ConfigurationException("handleOnDeliveryThread", true, "false while concurrency is " + concurrency
                    + " (the driver's delivery thread is one thread), or concurrency(1) first");
        }
        SubscribeOptions copy = keep(new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry,
                deadLetterTopic, deadLetterEnabled, idempotency));
        copy.onDeliveryThread = on;
        return copy;
    }

    /** Whether {@link #handleOnDeliveryThread} was asked for. */
    public boolean handlesOnDeliveryThread() { return onDeliveryThread; }

    /** The redelivery schedule, or {@code null} for in-process retries only (the default). */
    public RedeliverySchedule redelivery() { return redelivery; }

    public String group() { return group; }
    public StartFrom startFrom() { return startFrom; }
    public Ordering ordering() { return ordering; }
    public int concurrency() { return concurrency; }
    public int maxInFlight() { return maxInFlight; }
    public RetryPolicy retry() { return retry; }
    public boolean deadLetterEnabled() { return deadLetterEnabled; }
    /** The dead-letter topic for messages of {@code topic}, or {@code null} when disabled. */
    public String deadLetterTopicFor(String topic) {
        if (!deadLetterEnabled) return null;
        return deadLetterTopic != null ? deadLetterTopic : topic + DeadLetters.DEFAULT_SUFFIX;
    }
    /** The idempotency store, or {@code null}. */
    public IdempotencyStore idempotency() { return idempotency; }

    /**
     * A copy that also requires {@code capabilities} (e.g. DURABLE for business events): subscribe
     * fails fast with {@link UnsupportedCapabilityException} when the driver lacks one. What the
     * options themselves need (groups, replay, per-key ordering) is required automatically.
     */
    public SubscribeOptions require(Capability... capabilities) {
        SubscribeOptions copy = new SubscribeOptions(group, startFrom, ordering, concurrency, maxInFlight, retry,
                deadLetterTopic, deadLetterEnabled, idempotency);
        java.util.Set<Capability> all = java.util.EnumSet.noneOf(Capability.class);
        all.addAll(required);
        all.addAll(java.util.List.of(capabilities));
        copy.required = java.util.Set.copyOf(all);
        copy.redelivery = redelivery;
        copy.onDeliveryThread = onDeliveryThread;
        return copy;
    }

    private SubscribeOptions keep(SubscribeOptions copy) {
        copy.required = required;
        copy.redelivery = redelivery;
        copy.onDeliveryThread = onDeliveryThread;
        return copy;
    }

    /** Capabilities stated with {@link #require}. */
    public java.util.Set<Capability> required() { return required; }

    @Override
    public String toString() {
        return "SubscribeOptions{group=" + group + ", startFrom=" + startFrom + ", ordering=" + ordering
                + ", concurrency=" + concurrency + ", maxInFlight=" + maxInFlight + ", retry=" + retry
                + ", deadLetter=" + (deadLetterEnabled ? (deadLetterTopic == null ? "<topic>.dlq" : deadLetterTopic) : "off")
                + ", idempotency=" + (idempotency == null ? "none" : idempotency.getClass().getSimpleName())
                + (redelivery == null ? "" : ", " + redelivery) + (onDeliveryThread ? ", handleOnDeliveryThread" : "") + "}";
    }
}
