package dev.omnibus.internal;

import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.DropMessageException;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.Ordering;
import dev.omnibus.Redeliveries;
import dev.omnibus.RedeliverySchedule;
import dev.omnibus.RetryLaterException;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.SubscriptionHealth;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.observation.SettleContext;
import dev.omnibus.observation.SettleOutcome;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One subscription's consumer side, identical for every broker: per-key ordered dispatch over
 * {@code concurrency} workers, retry with backoff, dead-lettering, idempotency, and a draining close.
 * It is the sink the transport delivers into.
 */
final class ConsumerPipeline implements Consumer<Inbound>, Subscription {
    private static final Logger log = LoggerFactory.getLogger(ConsumerPipeline.class);
    private static final Duration CLAIM_BUSY_DELAY = Duration.ofMillis(100);
    private static final long DEAD_LETTER_TIMEOUT_SECONDS = 60;
    private static final long REDELIVERY_TIMEOUT_SECONDS = 60;

    private final String topic;
    private final SubscribeOptions options;
    private final MessageHandler handler;
    private final Transport transport;
    private final ObservedSender sender;
    private volatile String lastError = "";
    private volatile boolean deadLetterFailing;
    private volatile boolean redeliveryFailing;
    private final String deadLetterTopic;
    private final ExecutorService workers;
    private final KeyedDispatcher dispatcher;
    private final Duration defaultCloseTimeout;
    /** Handlers run on the transport's delivery thread while no worker has anything (SubscribeOptions.handleOnDeliveryThread). */
    private final boolean onDeliveryThread;
    private final Consumer<String> deadLetterTopicDeclarer;
    private final AtomicLong unsettled = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>(); // the whole close is over
    /** The pipeline whose handler runs on this thread: a close from inside a handler must not wait for itself. */
    private static final ThreadLocal<ConsumerPipeline> HANDLING = new ThreadLocal<>();
    private volatile TransportSubscription transportSubscription;
    private volatile boolean closeRequested; // close() began: the subscription reports itself stopped
    private volatile boolean closing;        // the transport stopped receiving: what still arrives goes back

