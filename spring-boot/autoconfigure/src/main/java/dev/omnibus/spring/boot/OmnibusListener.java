package dev.omnibus.spring.boot;

import dev.omnibus.Ordering;
import dev.omnibus.StartFrom;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes a bean method to a topic through the auto-configured {@link dev.omnibus.Messaging}, with the
 * same retry, dead-letter, idempotency and per-key ordering semantics as
 * {@link dev.omnibus.Messaging#subscribe} on every broker.
 *
 * <pre>{@code
 * @OmnibusListener(topic = "orders.placed", group = "fulfilment", concurrency = 4, maxAttempts = 3)
 * void fulfil(OrderPlaced order, Delivery delivery) { ... }
 * }</pre>
 *
 * <p>Parameters: at most one payload parameter, decoded with the codec of
 * {@link dev.omnibus.Delivery#data(Class)} (JSON); a {@link dev.omnibus.Delivery} and/or a
 * {@link dev.omnibus.Message} parameter. The method returns {@code void}; throwing makes the attempt fail
 * (retried, then dead-lettered). String attributes accept {@code ${...}} placeholders. The subscription
 * starts once the context is refreshed and stops, draining in-flight handlers, before the web server
 * stops. An invalid declaration fails start-up naming the bean and the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OmnibusListener {
    /** Topic to subscribe to (required). */
    String topic();

    /** Consumer group; empty means none (every group-less subscription gets every message). */
    String group() default "";

    /** Handler workers; with PER_KEY ordering one key is never on two workers at once. */
    int concurrency() default 1;

    /**
     * Whether the method runs on the driver's delivery thread where the driver offers it (Kafka's poll thread, NATS's puller),
     * without the hand-off to a worker; needs {@code concurrency = 1}. For fast handlers; see
     * {@link dev.omnibus.SubscribeOptions#handleOnDeliveryThread}.
     */
    boolean handleOnDeliveryThread() default false;

    /** Upper bound of unsettled deliveries; 0 keeps the default of {@link dev.omnibus.SubscribeOptions}. */
    int maxInFlight() default 0;

    /** Attempts per message including the first (1 = no retry); 0 keeps the default policy (exponential, 5 attempts from 200 ms). */
    int maxAttempts() default 0;

    /** First retry delay as a duration ({@code 200ms}, {@code 1s}); empty keeps the default. Exponential (x2, max 30 s) unless {@link #fixedBackoff()}. */
    String backoff() default "";

    /** Whether every retry waits {@link #backoff()} instead of doubling it. */
    boolean fixedBackoff() default false;

    /** Dead-letter topic; empty means {@code <topic>.dlq}. */
    String deadLetter() default "";

    /** Whether exhausted messages are dead-lettered (false: logged and discarded). */
    boolean deadLetterEnabled() default true;

    /** Name of an {@link dev.omnibus.idempotency.IdempotencyStore} bean: one effect per message id and group. Empty: none. */
    String idempotencyStore() default "";

    /** Where a new group starts; EARLIEST needs REPLAY. */
    StartFrom startFrom() default StartFrom.LATEST;

    /** Ordering across workers. */
    Ordering ordering() default Ordering.PER_KEY;
}
