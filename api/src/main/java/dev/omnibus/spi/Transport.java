package dev.omnibus.spi;

import dev.omnibus.Capability;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A live connection to one broker: the whole of what a driver implements. Thread-safe. The core
 * builds every portable semantic (retry, dead letters, idempotency, ordering across workers,
 * request/reply) on these few operations; a transport never re-implements them.
 */
public interface Transport extends AutoCloseable {

    /** What this transport guarantees in its current configuration; the kit proves each one. */
    Set<Capability> capabilities();

    /**
     * Publishes one message. The future completes when the broker has durably accepted it, and fails
     * with {@link dev.omnibus.MessageTooLargeException} (size and limit named) or
     * {@link dev.omnibus.PublishException} otherwise. Must not block the caller per message.
     */
    CompletableFuture<PublishReceipt> send(String topic, Message message);

    /**
     * Publishes one message that the broker holds until {@code due} and then delivers to every
     * subscription of {@code topic}, for a transport that declares {@link Capability#SCHEDULED_DELIVERY}
     * (the core never calls this otherwise). Durable like {@link #send}: the future completes when the
     * broker holds the message so that neither a broker nor a consumer restart loses it or delivers it
     * early. A {@code due} in the past delivers at once. The core checks {@code due} against
     * {@link #maxScheduleDelay()} before calling.
     */
    default CompletableFuture<PublishReceipt> sendAt(String topic, Message message, java.time.Instant due) {
        throw new UnsupportedOperationException("this transport does not declare " + Capability.SCHEDULED_DELIVERY);
    }

    /**
     * The longest delay {@link #sendAt} and {@link Inbound#redeliverAfter} accept (from now), for a
     * transport that declares {@link Capability#SCHEDULED_DELIVERY} or {@link Capability#DELAYED_REDELIVERY}.
     */
    default java.time.Duration maxScheduleDelay() { return java.time.Duration.ZERO; }

    /**
     * Starts delivering messages of {@code topic} to {@code sink}. Returns only once the subscription
     * is established: a message whose send completes after this returns is delivered.
     *
     * <p>Contract: the sink is fast and never blocks; the transport never has more than
     * {@link ReceiveOptions#maxInFlight()} unsettled (neither acked nor nacked) inbounds outstanding for
     * this subscription; with {@link ReceiveOptions#ordering()} PER_KEY it hands messages of one key to
     * the sink in publish order and, after a nack, redelivers them in that order; ack and nack may be
     * called from any thread.
     */
    TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink);

    /**
     * Whether the core may run handlers inside the sink, on the thread that calls it, for subscriptions that ask
     * for it ({@link dev.omnibus.SubscribeOptions#handleOnDeliveryThread}); the "never blocks" of {@link #receive}
     * is then waived for them. A transport may say yes only when each subscription calls its sink from one thread
     * at a time that belongs to that subscription alone, and nothing waits for that thread while the sink runs:
     * not other subscriptions, not publishes, and not the acks and nacks made on it (they are queued, not applied
     * in place). {@link TransportSubscription#stopReceiving()} and {@link TransportSubscription#close()} may be
     * called from that thread (a handler closing its subscription) and from others while it runs a handler, and
     * must not wait for it without a bound. The core clears an interrupt a handler leaves on the thread, as a
     * thread pool does between tasks, so a transport must not stop that thread by interrupting it. Default false.
     */
    default boolean deliveryThreadMayRunHandlers() { return false; }

    /**
     * Makes sure messages published to {@code topic} from now on are retained for {@code group} even
     * while it has no consumer (e.g. a dead-letter topic waiting for a redrive): create the durable
     * subscription / bound queue. Idempotent. Brokers that retain everything need do nothing.
     */
    default void declareGroup(String topic, String group) {}

    /**
     * Opens an inbox for replies to this process's requests. The default subscribes to
     * {@code suggestedTopic} without a group; a driver with a native reply mechanism (RabbitMQ direct
     * reply-to) overrides it and {@link #sendReply}.
     */
    default ReplyInbox openReplyInbox(String suggestedTopic, Consumer<Inbound> sink) {
        TransportSubscription s = receive(suggestedTopic,
                ReceiveOptions.builder().startFrom(StartFrom.LATEST).maxInFlight(10_000)
                        .ordering(dev.omnibus.Ordering.NONE).build(), sink);
        return new ReplyInbox(suggestedTopic, s);
    }

    /** Sends a reply to an address produced by some process's {@link #openReplyInbox}. */
    default CompletableFuture<PublishReceipt> sendReply(String replyAddress, Message reply) {
        return send(replyAddress, reply);
    }

    /**
     * The topology operations, for a transport that declares {@link Capability#ADMIN} (the core never
     * calls this otherwise).
     */
    default TransportAdmin admin() {
        throw new UnsupportedOperationException("this transport does not declare " + Capability.ADMIN);
    }

    /**
     * The group's lag as the broker sees it, for a transport that declares {@link Capability#LAG} (the
     * core never calls this otherwise). Blocks, bounded by the driver's operation timeout.
     */
    default dev.omnibus.ConsumerLag lag(String topic, String group) {
        throw new UnsupportedOperationException("this transport does not declare " + Capability.LAG);
    }

    /**
     * Whether the native client's connection to the broker is up, as the client knows it, without a
     * round trip (cheap enough for a readiness probe every few seconds). Default: true.
     */
    default boolean isConnected() { return true; }

    /** Largest encoded message the transport accepts, for error messages and the kit. */
    long maxMessageBytes();

    /**
     * The broker's product and version, for logs and reports, in one format on every driver:
     * {@code <product> <version>[ (<details>)]} ({@link #BROKER_DESCRIPTION}), e.g.
     * {@code Kafka 4.1 (metadata.version 4.1-IV1, cluster 5L6g3nShT-eMCtK--X86sw, 1 broker)},
     * {@code Apache Pulsar 4.0.7}, {@code RabbitMQ 3.10.8 (queueType=quorum, shards=4)}, {@code Redis 7.0.15},
     * {@code Omnibus memory 0.1.0 (in-process)}. The version is what the broker itself reports (how, per
     * driver: {@code docs/drivers/*.md}); {@code unknown} in its place when the broker would not tell.
     */
    default String brokerDescription() { return "unknown"; }

    /** The form of {@link #brokerDescription()} when the version is known; the conformance kit checks it. */
    java.util.regex.Pattern BROKER_DESCRIPTION =
            java.util.regex.Pattern.compile("[A-Z][A-Za-z]*( [A-Za-z][A-Za-z-]*)* \\d+(\\.\\d+)+[A-Za-z0-9.+-]*( \\(.+\\))?");

    /** Closes every producer, consumer and connection. Unsettled inbounds are redelivered by the broker. */
    @Override
    void close();
}
