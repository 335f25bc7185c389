package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;
import dev.omnibus.RequestReply;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Completions;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.ReplyInbox;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportAdmin;
import dev.omnibus.spi.TransportSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The RabbitMQ transport: one AMQP connection (automatic recovery on), a small pool of confirm-mode
 * publisher channels chosen by thread, one admin channel for declarations, one channel per
 * subscription, and a direct reply-to channel for requests. See docs/drivers/rabbitmq.md.
 */
public final class RabbitTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(RabbitTransport.class);

    private final Connection connection;
    private final RabbitSettings settings;
    private final ManagementApi management;
    private final ScheduledExecutorService sweeper;
    private final Completions completions;
    private final ConfirmingPublisher[] publishers;
    private final Set<String> declaredTopics = ConcurrentHashMap.newKeySet();
    /** Topics whose exchange is bound to the delay delivery exchange (by this transport). */
    private final Set<String> scheduledTopics = ConcurrentHashMap.newKeySet();
    /** Queues bound to the delay delivery exchange (by this transport). */
    private final Set<String> redeliveryQueues = ConcurrentHashMap.newKeySet();
    private volatile boolean delaysDeclared;
    private DelayRelay relay;
    private final Object adminLock = new Object();
    private Channel admin;
    private volatile DirectReplyInbox replyInbox;
    private volatile boolean closed;

    public RabbitTransport(Connection connection, RabbitSettings settings, ManagementApi management) {
        this.connection = connection;
        this.settings = settings;
        this.management = management;
        this.completions = new Completions("omnibus-rabbitmq-confirms"); // closed: on the caller's thread rather than never
        this.publishers = new ConfirmingPublisher[settings.publisherChannels()];
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibus-rabbitmq-confirm-timeout");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(1_000, settings.confirmTimeout().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::expireOverdueConfirms, period, period, TimeUnit.MILLISECONDS);
    }

    private void expireOverdueConfirms() {
        long now = System.nanoTime();
        synchronized (publishers) {
            for (ConfirmingPublisher p : publishers) if (p != null) p.expire(now);
        }
        DirectReplyInbox inbox = replyInbox;
        if (inbox != null) inbox.publisher().expire(now);
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.DURABLE, Capability.PER_KEY_ORDERING, Capability.REQUEST_REPLY,
                Capability.ADMIN);
        if (settings.queueType() != QueueType.STREAM) c.add(Capability.LAG);
        if (settings.queueType() == QueueType.STREAM) {
            c.add(Capability.REPLAY);
            c.add(Capability.SCHEDULED_DELIVERY); // no redelivery: a stream has no queue of one group to hand back to
        } else {
            c.add(Capability.CONSUMER_GROUPS);
            c.add(Capability.SCHEDULED_DELIVERY);
            c.add(Capability.DELAYED_REDELIVERY); // Ordering.NONE only: not ORDERED_DELAYED_REDELIVERY (docs)
        }
        return c;
    }

    // ---------------------------------------------------------------------------------------------- publish

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        CompletableFuture<PublishReceipt> refused = refuse(topic, message, 0);
        if (refused != null) return refused;
        try {
            ensureTopic(topic);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof PublishException ? e
                    : new PublishException("Could not declare exchange '" + topic + "': " + e.getMessage(), e));
        }
        String routingKey = Topology.routingKey(message.key());
        DirectReplyInbox inbox = replyInbox;
        if (inbox != null && CloudEventsAmqp.DIRECT_REPLY_TO.equals(message.extension(RequestReply.REPLY_TO))) {
            // direct reply-to: the request must leave on the channel that consumes amq.rabbitmq.reply-to
            AMQP.BasicProperties props = CloudEventsAmqp.properties(message, CloudEventsAmqp.DIRECT_REPLY_TO);
            return inbox.publisher().publish(Topology.exchange(topic), routingKey, props, dev.omnibus.spi.Payloads.array(message), topic, message.id());
        }
        return publisher().publish(Topology.exchange(topic), routingKey, CloudEventsAmqp.properties(message, null),
                dev.omnibus.spi.Payloads.array(message), topic, message.id());
    }

    /**
     * The checks every publish makes before anything is sent: open, size, header within {@code frame_max}
     * ({@code headerReserve} more for what the broker adds on the way, e.g. the delay levels' {@code x-death}).
     * Returns {@code null} when the message may be sent.
     */
    private CompletableFuture<PublishReceipt> refuse(String topic, Message message, int headerReserve) {
        if (closed) return CompletableFuture.failedFuture(new PublishException("RabbitMQ transport is closed", null));
        long size = CloudEventsAmqp.encodedSize(message);
        if (size > settings.maxMessageBytes()) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, settings.maxMessageBytes(),
                    "raise the maxMessageBytes option and the broker's max_message_size together (RabbitMQ 3.10 default "
                            + RabbitSettings.DEFAULT_MAX_MESSAGE_BYTES + ", at most " + RabbitSettings.HARD_MAX_MESSAGE_BYTES + ")"));
        }
        return checkHeaderFits(topic, message, headerReserve);
    }

    // ---------------------------------------------------------------------------------------------- delays

    /**
     * Scheduled delivery through the delay levels ({@link DelayLevels}): the message enters the level of its
     * delay's highest digit with a routing key naming the topic and the key's bucket, and when due reaches the
     * topic's exchange from {@link DelayLevels#DELIVER}, where the group queues' delay bindings route it by
     * bucket exactly as a normal publish. A due time not after now publishes at once.
     */
    @Override
    public CompletableFuture<PublishReceipt> sendAt(String topic, Message message, java.time.Instant due) {
        long units = DelayLevels.unitsUntil(due, java.time.Instant.now());
        if (units == 0) return send(topic, message);
        if (units > DelayLevels.MAX_UNITS) {
            return CompletableFuture.failedFuture(new ConfigurationException("deliverAt", due, "a time at most "
                    + DelayLevels.MAX_DELAY + " from now (the RabbitMQ driver's delay levels)"));
        }
        CompletableFuture<PublishReceipt> refused = refuse(topic, message, DELAY_HEADER_RESERVE);
        if (refused != null) return refused;
        try {
            ensureTopic(topic);
            ensureDelays();
            if (!scheduledTopics.contains(topic)) {
                admin(ch -> ch.exchangeBind(Topology.exchange(topic), DelayLevels.DELIVER, DelayLevels.topicBindingKey(topic)),
                        "bind exchange '" + topic + "' to " + DelayLevels.DELIVER);
                scheduledTopics.add(topic);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof PublishException ? e
                    : new PublishException("Could not prepare the scheduled delivery to '" + topic + "': " + e.getMessage(), e));
        }
        int bucket = Topology.bucket(message.key());
        return publisher().publishTimed(() -> {
            // the delay counts from the broker's enqueue, so it is computed when the frame is written
            long left = DelayLevels.unitsUntil(due, java.time.Instant.now());
            return new ConfirmingPublisher.Route(left == 0 ? DelayLevels.DELIVER : DelayLevels.level(DelayLevels.entryLevel(left)),
                    DelayLevels.scheduledKey(left, bucket, topic));
        }, withDue(CloudEventsAmqp.properties(message, null), due), dev.omnibus.spi.Payloads.array(message), topic, message.id());
    }

    @Override public java.time.Duration maxScheduleDelay() { return DelayLevels.MAX_DELAY; }

    /**
     * Delayed redelivery of a message consumed from {@code queue}: through the delay levels back to that queue
     * only ({@link DelayLevels#DELIVER} binds it by the hash of its name). Completes when the broker confirmed
     * the publish; the caller acks the original only then.
     */
    CompletableFuture<Void> redeliver(String topic, String queue, Message message, java.time.Duration delay) {
        CompletableFuture<PublishReceipt> refused = refuse(topic, message, DELAY_HEADER_RESERVE);
        if (refused != null) return refused.thenApply(r -> null);
        long units = DelayLevels.unitsOf(delay);
        if (units > DelayLevels.MAX_UNITS) {
            return CompletableFuture.failedFuture(new ConfigurationException("redelivery delay", delay, "at most "
                    + DelayLevels.MAX_DELAY + " (the RabbitMQ driver's delay levels)"));
        }
        AMQP.BasicProperties props = CloudEventsAmqp.properties(message, null);
        if (units == 0) return publisher().publish("", queue, props, dev.omnibus.spi.Payloads.array(message), topic, message.id()).thenApply(r -> null);
        try {
            bindForRedelivery(List.of(queue), false);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof PublishException ? e
                    : new PublishException("Could not prepare the delayed redelivery to '" + queue + "': " + e.getMessage(), e));
        }
        int bucket = Topology.bucket(message.key());
        java.time.Instant due = java.time.Instant.now().plus(delay);
        AMQP.BasicProperties delayed = withDue(props, due);
        return publisher().publishTimed(() -> {
            long left = DelayLevels.unitsUntil(due, java.time.Instant.now());
            return left == 0 ? new ConfirmingPublisher.Route("", queue)
                    : new ConfirmingPublisher.Route(DelayLevels.level(DelayLevels.entryLevel(left)), DelayLevels.redeliveryKey(left, bucket, queue));
        }, delayed, dev.omnibus.spi.Payloads.array(message), topic, message.id()).thenApply(r -> null);
    }

    /** The properties with the due time the delay relay waits for ({@link DelayLevels#DUE_HEADER}). */
    private static AMQP.BasicProperties withDue(AMQP.BasicProperties props, java.time.Instant due) {
        Map<String, Object> headers = new java.util.HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        headers.put(DelayLevels.DUE_HEADER, DelayLevels.ceilMillis(due));
        return props.builder().headers(headers).build();
    }

    /** Declares the delay levels and binds each queue to {@link DelayLevels#DELIVER} (always, or once per transport). */
    private void bindForRedelivery(List<String> queues, boolean always) {
        ensureDelays();
        for (String queue : queues) {
            if (!always && redeliveryQueues.contains(queue)) continue;
            admin(ch -> ch.queueBind(queue, DelayLevels.DELIVER, DelayLevels.queueBindingKey(queue)),
                    "bind queue '" + queue + "' to " + DelayLevels.DELIVER);
            redeliveryQueues.add(queue);
        }
    }

    /** Room left in the content header for the due-time header ({@link DelayLevels#DUE_HEADER}) with margin. */
    static final int DELAY_HEADER_RESERVE = 256;

    /**
     * Declares the delay levels and the delivery exchange once per transport (idempotent on the broker) and
     * starts this process's {@link DelayRelay}, which moves delayed messages through them.
     */
    private void ensureDelays() {
        if (!delaysDeclared) declareDelays();
    }

    private synchronized void declareDelays() {
        if (delaysDeclared) return;
        declareLevels();
        DelayRelay r = new DelayRelay(connection, this::declareLevels, (exchange, routingKey, props, body) ->
                publisher().publish(exchange, routingKey, props, body, exchange, props.getMessageId()), settings.delayHoldWindow());
        try {
            r.start();
        } catch (IOException | ShutdownSignalException e) {
            r.close();
            throw new BrokerUnavailableException("Could not start the delay relay: " + reason(e), e);
        }
        relay = r;
        delaysDeclared = true;
    }

    /** Declares the delay levels and the delivery exchange (idempotent on the broker). */
    private void declareLevels() {
        admin(ch -> {
            ch.exchangeDeclare(DelayLevels.DELIVER, BuiltinExchangeType.TOPIC, true);
            for (int k = 0; k < DelayLevels.LEVELS; k++) {
                String level = DelayLevels.level(k);
                ch.exchangeDeclare(level, BuiltinExchangeType.TOPIC, true);
                ch.queueDeclare(level, true, false, false, DelayLevels.queueArguments(k));
                ch.queueBind(level, level, DelayLevels.waitKey(k));
                ch.exchangeBind(k == 0 ? DelayLevels.DELIVER : DelayLevels.level(k - 1), level, DelayLevels.passKey(k));
            }
            return null;
        }, "declare the delay levels (" + DelayLevels.PREFIX + "*)");
    }

    /**
     * Every subscribing process relays delayed messages (a publisher of scheduled messages may be gone by the time
     * they are due). Best effort: a user who may not declare {@code omnibus-delay:*} can still subscribe.
     */
    private void relayDelays() {
        try {
            ensureDelays();
        } catch (RuntimeException e) {
            log.warn("This process does not relay delayed messages: {}", e.getMessage());
        }
    }

    @Override
    public CompletableFuture<PublishReceipt> sendReply(String replyAddress, Message reply) {
        if (replyAddress == null || !replyAddress.startsWith(CloudEventsAmqp.DIRECT_REPLY_TO + ".")) {
            return send(replyAddress, reply); // an inbox topic of another kind of requester
        }
        if (closed) return CompletableFuture.failedFuture(new PublishException("RabbitMQ transport is closed", null));
        long size = CloudEventsAmqp.encodedSize(reply);
        if (size > settings.maxMessageBytes()) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(replyAddress, size, settings.maxMessageBytes(),
                    "raise the maxMessageBytes option and the broker's max_message_size together"));
        }
        CompletableFuture<PublishReceipt> headerTooLarge = checkHeaderFits(replyAddress, reply, 0);
        if (headerTooLarge != null) return headerTooLarge;
        return publisher().publish("", replyAddress, CloudEventsAmqp.properties(reply, null), dev.omnibus.spi.Payloads.array(reply), replyAddress,
                reply.id());
    }

    /**
     * The attributes and extensions travel in one AMQP content header frame, which cannot exceed the
     * connection's negotiated {@code frame_max} (amqp-client would refuse to encode it): refuse such a message
     * before it is sent, naming the size and the limit. Returns {@code null} when it fits.
     */
    private CompletableFuture<PublishReceipt> checkHeaderFits(String topic, Message message, int reserve) {
        int frameMax = connection.getFrameMax();
        long header = CloudEventsAmqp.headerSize(message) + reserve;
        if (frameMax <= 0 || header <= frameMax - FRAME_OVERHEAD) return null;
        return CompletableFuture.failedFuture(new MessageTooLargeException(topic, header, frameMax - FRAME_OVERHEAD,
                "its attributes and extensions (not the data) travel in one AMQP content header frame, bounded by the "
                        + "negotiated frame_max (" + frameMax + " bytes; rabbitmq.requestedFrameMax and the broker's frame_max)"));
    }

    /** Frame type, channel, size and end marker, plus the content header's fixed fields. */
    private static final int FRAME_OVERHEAD = 64;

    private ConfirmingPublisher publisher() {
        int i = (int) Math.floorMod(Thread.currentThread().getId(), (long) publishers.length);
        synchronized (publishers) {
            ConfirmingPublisher p = publishers[i];
            if (p == null || (!p.isOpen() && connection.isOpen())) {
                try {
                    p = new ConfirmingPublisher(connection.createChannel(), completions, settings.confirmTimeout());
                } catch (IOException | ShutdownSignalException e) {
                    if (p != null) return p; // its publish fails with the reason
                    throw new BrokerUnavailableException("Could not open a RabbitMQ channel: " + e.getMessage(), e);
                }
                publishers[i] = p;
            }
            return p;
        }
    }

    // ---------------------------------------------------------------------------------------------- topology

    /** Declares the topic's exchange (and its stream in stream mode) once per transport. */
    private void ensureTopic(String topic) {
        if (declaredTopics.contains(topic)) return;
        admin(ch -> {
            ch.exchangeDeclare(Topology.exchange(topic), BuiltinExchangeType.TOPIC, true);
            if (settings.queueType() == QueueType.STREAM) {
                String stream = Topology.stream(topic);
                ch.queueDeclare(stream, true, false, false, Topology.streamArguments());
                ch.queueBind(stream, Topology.exchange(topic), Topology.ALL);
            }
            return null;
        }, "declare exchange '" + topic + "'");
        declaredTopics.add(topic);
    }

    @Override
    public void declareGroup(String topic, String group) {
        ensureTopic(topic);
        if (settings.queueType() != QueueType.STREAM) declareGroupQueues(topic, group, null);
    }

    /**
     * The group's queues. With quorum queues and a {@code deadLetterTopic}, a message delivered more than
     * {@code deliveryLimit} times goes to that topic's exchange (the safety net); without one (a group that
     * the core does not dead-letter, such as a redrive), no delivery limit is set and nothing else is created.
     */
    private List<String> declareGroupQueues(String topic, String group, String deadLetterTopic) {
        List<String> queues = Topology.groupQueues(topic, group, settings.shards());
        String dlx = deadLetterTopic == null ? null : Topology.exchange(deadLetterTopic);
        admin(ch -> {
            boolean limit = settings.queueType() == QueueType.QUORUM && settings.deliveryLimit() > 0 && dlx != null;
            if (limit) ch.exchangeDeclare(dlx, BuiltinExchangeType.TOPIC, true);
            Map<String, Object> args = Topology.groupQueueArguments(settings.queueType(), limit ? settings.deliveryLimit() : 0, dlx);
            for (int i = 0; i < queues.size(); i++) {
                ch.queueDeclare(queues.get(i), true, false, false, args);
                for (String key : Topology.bindingKeys(i, queues.size())) {
                    ch.queueBind(queues.get(i), Topology.exchange(topic), key);
                    // scheduled messages arrive from the delay levels with a longer key naming the same bucket
                    if (!Topology.ALL.equals(key)) {
                        ch.queueBind(queues.get(i), Topology.exchange(topic), DelayLevels.bucketBindingKey(Integer.parseInt(key)));
                    }
                }
            }
            return null;
        }, "declare the queues of group '" + group + "' on topic '" + topic + "'");
        return queues;
    }

    @Override
    public dev.omnibus.ConsumerLag lag(String topic, String group) { return rabbitAdmin().lag(topic, group); }

    /** The AMQP connection is open (automatic recovery reopens it after a failure). */
    @Override public boolean isConnected() { return !closed && connection.isOpen(); }

    @Override
    public TransportAdmin admin() { return rabbitAdmin(); }

    private RabbitAdmin rabbitAdmin() {
        return new RabbitAdmin(management, settings, new RabbitAdmin.Amqp() {
            @Override public void deleteQueue(String queue) {
                redeliveryQueues.remove(queue);
                admin(ch -> ch.queueDelete(queue), "delete queue '" + queue + "'");
            }
            @Override public void deleteExchange(String exchange) {
                admin(ch -> ch.exchangeDelete(exchange), "delete exchange '" + exchange + "'");
            }
        }, topic -> {
            declaredTopics.remove(topic);
            scheduledTopics.remove(topic);
        });
    }

    private interface AdminAction<T> { T run(Channel channel) throws IOException; }

    private <T> T admin(AdminAction<T> action, String what) {
        synchronized (adminLock) {
            try {
                if (admin == null || !admin.isOpen()) admin = connection.createChannel();
                return action.run(admin);
            } catch (IOException | ShutdownSignalException e) {
                String reason = reason(e);
                if (reason.contains("PRECONDITION_FAILED")) {
                    throw new ConfigurationException("RabbitMQ refused to " + what + " (" + reason + "): it already exists"
                            + " with other settings (queueType, shards, deliveryLimit or exchange type). Use the settings it"
                            + " was created with, or delete it.", e);
                }
                throw new BrokerUnavailableException("RabbitMQ could not " + what + ": " + reason, e);
            }
        }
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException sse && sse.getReason() != null) return sse.getReason().toString();
        }
        return String.valueOf(e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------- consume

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
        ensureTopic(topic);
        relayDelays();
        Channel ch;
        try {
            ch = connection.createChannel();
        } catch (IOException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("Could not open a RabbitMQ channel for " + topic + ": " + reason(e), e);
        }
        try {
            List<String> queues;
            Map<String, Object> consumerArgs = Map.of();
            if (settings.queueType() == QueueType.STREAM) {
                queues = List.of(Topology.stream(topic));
                consumerArgs = Map.of("x-stream-offset", options.startFrom() == StartFrom.EARLIEST ? "first" : "next");
            } else if (options.group() == null) {
                String q = ch.queueDeclare("", false, true, true, null).getQueue();
                ch.queueBind(q, Topology.exchange(topic), Topology.ALL);
                queues = List.of(q);
            } else {
                queues = declareGroupQueues(topic, options.group(), options.deadLetterTopic());
            }
            // a subscription that will hand messages back binds its queues to the delay delivery exchange now, so a
            // queue deleted and declared again (another process, an admin) gets its binding with its next subscriber
            if (options.redelivery() != null && settings.queueType() != QueueType.STREAM) bindForRedelivery(queues, true);
            int prefetch = (int) Math.min(65_535, Math.max(1, (options.maxInFlight() + queues.size() - 1) / queues.size()));
            ch.basicQos(prefetch);
            RabbitSubscription.Redeliverer redeliverer = settings.queueType() == QueueType.STREAM ? null
                    : (queue, message, delay) -> redeliver(topic, queue, message, delay);
            RabbitSubscription s = new RabbitSubscription(ch, sink, Math.max(1, options.maxInFlight()),
                    topic + (options.group() == null ? "" : "|" + options.group()), redeliverer);
            s.consume(queues, consumerArgs);
            return s;
        } catch (IOException | ShutdownSignalException e) {
            closeQuietly(ch);
            throw new BrokerUnavailableException("Could not subscribe to '" + topic + "': " + reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    @Override
    public ReplyInbox openReplyInbox(String suggestedTopic, Consumer<Inbound> sink) {
        synchronized (this) {
            if (replyInbox == null) {
                try {
                    replyInbox = new DirectReplyInbox(new ConfirmingPublisher(connection.createChannel(), completions, settings.confirmTimeout()), sink);
                } catch (IOException | ShutdownSignalException e) {
                    throw new BrokerUnavailableException("Could not consume " + CloudEventsAmqp.DIRECT_REPLY_TO + ": "
                            + reason(e), e);
                }
            }
            return new ReplyInbox(CloudEventsAmqp.DIRECT_REPLY_TO, replyInbox);
        }
    }

    // ---------------------------------------------------------------------------------------------- misc

    @Override public long maxMessageBytes() { return settings.maxMessageBytes(); }

    @Override
    public String brokerDescription() {
        Object product = connection.getServerProperties().get("product");
        Object version = connection.getServerProperties().get("version");
        return (product == null ? "RabbitMQ" : product.toString()) + (version == null ? "" : " " + version)
                + " (queueType=" + settings.queueType().argument() + ", shards=" + settings.shards() + ")";
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        DelayRelay r;
        synchronized (this) { r = relay; }
        if (r != null) r.close();
        DirectReplyInbox inbox = replyInbox;
        if (inbox != null) inbox.close();
        try {
            if (connection.isOpen()) connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            log.debug("Closing RabbitMQ connection: {}", e.toString());
            connection.abort(1_000);
        } finally {
            sweeper.shutdownNow();
            completions.close();
        }
    }

    private static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) ch.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    @Override public String toString() { return "RabbitTransport{" + settings.queueType() + ", shards=" + settings.shards() + "}"; }
}
