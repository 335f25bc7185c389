package dev.omnibus.pulsar.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ClosedException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Ordering;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportAdmin;
import dev.omnibus.spi.TransportSubscription;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SizeUnit;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionMode;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.ClientCnx;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A connection to one Pulsar cluster through one {@link PulsarClient}. See {@code docs/drivers/pulsar.md}. */
public final class PulsarTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(PulsarTransport.class);
    private static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.CONSUMER_GROUPS,
            Capability.PER_KEY_ORDERING, Capability.REPLAY, Capability.DURABLE, Capability.REQUEST_REPLY, Capability.ADMIN,
            Capability.LAG, Capability.SCHEDULED_DELIVERY, Capability.DELAYED_REDELIVERY);
    /** Receiver queue ceiling: prefetch beyond this buys nothing and unbalances Key_Shared consumers. */
    private static final int MAX_RECEIVER_QUEUE = 1000;
    static final String PROBE_TOPIC = "omnibus-connect-probe";

    private final PulsarSettings settings;
    private final PulsarClient client;
    private final long maxMessageSize;
    private final String brokerDescription;
    private final Map<String, TopicPublisher> publishers = new ConcurrentHashMap<>();
    private final Set<PulsarReceiver> receivers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    /** Publish futures complete here, not on the client's threads: a callback may wait for another publish. */
    private final dev.omnibus.spi.Completions completions = new dev.omnibus.spi.Completions("omnibus-pulsar-publish-callbacks");
    private volatile boolean closed;

    private PulsarTransport(PulsarSettings settings, PulsarClient client, long maxMessageSize, String brokerDescription) {
        this.settings = settings;
        this.client = client;
        this.maxMessageSize = maxMessageSize;
        this.brokerDescription = brokerDescription;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibus-pulsar-redelivery");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Builds the client, then proves within {@code connectTimeout} that the broker answers and within
     * {@code operationTimeout} that the tenant/namespace exists.
     */
    public static PulsarTransport connect(PulsarSettings s) {
        PulsarClient client;
        try {
            client = PulsarClient.builder()
                    .serviceUrl(s.serviceUrl())
                    .connectionTimeout((int) Math.min(Integer.MAX_VALUE, s.connectTimeout().toMillis()), TimeUnit.MILLISECONDS)
                    .operationTimeout((int) Math.min(Integer.MAX_VALUE, s.operationTimeout().toMillis()), TimeUnit.MILLISECONDS)
                    .memoryLimit(s.memoryLimitBytes(), SizeUnit.BYTES)
                    .loadConf(s.clientPassThrough())
                    .build();
        } catch (PulsarClientException | RuntimeException e) {
            throw PassThroughErrors.refused("pulsar.", "ClientBuilder", s.clientPassThrough(),
                    conf -> PulsarClient.builder().loadConf(conf), e);
        }
        try {
            checkPassThrough(client, s);
            long maxSize = probeConnection(client, s);
            probeNamespace(client, s);
            return new PulsarTransport(s, client, maxSize, PulsarVersion.describe(s));
        } catch (RuntimeException e) {
            closeInBackground(client, s);
            throw e;
        }
    }

    /** Applies the producer/consumer pass-through keys to throw-away builders so mistakes surface at connect. */
    private static void checkPassThrough(PulsarClient client, PulsarSettings s) {
        try {
            client.newProducer(Schema.BYTES).loadConf(s.producerPassThrough());
        } catch (RuntimeException e) {
            throw PassThroughErrors.refused("pulsar.producer.", "ProducerBuilder", s.producerPassThrough(),
                    conf -> client.newProducer(Schema.BYTES).loadConf(conf), e);
        }
        try {
            client.newConsumer(Schema.BYTES).loadConf(s.consumerPassThrough());
        } catch (RuntimeException e) {
            throw PassThroughErrors.refused("pulsar.consumer.", "ConsumerBuilder", s.consumerPassThrough(),
                    conf -> client.newConsumer(Schema.BYTES).loadConf(conf), e);
        }
    }

    private static long probeConnection(PulsarClient client, PulsarSettings s) {
        try {
            ClientCnx cnx = ((PulsarClientImpl) client).getConnectionToServiceUrl()
                    .get(s.connectTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
            return cnx.getMaxMessageSize();
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("Pulsar broker at " + s.serviceUrl() + " did not answer within "
                    + s.connectTimeout() + " (connectTimeout); is it running and reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while connecting to " + s.serviceUrl(), e);
        } catch (Exception e) {
            log.debug("Connecting to {} failed", s.serviceUrl(), e);
            throw new BrokerUnavailableException("Cannot reach the Pulsar broker at " + s.serviceUrl() + ": "
                    + PulsarErrors.plainReason(e) + ". Is it running and is the host:port right?", null);
        }
    }

    private static void probeNamespace(PulsarClient client, PulsarSettings s) {
        try {
            client.getPartitionsForTopic(s.fullTopic(PROBE_TOPIC), true) // what the deprecated 1-arg form does
                    .get(s.operationTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("Pulsar broker at " + s.serviceUrl() + " did not answer a topic lookup in "
                    + s.tenantNamespace() + " within " + s.operationTimeout() + " (operationTimeout)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while connecting to " + s.serviceUrl(), e);
        } catch (Exception e) {
            if (PulsarErrors.namespaceMissing(e)) throw PulsarErrors.missingNamespace(s, e);
            log.debug("Topic lookup on {} failed", s.serviceUrl(), e);
            throw new BrokerUnavailableException("Pulsar broker at " + s.serviceUrl() + " refused a topic lookup in "
                    + s.tenantNamespace() + ": " + PulsarErrors.plainReason(e), null);
        }
    }

    @Override public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public dev.omnibus.ConsumerLag lag(String topic, String group) { return pulsarAdmin().lag(topic, group); }

    /** The client is open and every producer and consumer it has is connected (client state, no round trip). */
    @Override
    public boolean isConnected() {
        if (closed || client.isClosed()) return false;
        for (TopicPublisher p : publishers.values()) if (!p.isConnected()) return false;
        for (PulsarReceiver r : receivers) if (!r.isConnected()) return false;
        return true;
    }

    @Override
    public TransportAdmin admin() { return pulsarAdmin(); }

    private PulsarAdmin pulsarAdmin() {
        return new PulsarAdmin(settings, topic -> {
            TopicPublisher p = publishers.remove(topic);
            if (p != null) p.close(settings.operationTimeout().toMillis());
        });
    }

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        return send(topic, message, TopicPublisher.NOW);
    }

    /**
     * Pulsar's delayed delivery ({@code deliver_at_time}): the broker holds the message for every Shared
     * and Key_Shared subscription (every subscription this driver opens) until {@code due}; the receiver
     * additionally never hands it over before {@code due} by this process's clock (the broker may release
     * it up to {@code delayedDeliveryTickTimeMillis} early).
     */
    @Override
    public CompletableFuture<PublishReceipt> sendAt(String topic, Message message, java.time.Instant due) {
        return send(topic, message, due.toEpochMilli());
    }

    @Override
    public java.time.Duration maxScheduleDelay() { return settings.maxScheduleDelay(); }

    /** The topic that holds {@code group}'s delayed redeliveries of {@code topic}'s messages. */
    public static String redeliveryTopic(String topic, String group) { return topic + "-" + group + REDELIVERY_SUFFIX; }

    /** Suffix of the redelivery topics ({@link #redeliveryTopic}); the admin listing hides them. */
    public static final String REDELIVERY_SUFFIX = "-omnibus-redelivery";

    CompletableFuture<PublishReceipt> send(String topic, Message message, long deliverAt) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Pulsar transport"));
        Map<String, String> properties = CloudEventsProperties.encode(message);
        long size = message.dataSize() + CloudEventsProperties.size(properties)
                + (message.key() == null ? 0 : message.key().length());
        if (message.dataSize() > maxMessageSize || size > maxMessageSize) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, maxMessageSize,
                    "the broker's maxMessageSize (broker.conf) is the limit; raise it there, or send a reference to the "
                            + "data instead of the data"));
        }
        while (true) {
            TopicPublisher p = publishers.computeIfAbsent(topic,
                    t -> new TopicPublisher(client, t, settings, completions));
            CompletableFuture<PublishReceipt> f = p.send(message, properties, deliverAt);
            if (f != null) return f;
            publishers.remove(topic, p); // creation failed earlier: try a fresh producer
            if (closed) return CompletableFuture.failedFuture(new ClosedException("Pulsar transport"));
        }
    }

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, java.util.function.Consumer<Inbound> sink) {
        if (closed) throw new ClosedException("Pulsar transport");
        boolean perKey = options.ordering() == Ordering.PER_KEY;
        int maxInFlight = Math.max(1, options.maxInFlight());
        ConsumerBuilder<byte[]> b = client.newConsumer(Schema.BYTES)
                .topic(settings.fullTopic(topic))
                .receiverQueueSize(Math.min(maxInFlight, MAX_RECEIVER_QUEUE))
                .subscriptionInitialPosition(options.startFrom() == StartFrom.EARLIEST
                        ? SubscriptionInitialPosition.Earliest : SubscriptionInitialPosition.Latest)
                .negativeAckRedeliveryDelay(settings.nackRedeliveryDelay().toMillis(), TimeUnit.MILLISECONDS)
                .enableBatchIndexAcknowledgment(true)
                .acknowledgmentGroupTime(10, TimeUnit.MILLISECONDS);
        // Key_Shared / Shared for every subscription, group-less ones too (a unique name, one consumer):
        // Pulsar honours deliverAt only for those two types, an Exclusive subscription would receive a
        // scheduled message at once.
        SubscriptionType type = perKey ? SubscriptionType.Key_Shared : SubscriptionType.Shared;
        java.util.function.BiFunction<Message, Long, CompletableFuture<PublishReceipt>> redeliverer = null;
        if (options.redelivery() != null && (options.group() == null || perKey)) {
            throw new ConfigurationException("Delayed redelivery on Pulsar needs a group with Ordering.NONE (a durable "
                    + "Shared subscription that also reads its redelivery topic); this subscription to '" + topic + "' is "
                    + (options.group() == null ? "group-less" : "ordered per key (ORDERED_DELAYED_REDELIVERY is not offered: "
                    + "docs/drivers/pulsar.md)") + ". Subscribe with a group and Ordering.NONE, or without a redelivery schedule");
        }
        if (options.group() == null) {
            b.subscriptionName("omnibus-" + UUID.randomUUID())
                    .subscriptionMode(SubscriptionMode.NonDurable)
                    .subscriptionType(type);
        } else {
            b.subscriptionName(options.group())
                    .subscriptionMode(SubscriptionMode.Durable)
                    .subscriptionType(type);
            if (options.redelivery() != null) {
                // delayed redelivery (Ordering.NONE): the group also consumes its own redelivery topic
                String retry = redeliveryTopic(topic, options.group());
                b.topic(settings.fullTopic(retry)).isAckReceiptEnabled(true);
                redeliverer = (m, deliverAt) -> send(retry, m, deliverAt);
            }
        }
        PulsarReceiver[] self = new PulsarReceiver[1];
        PulsarReceiver r = new PulsarReceiver(topic, sink, perKey, maxInFlight, scheduler,
                settings.nackRedeliveryDelay(), settings.operationTimeout(), redeliverer, () -> receivers.remove(self[0]));
        self[0] = r;
        b.loadConf(settings.consumerPassThrough());
        b.messageListener((c, m) -> r.onMessage(m));
        Consumer<byte[]> consumer = subscribe(b, topic, options.group());
        r.attach(consumer);
        receivers.add(r);
        return r;
    }

    private Consumer<byte[]> subscribe(ConsumerBuilder<byte[]> b, String topic, String group) {
        try {
            return b.subscribeAsync().get(settings.operationTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while subscribing to " + settings.fullTopic(topic), e);
        } catch (Exception e) {
            throw PulsarErrors.subscribeFailure(settings, topic, group, e);
        }
    }

    /** Creates the durable subscription (at the end of the topic) by subscribing once and closing. */
    @Override
    public void declareGroup(String topic, String group) {
        if (closed) throw new ClosedException("Pulsar transport");
        ConsumerBuilder<byte[]> b = client.newConsumer(Schema.BYTES)
                .topic(settings.fullTopic(topic))
                .subscriptionName(group)
                .subscriptionMode(SubscriptionMode.Durable)
                .subscriptionType(SubscriptionType.Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Latest)
                .receiverQueueSize(1);
        Consumer<byte[]> c;
        try {
            c = subscribe(b, topic, group);
        } catch (ConfigurationException e) {
            if (e.getMessage().contains("another subscription type")) return; // the subscription exists: enough
            throw e;
        }
        try {
            c.closeAsync().get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            log.debug("Closing the declaring consumer of {} failed: {}", group, e.toString());
        }
    }

    @Override public long maxMessageBytes() { return maxMessageSize; }

    @Override public String brokerDescription() { return brokerDescription; }

    /** The settings in force (for tests and diagnostics). */
    public PulsarSettings settings() { return settings; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        for (PulsarReceiver r : receivers.toArray(new PulsarReceiver[0])) r.close();
        receivers.clear();
        long timeout = settings.operationTimeout().toMillis();
        for (TopicPublisher p : publishers.values()) p.close(timeout);
        publishers.clear();
        scheduler.shutdownNow();
        completions.close(); // what completes later runs on the completing thread
        closeInBackground(client, settings);
    }

    /**
     * Consumers and producers are closed (acks flushed, publishes confirmed or failed) before this; what
     * remains is the client's connection pool and Netty's graceful event-loop shutdown, which always
     * waits a 2 s quiet period. That tail runs in the background instead of delaying every close.
     */
    private static void closeInBackground(PulsarClient client, PulsarSettings s) {
        client.closeAsync().whenComplete((v, e) -> {
            if (e != null) log.debug("Closing the Pulsar client for {} did not finish cleanly: {}", s.serviceUrl(), e.toString());
        });
    }

    @Override public String toString() { return "PulsarTransport{" + settings.serviceUrl() + ", " + settings.tenantNamespace() + "}"; }
}
