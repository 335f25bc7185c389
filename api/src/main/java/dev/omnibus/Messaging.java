package dev.omnibus;

import dev.omnibus.internal.DefaultMessaging;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The one entry point: publish, subscribe, request and respond on any broker. Thread-safe; close it
 * when done (close drains in-flight work, bounded by {@code closeTimeout}).
 *
 * <pre>{@code
 * try (Messaging bus = Messaging.connect("kafka://127.0.0.1:9092")) {
 *     bus.subscribe("orders.placed", SubscribeOptions.group("fulfillment").concurrency(4),
 *                   delivery -> fulfil(delivery.data(OrderPlaced.class)));
 *     bus.publish("orders.placed", Message.of("com.acme.orders.OrderPlaced", order).withKey(order.id())).join();
 * }
 * }</pre>
 *
 * The URL scheme picks the driver ({@code kafka}, {@code pulsar}, {@code amqp}, {@code memory}) among
 * those on the class path. Semantics that applications rely on (attempts, dead letters, idempotency,
 * per-key order across workers, request/reply) are implemented once, here, and are the same on
 * every broker; {@link #capabilities()} says what the connected broker adds or lacks.
 */
public interface Messaging extends AutoCloseable {

    /** Connects to the broker named by {@code url}. */
    static Messaging connect(String url) { return connect(MessagingConfig.of(url)); }

    /** Connects with full configuration. */
    static Messaging connect(MessagingConfig config) { return DefaultMessaging.connect(config); }

    /** Connects to what {@link MessagingConfig#fromEnvironment()} names ({@code OMNIBUS_URL}, …, else memory). */
    static Messaging connectFromEnvironment() { return connect(MessagingConfig.fromEnvironment()); }

    /**
     * Publishes a message. The future completes once the broker durably accepted it and fails with
     * {@link PublishException} (or {@link MessageTooLargeException}) otherwise.
     */
    CompletableFuture<PublishReceipt> publish(String topic, Message message);

    /**
     * Publishes a message with {@code options}, e.g. {@link PublishOptions#deliverAt} (needs
     * {@link Capability#SCHEDULED_DELIVERY}; fails fast with {@link UnsupportedCapabilityException}
     * otherwise). The future completes once the broker durably holds the message.
     */
    CompletableFuture<PublishReceipt> publish(String topic, Message message, PublishOptions options);

    /**
     * Subscribes {@code handler} to {@code topic}. Returns once the subscription is established:
     * messages published after it returns are received. Fails fast with
     * {@link UnsupportedCapabilityException} when the options need a capability the driver lacks.
     */
    Subscription subscribe(String topic, SubscribeOptions options, MessageHandler handler);

    /** Subscribes with {@link SubscribeOptions#defaults()}. */
    default Subscription subscribe(String topic, MessageHandler handler) {
        return subscribe(topic, SubscribeOptions.defaults(), handler);
    }

    /**
     * Sends {@code request} to {@code topic} and completes with the reply, or exceptionally with
     * {@link RequestTimeoutException} after {@code timeout}, or {@link RemoteHandlerException} when the
     * responder failed.
     */
    CompletableFuture<Message> request(String topic, Message request, Duration timeout);

    /**
     * Answers requests on {@code topic}. Use a group so that several responders share the load.
     * Requests are not retried or dead-lettered: an error is sent back to the requester.
     */
    Subscription respond(String topic, SubscribeOptions options, RequestHandler handler);

    /**
     * Moves the dead letters of {@code deadLetterTopic} back to the topics they came from (dead-letter
     * extensions removed, id unchanged). Completes with the count once no dead letter arrived for
     * {@code quietPeriod}.
     */
    CompletableFuture<Long> redrive(String deadLetterTopic, Duration quietPeriod);

    /**
     * Lists and deletes the topics and groups on the broker, the same way on every driver. Fails with
     * {@link UnsupportedCapabilityException} when the driver does not declare {@link Capability#ADMIN}.
     */
    MessagingAdmin admin();

    /**
     * How far {@code group} is behind on {@code topic}, as the broker sees it. Fails with
     * {@link UnsupportedCapabilityException} when the driver does not declare {@link Capability#LAG}.
     */
    ConsumerLag lag(String topic, String group);

    /** The connection's and every subscription's state, without a broker round trip (for readiness probes). */
    Health health();

    /** What the connected driver guarantees in its configuration. */
    Set<Capability> capabilities();

    /** Fails with {@link UnsupportedCapabilityException} listing what is missing; returns this otherwise. */
    Messaging require(Capability... needed);

    /** Largest message the connected driver accepts (payload plus envelope); larger publishes fail with
     * {@link MessageTooLargeException}. */
    long maxMessageBytes();

    /**
     * The broker product and version as the driver reports it, {@code <product> <version>[ (<details>)]}
     * (e.g. {@code Apache Pulsar 4.0.7}; see {@link dev.omnibus.spi.Transport#brokerDescription()}), or {@code unknown}.
     */
    String brokerDescription();

    /** The URL scheme of the connected driver. */
    String driverName();

    /**
     * Closes subscriptions (draining running handlers, bounded by {@code closeTimeout}) and the connection. Called
     * from a handler of this instance, it marks the instance closed and returns at once; the close then finishes on
     * a thread of its own once that handler has returned and its message is settled.
     */
    @Override
    void close();
}
