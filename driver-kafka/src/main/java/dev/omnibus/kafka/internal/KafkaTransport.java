package dev.omnibus.kafka.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ClosedException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.internal.Redaction;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.ReplyInbox;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportAdmin;
import dev.omnibus.spi.TransportSubscription;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Kafka {@link Transport}: one idempotent producer, one Admin client, one consumer per subscription.
 * Publishing goes through {@link KafkaPublisher} (never blocks the caller per message); consuming through
 * one {@link KafkaReceiver} per subscription; topics through {@link Topics}.
 */
public final class KafkaTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    private final KafkaSettings settings;
    private final Admin admin;
    private final Topics topics;
    private final KafkaPublisher publisher;
    private final DelayForwarder forwarder;
    private final Set<Capability> capabilities;
    private final String description;
    private final Set<KafkaReceiver> receivers = ConcurrentHashMap.newKeySet();
    private final Set<String> replyTopics = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private KafkaTransport(KafkaSettings settings, Admin admin, String description) {
        this.settings = settings;
        this.admin = admin;
        this.description = description;
        this.topics = new Topics(admin, settings);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(settings));
        this.publisher = new KafkaPublisher(producer, topics, settings.subscribeTimeout(), settings.maxPendingPublishes());
        this.capabilities = capabilitiesOf(settings);
        if (settings.delayForwarder()) {
            KafkaConsumer<byte[], byte[]> consumer;
            try {
                consumer = new KafkaConsumer<>(forwarderConfig(settings));
            } catch (KafkaException e) {
                publisher.close(Duration.ZERO);
                throw e;
            }
            this.forwarder = new DelayForwarder(consumer, producer, topics);
            forwarder.start();
        } else {
            this.forwarder = null;
        }
    }

    /** Connects: checks within {@code connectTimeout} that a broker answers, then creates the producer. */
    public static KafkaTransport connect(KafkaSettings settings) {
        Map<String, Object> adminConfig = new HashMap<>();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        adminConfig.putAll(settings.admin());
        Admin admin;
        try {
            admin = Admin.create(adminConfig);
        } catch (KafkaException e) {
            throw nativeConfigFailure("admin client", settings, e);
        }
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            long ms = settings.connectTimeout().toMillis();
            int nodes = cluster.nodes().get(ms, TimeUnit.MILLISECONDS).size();
            String clusterId = cluster.clusterId().get(ms, TimeUnit.MILLISECONDS);
            try {
                return new KafkaTransport(settings, admin, KafkaVersion.describe(admin, clusterId, nodes, settings.connectTimeout()));
            } catch (KafkaException e) {
                throw nativeConfigFailure("producer", settings, e);
            }
        } catch (ConfigurationException e) {
            admin.close(Duration.ZERO);
            throw e;
        } catch (Exception e) {
            admin.close(Duration.ZERO);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Throwable cause = Topics.unwrap(e);
            String why = cause instanceof AuthenticationException ? "authentication failed: " + cause.getMessage()
                    : cause instanceof AuthorizationException ? "not authorized to describe the cluster: " + cause.getMessage()
                    : cause instanceof java.util.concurrent.TimeoutException ? "no answer within connectTimeout=" + settings.connectTimeout()
                    : cause.toString();
            throw new BrokerUnavailableException("Cannot connect to Kafka at " + settings.bootstrapServers() + ": " + why
                    + ". Check that the brokers run and are reachable (and the security settings), or raise connectTimeout.", cause);
        }
    }

    /**
     * A native client refused its kafka.* settings (e.g. a malformed sasl.jaas.config). Kafka's messages may
     * quote a setting's value: every secret value is masked in the message, and the native exception is only
     * kept as the cause when no secret appears anywhere in its chain.
     */
    static ConfigurationException nativeConfigFailure(String client, KafkaSettings s, KafkaException e) {
        Set<String> secrets = new HashSet<>();
        for (Map<String, Object> m : List.of(s.producer(), s.consumer(), s.admin())) {
            m.forEach((k, v) -> { if (Redaction.isSecretKey(k) && v != null && !v.toString().isEmpty()) secrets.add(v.toString()); });
        }
        StringBuilder why = new StringBuilder();
        boolean leaks = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage());
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    leaks = true;
                    text = text.replace(secret, "****");
                }
            }
            why.append(why.length() == 0 ? "" : ": ").append(text);
        }
        return new ConfigurationException("The Kafka " + client + " refused the kafka.* options " + optionKeys(s)
                + ": " + why + ". Check those settings (security.protocol, sasl.*, ssl.*, class names).", leaks ? null : e);
    }

    private static Set<String> optionKeys(KafkaSettings s) {
        Set<String> keys = new TreeSet<>(s.admin().keySet());
        keys.addAll(s.producer().keySet());
        return keys;
    }

    private static Map<String, Object> producerConfig(KafkaSettings s) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, s.maxMessageBytes() + KafkaSettings.FRAMING_HEADROOM);
        // only the publisher thread ever blocks in send(): let it ride out an outage as long as delivery.timeout.ms
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
        c.putAll(s.producer());
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return c;
    }

    private Map<String, Object> consumerConfig(ReceiveOptions options) {
        int fetch = settings.maxMessageBytes() + KafkaSettings.FRAMING_HEADROOM;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, options.maxInFlight())));
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, fetch));
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(50 * 1024 * 1024, fetch));
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // KafkaConsumer.close() waits for the fetch in flight, which an idle topic's broker holds for up to
        // fetch.max.wait.ms (KAFKA-19884): 100 ms instead of 500 makes every subscription close ~400 ms faster; a
        // topic with records answers at once either way
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        c.putAll(settings.consumer());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.startFrom() == StartFrom.EARLIEST ? "earliest" : "latest");
        if (options.group() != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, options.group());
        return c;
    }

    /**
     * The delay forwarder's consumer: group {@link DelayTiers#GROUP} on every tier, from the earliest record of a
     * tier partition the group has not committed yet, manual commits, incremental (cooperative) rebalances so
     * processes joining and leaving do not stop the other members' partitions.
     */
    private static Map<String, Object> forwarderConfig(KafkaSettings s) {
        int fetch = s.maxMessageBytes() + KafkaSettings.FRAMING_HEADROOM;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DelayForwarder.MAX_BUFFERED);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, fetch));
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(50 * 1024 * 1024, fetch));
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.putAll(s.consumer());
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // one static id shared by every process would fence them
        // the classic protocol with the cooperative sticky assignor: a member joining or leaving moves only the
        // partitions it gains or gives up, within a few polls (the KIP-848 protocol, kafka.group.protocol=consumer,
        // moves them on the next heartbeat, 5 s by default, which makes scheduled messages late during a deploy)
        if (!"consumer".equalsIgnoreCase(String.valueOf(c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
            // a crashed process's tier partitions move to the others after the session timeout: 10 s, not 45 s
            c.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
            c.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        } else {
            c.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        }
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, DelayTiers.GROUP);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnibus-delay-forwarder-" + Long.toString(System.nanoTime(), 36));
        return c;
    }

    /** DURABLE needs acks=all; BROKER_DEDUPLICATION needs the idempotent producer: both are the defaults. */
    static Set<Capability> capabilitiesOf(KafkaSettings s) {
        Set<Capability> c = EnumSet.of(Capability.CONSUMER_GROUPS, Capability.PER_KEY_ORDERING, Capability.REPLAY,
                Capability.REQUEST_REPLY, Capability.ADMIN, Capability.LAG);
        String acks = s.producerSetting(ProducerConfig.ACKS_CONFIG, "all").toLowerCase(Locale.ROOT);
        if (acks.equals("all") || acks.equals("-1")) {
            c.add(Capability.DURABLE);
            c.add(Capability.SCHEDULED_DELIVERY); // the tiers are only as durable as the produce into them
            c.add(Capability.DELAYED_REDELIVERY);
            c.add(Capability.ORDERED_DELAYED_REDELIVERY); // parked in place, history in the committed offset's metadata
        }
        if (s.producerSetting(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true").equalsIgnoreCase("true")) {
            c.add(Capability.BROKER_DEDUPLICATION);
        }
        return Collections.unmodifiableSet(c);
    }

    @Override public Set<Capability> capabilities() { return capabilities; }

    @Override public TransportAdmin admin() { return new KafkaAdmin(admin, topics, settings.subscribeTimeout()); }

    @Override
    public dev.omnibus.ConsumerLag lag(String topic, String group) {
        return new KafkaAdmin(admin, topics, settings.subscribeTimeout()).lag(topic, group);
    }

    /** The producer's open broker connections, from its own metrics (no round trip). */
    /**
     * Yes: each subscription's sink is called by its own poll thread only, acks and nacks are queued for that
     * thread, and neither stopping nor closing waits for it without a bound. A handler running there holds the
     * poll loop, which is what {@code handleOnDeliveryThread} documents.
     */
    @Override public boolean deliveryThreadMayRunHandlers() { return true; }

    @Override public boolean isConnected() { return !closed && publisher.connectionCount() > 0; }

    @Override public long maxMessageBytes() { return settings.maxMessageBytes(); }

    @Override public String brokerDescription() { return description; }

    // ---- publishing ----

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        return publisher.send(topic, message, true);
    }

    /**
     * Scheduled delivery through the delay tiers ({@link DelayTiers}); a due time already past is a plain send.
     * The future completes once the record is durably in a tier (or the topic).
     */
    @Override
    public CompletableFuture<PublishReceipt> sendAt(String topic, Message message, java.time.Instant due) {
        long dueMs = due.toEpochMilli();
        if (dueMs <= System.currentTimeMillis()) return publisher.send(topic, message, true);
        return publisher.sendDelayed(topic, message, dueMs);
    }

    @Override public Duration maxScheduleDelay() { return DelayTiers.MAX_DELAY; }

    // ---- consuming ----

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
        if (closed) throw new ClosedException("Kafka transport");
        topics.ensureNow(topic);
        String redeliveryTopic = null;
        if (options.redelivery() != null) {
            redeliveryTopic = redeliveryTopic(topic, options.group()); // checks the group also where it parks
            if (options.ordering() == dev.omnibus.Ordering.PER_KEY) redeliveryTopic = null; // parked in place
            else topics.ensureNow(redeliveryTopic);
        }
        KafkaReceiver receiver = new KafkaReceiver(topic, options, sink, settings, new KafkaConsumer<>(consumerConfig(options)),
                redeliveryTopic, publisher);
        receiver.start();
        receivers.add(receiver);
        return new TransportSubscription() {
            @Override public void stopReceiving() { receiver.stopReceiving(); }
            @Override public void close() {
                receiver.close();
                receivers.remove(receiver);
            }
        };
    }

    /**
     * The topic a group's delayed redeliveries of {@code topic} come back through: {@code <topic>.redelivery.<group>},
     * consumed by the group's subscriptions with a redelivery schedule and by no one else.
     */
    static String redeliveryTopic(String topic, String group) {
        if (group == null) {
            throw new ConfigurationException("A delayed-redelivery schedule on Kafka needs a consumer group (the redeliveries "
                    + "come back through the group's own topic '" + topic + ".redelivery.<group>'): subscribe with "
                    + "SubscribeOptions.group(...), or use in-process retries only");
        }
        String name = topic + KafkaAdmin.REDELIVERY_INFIX + group;
        if (name.length() > 249 || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new ConfigurationException("group", group, "a group name made of letters, digits, '.', '_' and '-' that "
                    + "keeps '" + topic + ".redelivery.<group>' within 249 characters: Kafka names the group's redelivery "
                    + "topic after it");
        }
        return name;
    }

    /**
     * Kafka retains every message regardless of consumers; what a group needs is a starting position.
     * A group without committed offsets gets the current end of each partition committed, so it later
     * resumes from here instead of from "latest at that time".
     */
    @Override
    public void declareGroup(String topic, String group) {
        topics.ensureNow(topic);
        Duration timeout = settings.subscribeTimeout();
        try {
            List<TopicPartitionInfo> infos = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> missing = new HashMap<>();
            for (TopicPartitionInfo p : infos) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                if (committed.get(tp) == null) missing.put(tp, OffsetSpec.latest());
            }
            if (missing.isEmpty()) return;
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            admin.listOffsets(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, r) -> start.put(tp, new OffsetAndMetadata(r.offset())));
            admin.alterConsumerGroupOffsets(group, start).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // typically: the group has active members, which then hold positions already
            log.debug("declareGroup({}, {}) left the group as it is: {}", topic, group, Topics.unwrap(e).toString());
        }
    }

    /** A one-partition, one-hour-retention reply topic per instance, deleted at close; LATEST, no group. */
    @Override
    public ReplyInbox openReplyInbox(String suggestedTopic, Consumer<Inbound> sink) {
        topics.createReplyTopic(suggestedTopic);
        replyTopics.add(suggestedTopic);
        return Transport.super.openReplyInbox(suggestedTopic, sink);
    }

    /** Replies never create topics: a closed requester's inbox stays gone. */
    @Override
    public CompletableFuture<PublishReceipt> sendReply(String replyAddress, Message reply) {
        return publisher.send(replyAddress, reply, false);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (KafkaReceiver r : receivers) r.close();
        receivers.clear();
        if (forwarder != null) forwarder.close(settings.closeTimeout());
        topics.deleteQuietly(new ArrayList<>(replyTopics), Duration.ofSeconds(5));
        publisher.close(settings.closeTimeout());
        admin.close(Duration.ofSeconds(5));
    }

    @Override public String toString() { return "KafkaTransport{" + settings.bootstrapServers() + "}"; }
}