    ConsumerPipeline(String topic, SubscribeOptions options, MessageHandler handler, Transport transport,
                     ObservedSender sender, ScheduledExecutorService scheduler, Duration defaultCloseTimeout,
                     Consumer<String> deadLetterTopicDeclarer) {
        this.topic = topic;
        this.options = options;
        this.handler = handler;
        this.transport = transport;
        this.sender = sender;
        this.deadLetterTopic = options.deadLetterTopicFor(topic);
        this.defaultCloseTimeout = defaultCloseTimeout;
        this.deadLetterTopicDeclarer = deadLetterTopicDeclarer;
        String name = "omnibus-" + topic + "-" + (options.group() == null ? "*" : options.group());
        this.workers = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.MILLISECONDS,
                new SpinningWorkQueue(), new NamedThreadFactory(name));
        this.dispatcher = new KeyedDispatcher(workers, scheduler);
        // (SubscribeOptions refuses it with concurrency > 1.) A redelivery hand-back may wait for the delivery
        // thread (Kafka parks on its poll thread): workers only then.
        this.onDeliveryThread = options.handlesOnDeliveryThread() && options.redelivery() == null
                && transport.deliveryThreadMayRunHandlers();
    }

    void attach(TransportSubscription subscription) { this.transportSubscription = subscription; }

    String deadLetterTopic() { return deadLetterTopic; }

    @Override
    public void accept(Inbound inbound) {
        unsettled.incrementAndGet();
        Attempts job = new Attempts(inbound, Instant.now());
        if (closing) {
            job.abandon();
            return;
        }
        String lane = options.ordering() == Ordering.PER_KEY ? inbound.key() : null;
        Object laneKey = lane != null ? lane : new Object(); // no key: a lane of its own
        if (onDeliveryThread && runHere(laneKey, job)) return;
        dispatcher.submit(laneKey, job);
    }

    /** Runs the job on the delivery thread if no worker has anything; clears an interrupt the handler left there. */
    private boolean runHere(Object laneKey, Attempts job) {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        boolean ran = dispatcher.runHereIfIdle(laneKey, job);
        if (ran && !interruptedBefore) Thread.interrupted(); // the transport's thread must not inherit it
        return ran;
    }

    /** The life of one inbound message: attempts, then ack, dead letter or nack. */
    private final class Attempts implements KeyedDispatcher.Job {
        private final Inbound inbound;
        private final Instant firstReceived;
        private int attempt = 1;
        private boolean claimed;
        private Instant firstFailure;
        private boolean settled;
        private Message pendingDeadLetter;   // built, not yet confirmed by the broker
        private String pendingWhy;
        private int deadLetterFailures;
        private Delivery delivery;           // the failed delivery a dead letter is published for
        private int runs;                    // handler invocations so far
        private SettleOutcome deadLetterOutcome = SettleOutcome.DEAD_LETTERED;
        // delayed redelivery (only with a RedeliverySchedule): the history the message arrived with
        private boolean historyRead;
        private int priorAttempts;           // handler attempts of earlier redeliveries
        private int redeliveries;            // redeliveries so far
        private Message pendingRedelivery;   // built, not yet taken by the broker
        private Duration pendingDelay;
        private int redeliveryFailures;

        Attempts(Inbound inbound, Instant firstReceived) {
            this.inbound = inbound;
            this.firstReceived = firstReceived;
        }

        @Override
        public Duration run() {
            if (pendingDeadLetter != null) return publishDeadLetter();
            if (pendingRedelivery != null) return handBack();
            Message message;
            try {
                message = inbound.message();
            } catch (InvalidEnvelopeException e) {
                return deadLetterInvalid(e);
            } catch (RuntimeException e) { // a driver's decoder failed otherwise: still never wedge the key's lane
                return deadLetterInvalid(new InvalidEnvelopeException("The driver could not decode the message: " + e, null, null));
            }
            IdempotencyStore store = options.idempotency();
            if (store != null && !claimed) {
                IdempotencyStore.Claim claim;
                try {
                    claim = store.claim(groupOrEmpty(), message.id());
                } catch (RuntimeException e) {
                    log.warn("Idempotency store failed to claim {} on {}; will retry: {}", message.id(), topic, e.toString());
                    return CLAIM_BUSY_DELAY;
                }
                switch (claim) {
                    case ALREADY_DONE -> {
                        log.debug("Skipping duplicate {} on {} for group {}", message.id(), topic, options.group());
                        settle(true, SettleOutcome.DUPLICATE, message);
                        return null;
                    }
                    case IN_PROGRESS -> { return CLAIM_BUSY_DELAY; }
                    case CLAIMED -> claimed = true;
                }
            }
            if (!historyRead && options.redelivery() != null) readHistory(message);
            Delivery delivery = new Delivery(message, topic, options.group(), inbound.position(), priorAttempts + attempt,
                    inbound.deliveryCount(), firstReceived);
            Observers observers = sender.observers();
            ProcessObservation observation = observers == null ? null
                    : observers.process(new ProcessContext(sender.client(), delivery, options.retry().maxAttempts()));
            ObservedSender.enter(delivery);
            ConsumerPipeline outer = HANDLING.get();
            HANDLING.set(ConsumerPipeline.this);
            try {
                return attempt(delivery, message, observation);
            } finally {
                HANDLING.set(outer);
                ObservedSender.exit();
                if (observation != null) observation.close();
            }
        }

        /** One handler attempt of {@code delivery}: the delay before the next, or null when settled. */
        private Duration attempt(Delivery delivery, Message message, ProcessObservation observation) {
            runs++;
            try {
                handler.handle(delivery);
                if (observation != null) observation.succeeded();
                completeClaim(message);
                settle(true, SettleOutcome.COMPLETED, message);
                return null;
            } catch (DropMessageException drop) {
                if (observation != null) observation.succeeded();
                log.info("Handler dropped {} on {}: {}", message.id(), topic, drop.getMessage());
                completeClaim(message);
                settle(true, SettleOutcome.DROPPED, message);
                return null;
            } catch (Throwable error) {
                lastError = error.toString();
                Instant now = Timestamps.now();
                if (firstFailure == null) firstFailure = now;
                boolean retryable = options.retry().isRetryable(error) && attempt < options.retry().maxAttempts();
                if (observation != null) observation.failed(error, retryable);
                if (retryable) {
                    attempt++;
                    Duration delay = error instanceof RetryLaterException later ? later.delay()
                            : options.retry().delayBefore(attempt);
                    log.debug("Attempt {} of {} on {} failed ({}); retrying in {}", attempt - 1, message.id(), topic,
                            error.toString(), delay);
                    return delay;
                }
                releaseClaim(message);
                this.delivery = delivery;
                RedeliverySchedule schedule = options.redelivery();
                if (schedule != null && options.retry().isRetryable(error)) {
                    Duration delay = schedule.delayBefore(redeliveries + 1);
                    if (delay != null) return redeliver(message, error, delay);
                }
                return deadLetter(message, error, now);
            }
        }

        /**
         * Reads the attempt history a redelivered message carries, when it was written for this topic; a malformed
         * one counts as none.
         */
        private void readHistory(Message message) {
            historyRead = true;
            String count = message.extension(Redeliveries.REDELIVERIES);
            if (count == null) return;
            // a message forwarded from another topic carries that topic's history, which does not count here
            if (!topic.equals(message.extension(Redeliveries.ORIGINAL_TOPIC))) return;
            try {
                redeliveries = Math.max(0, Integer.parseInt(count));
                String attempts = message.extension(Redeliveries.ATTEMPTS);
                priorAttempts = attempts == null ? 0 : Math.max(0, Integer.parseInt(attempts));
                String first = message.extension(Redeliveries.FIRST_FAILURE);
                if (first != null) firstFailure = Instant.parse(first);
            } catch (RuntimeException malformed) {
                log.warn("Ignoring the malformed redelivery history of {} on {}: {}", message.id(), topic, malformed.toString());
                redeliveries = 0;
                priorAttempts = 0;
            }
        }

        /** Hands {@code message} back to the broker with its history, to come again after {@code delay}. */
        private Duration redeliver(Message message, Throwable error, Duration delay) {
            pendingRedelivery = message.toBuilder()
                    .extension(Redeliveries.REDELIVERIES, Integer.toString(redeliveries + 1))
                    .extension(Redeliveries.ATTEMPTS, Integer.toString(priorAttempts + attempt))
                    .extension(Redeliveries.FIRST_FAILURE, firstFailure.toString())
                    .extension(Redeliveries.ERROR_TYPE, error.getClass().getName())
                    .extension(Redeliveries.ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())))
                    .extension(Redeliveries.ORIGINAL_TOPIC, topic)
                    .build();
            pendingDelay = delay;
            pendingWhy = "after " + (priorAttempts + attempt) + " attempt(s): " + error;
            return handBack();
        }

        /**
         * Gives the pending redelivery to the broker; the inbound is settled by the transport once the broker
         * holds it. On failure the lane keeps the message and tries again with backoff (1 s doubling to 30 s),
         * as for a dead letter: a nack would lose the history and let later messages of its key overtake it.
         */
        private Duration handBack() {
            Message back = pendingRedelivery;
            try {
                inbound.redeliverAfter(back, pendingDelay).get(REDELIVERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception handBackFailure) {
                if (handBackFailure instanceof InterruptedException) Thread.currentThread().interrupt();
                Duration backoff = Duration.ofSeconds(Math.min(30, 1L << Math.min(5, redeliveryFailures++)));
                redeliveryFailing = true;
                lastError = "handing " + back.id() + " back for redelivery fails: " + handBackFailure;
                log.error("Could not hand {} on {} back for a delayed redelivery; holding its key and trying again in {}",
                        back.id(), topic, backoff, handBackFailure);
                return backoff;
            }
            log.info("Redelivering {} on {} in {} (redelivery {}) {}", back.id(), topic, pendingDelay, redeliveries + 1, pendingWhy);
            pendingRedelivery = null;
            if (redeliveryFailures > 0) redeliveryFailing = false;
            settled(SettleOutcome.REDELIVERY_SCHEDULED, back);
            return null;
        }

        @Override
        public void abandon() {
            if (claimed) {
                try { releaseClaim(inbound.message()); } catch (RuntimeException ignored) { /* invalid envelope: no claim */ }
            }
            settle(false, SettleOutcome.GIVEN_BACK, null);
        }

        private void completeClaim(Message message) {
            if (claimed) options.idempotency().complete(groupOrEmpty(), message.id());
        }

        private void releaseClaim(Message message) {
            if (claimed) {
                claimed = false;
                options.idempotency().release(groupOrEmpty(), message.id());
            }
        }

        private Duration deadLetter(Message message, Throwable error, Instant lastFailure) {
            if (deadLetterTopic == null) {
                log.error("Dropping {} on {} after {} attempt(s); dead-lettering is off for this subscription",
                        message.id(), topic, priorAttempts + attempt, error);
                settle(true, SettleOutcome.DROPPED, message);
                return null;
            }
            int attempts = priorAttempts + attempt;
            Message dead = message.toBuilder()
                    .extension(DeadLetters.ORIGINAL_TOPIC, topic)
                    .extension(DeadLetters.GROUP, groupOrEmpty())
                    .extension(DeadLetters.POSITION, String.valueOf(inbound.position()))
                    .extension(DeadLetters.ATTEMPTS, Integer.toString(attempts))
                    .extension(DeadLetters.FIRST_FAILURE, firstFailure.toString())
                    .extension(DeadLetters.LAST_FAILURE, lastFailure.toString())
                    .extension(DeadLetters.ERROR_TYPE, error.getClass().getName())
                    .extension(DeadLetters.ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())))
                    .build();
            pendingDeadLetter = dead;
            pendingWhy = "after " + attempts + " attempt(s): " + error;
            return publishDeadLetter();
        }

        private Duration deadLetterInvalid(InvalidEnvelopeException e) {
            Instant now = Timestamps.now();
            Message.Builder b = Message.builder()
                    .type("dev.omnibus.InvalidEnvelope")
                    .source("/omnibus/invalid-envelope")
                    .data(e.payload(), nonBlank(e.headers().getOrDefault("content-type", e.headers().get("contentType"))))
                    .key(inbound.key())
                    .extension(DeadLetters.ORIGINAL_TOPIC, topic)
                    .extension(DeadLetters.GROUP, groupOrEmpty())
                    .extension(DeadLetters.POSITION, String.valueOf(inbound.position()))
                    .extension(DeadLetters.ATTEMPTS, "0")
                    .extension(DeadLetters.FIRST_FAILURE, now.toString())
                    .extension(DeadLetters.LAST_FAILURE, now.toString())
                    .extension(DeadLetters.ERROR_TYPE, InvalidEnvelopeException.class.getName())
                    .extension(DeadLetters.ERROR_MESSAGE, truncate(e.getMessage()));
            if (deadLetterTopic == null) {
                log.error("Dropping invalid envelope at {} on {} (dead-lettering is off): {}", inbound.position(), topic,
                        e.getMessage());
                settle(true, SettleOutcome.INVALID_ENVELOPE, null);
                return null;
            }
            pendingDeadLetter = b.build();
            pendingWhy = "invalid envelope: " + e.getMessage();
            deadLetterOutcome = SettleOutcome.INVALID_ENVELOPE;
            lastError = "invalid envelope: " + e.getMessage();
            return publishDeadLetter();
        }

        /**
         * Publishes the pending dead letter; acknowledges the original once the broker confirmed it.
         * On failure the lane keeps the message and tries again with backoff (1 s doubling to 30 s):
         * giving it back to the broker instead would let later messages of its key overtake it.
         */
        private Duration publishDeadLetter() {
            Message dead = pendingDeadLetter;
            try {
                deadLetterTopicDeclarer.accept(deadLetterTopic);
                sender.send(deadLetterTopic, dead, PublishKind.DEAD_LETTER, delivery)
                        .get(DEAD_LETTER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.warn("Dead-lettered {} from {} to {} {}", dead.id(), topic, deadLetterTopic, pendingWhy);
                pendingDeadLetter = null;
                deadLetterFailing = false;
                settle(true, deadLetterOutcome, deadLetterOutcome == SettleOutcome.INVALID_ENVELOPE ? null : dead);
                return null;
            } catch (Exception publishFailure) {
                if (publishFailure instanceof InterruptedException) Thread.currentThread().interrupt();
                Duration backoff = Duration.ofSeconds(Math.min(30, 1L << Math.min(5, deadLetterFailures++)));
                deadLetterFailing = true;
                lastError = "dead-lettering to " + deadLetterTopic + " fails: " + publishFailure;
                log.error("Could not dead-letter {} to {}; holding its key and trying again in {}", dead.id(),
                        deadLetterTopic, backoff, publishFailure);
                return backoff;
            }
        }

        /** Records a settlement the transport made itself (a delayed redelivery): no ack or nack. */
        private void settled(SettleOutcome outcome, Message message) {
            if (settled) return;
            settled = true;
            try {
                observeSettled(outcome, message);
            } finally {
                unsettled.decrementAndGet();
            }
        }

        private void observeSettled(SettleOutcome outcome, Message message) {
            Observers observers = sender.observers();
            if (observers != null) {
                observers.settled(new SettleContext(sender.client(), topic, options.group(), message, outcome, runs));
            }
        }

        private void settle(boolean ack, SettleOutcome outcome, Message message) {
            if (settled) return;
            settled = true;
            observeSettled(outcome, message);
            try {
                if (ack) inbound.ack(); else inbound.nack();
            } catch (RuntimeException e) {
                log.warn("Could not {} message at {} on {}: {}", ack ? "ack" : "nack", inbound.position(), topic, e.toString());
            } finally {
                unsettled.decrementAndGet();
            }
        }
    }

    /** This subscription's state for {@link dev.omnibus.Messaging#health()}. */
    SubscriptionHealth health() {
        long inFlight = unsettled.get();
        SubscriptionHealth.State state = closeRequested ? SubscriptionHealth.State.STOPPED
                : deadLetterFailing || redeliveryFailing ? SubscriptionHealth.State.FAILED
                : inFlight >= options.maxInFlight() ? SubscriptionHealth.State.PAUSED : SubscriptionHealth.State.RUNNING;
        return new SubscriptionHealth(topic, options.group(), state, inFlight, lastError);
    }

    private String groupOrEmpty() { return options.group() == null ? "" : options.group(); }

    /** At most 1000 chars of well-formed text (an unpaired surrogate, which a Message refuses, becomes U+FFFD). */
    private static String truncate(String s) {
        if (s == null) return "";
        String t = s.length() <= 1000 ? s : s.substring(0, Character.isHighSurrogate(s.charAt(999)) ? 999 : 1000);
        StringBuilder out = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < t.length() && Character.isLowSurrogate(t.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(t.charAt(i - 1));
            if (Character.isSurrogate(c) && !paired) {
                if (out == null) out = new StringBuilder(t);
                out.setCharAt(i, '\uFFFD');
            }
        }
        return out == null ? t : out.toString();
    }

    private static String nonBlank(String s) { return s == null || s.isEmpty() ? null : s; }

    @Override public String topic() { return topic; }
    @Override public String group() { return options.group(); }
    @Override public boolean isActive() { return !closeRequested; }

    @Override public void close() { close(defaultCloseTimeout); }

    /** The subscription whose handler runs on the calling thread, or null outside handlers. */
    static ConsumerPipeline handlingOnThisThread() { return HANDLING.get(); }

    /**
     * Stops the inflow, then waits for the running handlers (at most {@code timeout}) and closes the transport's
     * subscription. Called from one of this subscription's own handlers it returns once the inflow is stopped: that
     * handler's message settles only after the handler returns, so waiting for it here would wait out the whole
     * timeout and then give back a message the handler completed. The rest of the close then runs on a thread of its
     * own, {@code omnibus-close-<topic>}, and ends as any close does.
     */
    @Override
    public void close(Duration timeout) {
        if (!beginClose()) return;
        if (HANDLING.get() == this) {
            Thread finisher = new Thread(() -> finishClose(timeout), "omnibus-close-" + topic);
            finisher.start(); // not a daemon: it commits what the handler completes, and it is bounded by the timeout
            return;
        }
        finishClose(timeout);
    }

    /**
     * The first half of a close: the subscription reports itself stopped and takes nothing more; false when a close
     * began before (then this caller has nothing to finish).
     */
    boolean beginClose() {
        synchronized (this) {
            if (closeRequested) return false;
            closeRequested = true;
        }
        TransportSubscription ts = transportSubscription;
        // Stop the inflow before giving anything back: a broker may hand a given-back message straight to the same
        // subscriber, on the giving-back thread, while it still receives (the memory broker does), and each give-back
        // would meet the same delivery again. Deliveries that arrive meanwhile are dispatched, and abandoned below.
        try {
            if (ts != null) ts.stopReceiving();
        } catch (RuntimeException e) {
            log.warn("Stopping delivery on {} failed: {}", topic, e.toString());
        } finally {
            closing = true;
        }
        dispatcher.close();
        workers.shutdown();
        return true;
    }

    /** Runs {@code action} once the whole close is over (at once if it is). */
    void whenClosed(Runnable action) { closed.thenRun(action); }

    /** Waits at most {@code timeout} for a close begun elsewhere (e.g. by a handler) to end. */
    void awaitClosed(Duration timeout) {
        try {
            closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("The close of the subscription to {} did not end within {}", topic, timeout);
        }
    }

    /** The second half of a close {@link #beginClose} began: waits for running handlers, then closes the transport's subscription. */
    void finishClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        TransportSubscription ts = transportSubscription;
        try {
            while (unsettled.get() > 0 && System.nanoTime() < deadline) {
                workers.awaitTermination(10, TimeUnit.MILLISECONDS);
            }
            if (unsettled.get() > 0) {
                log.warn("Closing subscription to {} with {} message(s) still running after {}; the broker will redeliver them",
                        topic, unsettled.get(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (ts != null) ts.close();
            } finally {
                workers.shutdownNow();
                closed.complete(null);
            }
        }
    }

    @Override public String toString() { return "Subscription{" + topic + ", " + options + "}"; }
}
