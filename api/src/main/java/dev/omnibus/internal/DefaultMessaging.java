package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.ClosedException;
import dev.omnibus.ConsumerLag;
import dev.omnibus.Health;
import dev.omnibus.SubscriptionHealth;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetterException;
import dev.omnibus.DeadLetters;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingAdmin;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishOptions;
import dev.omnibus.PublishReceipt;
import dev.omnibus.RequestHandler;
import dev.omnibus.RequestReply;
import dev.omnibus.RetryPolicy;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.UnsupportedCapabilityException;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** The {@link Messaging} implementation: the portable semantics over any {@link Transport}. */
public final class DefaultMessaging implements Messaging {
    private static final Logger log = LoggerFactory.getLogger(DefaultMessaging.class);
    /** Portable topic names: what Kafka, Pulsar and RabbitMQ all accept. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._\\-]{1,200}");
    /** The group that {@link #redrive} reads dead-letter topics with (declared on every dead-letter topic). */
    public static final String REDRIVE_GROUP = "omnibus-redrive";

    private final String scheme;
    private final Transport transport;
    private final Set<Capability> capabilities;
    private final Duration closeTimeout;
    private final Duration requestTimeout;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService callbacks;
    private final RequestReplyClient requests;
    private final Set<ConsumerPipeline> subscriptions = ConcurrentHashMap.newKeySet();
    private final Set<String> declaredDeadLetterTopics = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final ObservedSender sender;

    private DefaultMessaging(String scheme, Transport transport, Duration closeTimeout, Duration requestTimeout,
                             Observers observers, DriverConfig driverConfig) {
        this.scheme = scheme;
        this.transport = transport;
        this.sender = new ObservedSender(transport, observers);
        this.capabilities = Set.copyOf(transport.capabilities());
        this.closeTimeout = closeTimeout;
        this.requestTimeout = requestTimeout;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("omnibus-timer"));
        this.callbacks = Executors.newCachedThreadPool(new NamedThreadFactory("omnibus-callback"));
        this.requests = new RequestReplyClient(transport, sender, "omnibus.replies." + Ids.newId(), scheduler, callbacks);
        dev.omnibus.spi.HostAndPort first = firstHost(driverConfig);
        sender.client(new ObservedClient(system(scheme), transport.brokerDescription(), first == null ? null : first.host(),
                first == null ? -1 : first.port(), this));
        if (observers != null) observers.connected(sender.client());
    }

    /**
     * Parses the configuration, finds the driver, lets it validate its options, rejects options nobody
     * read, and only then connects: a configuration mistake never waits for a network timeout.
     */
    public static Messaging connect(MessagingConfig config) {
        ConnectionUrl url = ConnectionUrl.parse(config.url());
        Map<String, String> options = new LinkedHashMap<>(url.query());
        options.putAll(config.options());
        MessagingDriver driver = config.driver() != null ? config.driver() : DriverRegistry.find(url.scheme());
        DriverConfig driverConfig = new DriverConfig(url.scheme(), url.authority(), url.user(), url.password(),
                url.path(), options);
        Duration closeTimeout = driverConfig.durationOption("closeTimeout", Duration.ofSeconds(10));
        Duration requestTimeout = driverConfig.durationOption("requestTimeout", Duration.ofSeconds(30));
        MessagingDriver.PendingConnection pending = driver.configure(driverConfig);
        if (!(pending instanceof MessagingDriver.DeferredConnection)) {
            rejectUnreadOptions(driver, driverConfig, null); // before the network: a typo fails at once
        }
        Transport transport = pending.connect();
        rejectUnreadOptions(driver, driverConfig, transport); // drivers that read options only while connecting
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        for (Capability c : config.required()) if (!transport.capabilities().contains(c)) missing.add(c);
        if (!missing.isEmpty()) {
            transport.close();
            throw new UnsupportedCapabilityException(driver.scheme(), missing, "this application (MessagingConfig.require)");
        }
        log.info("Connected to {} ({}) with capabilities {}", driverConfig.redactedUrl(), transport.brokerDescription(),
                new TreeSet<>(transport.capabilities()));
        return new DefaultMessaging(driver.scheme(), transport, closeTimeout, requestTimeout, Observers.of(config), driverConfig);
    }

    /** The first broker address of the URL (port -1 when it has none), or {@code null} (memory://, a bare name). */
    private static dev.omnibus.spi.HostAndPort firstHost(DriverConfig config) {
        try {
            return config.authority().isEmpty() ? null : config.hosts(-1).get(0);
        } catch (ConfigurationException notAHostList) {
            return null;
        }
    }

    /** {@code messaging.system} of the OpenTelemetry messaging conventions for a URL scheme. */
    static String system(String scheme) {
        return switch (scheme) {
            case "amqp", "amqps" -> "rabbitmq";
            default -> scheme;
        };
    }

    private static void rejectUnreadOptions(MessagingDriver driver, DriverConfig driverConfig, Transport transport) {
        Set<String> unknown = driverConfig.unreadKeys();
        if (unknown.isEmpty()) return;
        if (transport != null) transport.close();
        throw new ConfigurationException("Unknown option(s) " + unknown + " for driver '" + driver.scheme()
                + "'. Supported: " + driverConfig.readKeys() + ", plus pass-through keys '" + nativePrefix(driver.scheme())
                + "*' for the native client.");
    }

    private static String nativePrefix(String scheme) {
        return switch (scheme) {
            case "amqp", "amqps" -> "rabbitmq.";
            default -> scheme + ".";
        };
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(String topic, Message message) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Messaging"));
        try {
            checkTopic(topic);
            if (message == null) throw new IllegalArgumentException("message must not be null");
            return sender.send(topic, message, PublishKind.PUBLISH, null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(String topic, Message message, PublishOptions options) {
        if (options == null || !options.isScheduled()) return publish(topic, message);
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Messaging"));
        try {
            checkTopic(topic);
            if (message == null) throw new IllegalArgumentException("message must not be null");
            require(EnumSet.of(Capability.SCHEDULED_DELIVERY), "publish(" + topic + ", " + options + ")");
            Instant now = Instant.now();
            Instant due = options.dueTime(now);
            Duration max = transport.maxScheduleDelay();
            if (Duration.between(now, due).compareTo(max) > 0) {
                throw new ConfigurationException("deliverAt", due, "a time at most " + max + " from now (the "
                        + scheme + " driver's longest delay)");
            }
            return sender.send(topic, message, PublishKind.PUBLISH, null, false, due);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Subscription subscribe(String topic, SubscribeOptions options, MessageHandler handler) {
        checkTopic(topic);
        if (options == null || handler == null) throw new IllegalArgumentException("options and handler must not be null");
        require(needed(options), "subscribe(" + topic + ", " + options + ")");
        checkRedeliveryDelays(options);
        return start(topic, options, handler, options.startFrom());
    }

    /** A schedule's longest delay must be within what the driver can hold ({@link Transport#maxScheduleDelay()}). */
    private void checkRedeliveryDelays(SubscribeOptions options) {
        if (options.redelivery() == null) return;
        Duration max = transport.maxScheduleDelay();
        for (Duration d : options.redelivery().delays()) {
            if (d.compareTo(max) > 0) {
                throw new ConfigurationException("redelivery", options.redelivery(), "delays of at most " + max + " (the "
                        + scheme + " driver's longest delay)");
            }
        }
    }

    private TrackedSubscription start(String topic, SubscribeOptions options, MessageHandler handler, StartFrom startFrom) {
        if (closed) throw new ClosedException("Messaging");
        ConsumerPipeline pipeline = new ConsumerPipeline(topic, options, handler, transport, sender, scheduler, closeTimeout,
                this::declareDeadLetterTopic);
        if (pipeline.deadLetterTopic() != null) declareDeadLetterTopic(pipeline.deadLetterTopic());
        ReceiveOptions receive = ReceiveOptions.builder().group(options.group()).startFrom(startFrom)
                .ordering(options.ordering()).maxInFlight(Math.max(options.maxInFlight(), 1))
                .concurrency(options.concurrency()).deadLetterTopic(pipeline.deadLetterTopic())
                .redelivery(options.redelivery()).build();
        TransportSubscription ts = transport.receive(topic, receive, pipeline);
        pipeline.attach(ts);
        subscriptions.add(pipeline);
        return new TrackedSubscription(pipeline);
    }

    /**
     * Makes the broker keep dead letters of {@code dlq} for a redrive even with no consumer: when a
     * subscription that dead-letters starts (a broker-side safety net may forward there at any time), and
     * again before a dead letter is published after {@link MessagingAdmin} deleted the topic or its group.
     */
    private void declareDeadLetterTopic(String dlq) {
        if (declaredDeadLetterTopics.contains(dlq)) return;
        transport.declareGroup(dlq, REDRIVE_GROUP);
        declaredDeadLetterTopics.add(dlq);
    }

    @Override
    public MessagingAdmin admin() {
        require(EnumSet.of(Capability.ADMIN), "admin()");
        return admin;
    }

    /** Validates names and refuses deleting what this instance still consumes; the transport does the rest. */
    private final MessagingAdmin admin = new MessagingAdmin() {
        @Override public Set<String> topics() { return Set.copyOf(transport.admin().topics()); }

        @Override public Set<String> groups(String topic) {
            checkTopic(topic);
            return Set.copyOf(transport.admin().groups(topic));
        }

        @Override public void deleteGroup(String topic, String group) {
            checkTopic(topic);
            if (group == null || group.isBlank()) throw new ConfigurationException("group", group, "a non-blank group name");
            refuseIfConsumed(topic, group);
            transport.admin().deleteGroup(topic, group);
            if (REDRIVE_GROUP.equals(group)) declaredDeadLetterTopics.remove(topic);
        }

        @Override public void deleteTopic(String topic) {
            checkTopic(topic);
            refuseIfConsumed(topic, null);
            transport.admin().deleteTopic(topic);
            declaredDeadLetterTopics.remove(topic);
        }

        private void refuseIfConsumed(String topic, String group) {
            for (ConsumerPipeline p : subscriptions) {
                if (p.isActive() && p.topic().equals(topic) && (group == null || group.equals(p.group()))) {
                    throw new IllegalStateException("Cannot delete " + (group == null ? "topic '" + topic + "'"
                            : "group '" + group + "' of topic '" + topic + "'") + ": this Messaging instance has a running "
                            + p + "; close it first");
                }
            }
        }

        @Override public String toString() { return "MessagingAdmin{" + scheme + "}"; }
    };

    /** Removes the pipeline from the instance's set when the user closes it. */
    private final class TrackedSubscription implements Subscription {
        private final ConsumerPipeline pipeline;

        TrackedSubscription(ConsumerPipeline pipeline) { this.pipeline = pipeline; }

        @Override public String topic() { return pipeline.topic(); }
        @Override public String group() { return pipeline.group(); }
        @Override public boolean isActive() { return pipeline.isActive(); }
        @Override public void close() { close(closeTimeout); }
        @Override public void close(Duration timeout) {
            pipeline.close(timeout);
            // a close a handler asked for ends later, on a thread of its own: until then the instance's close waits for it
            pipeline.whenClosed(() -> subscriptions.remove(pipeline));
        }
        @Override public String toString() { return pipeline.toString(); }
    }

    private static Set<Capability> needed(SubscribeOptions options) {
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        needed.addAll(options.required());
        if (options.group() != null) needed.add(Capability.CONSUMER_GROUPS);
        if (options.startFrom() == StartFrom.EARLIEST) needed.add(Capability.REPLAY);
        if (options.ordering() == Ordering.PER_KEY) needed.add(Capability.PER_KEY_ORDERING);
        if (options.redelivery() != null) {
            needed.add(options.ordering() == Ordering.PER_KEY ? Capability.ORDERED_DELAYED_REDELIVERY : Capability.DELAYED_REDELIVERY);
        }
        return needed;
    }

    @Override
    public CompletableFuture<Message> request(String topic, Message request, Duration timeout) {
        try {
            checkTopic(topic);
            require(EnumSet.of(Capability.REQUEST_REPLY), "request(" + topic + ")");
            Duration t = timeout == null ? requestTimeout : timeout;
            if (t.isNegative() || t.isZero()) throw new ConfigurationException("timeout", timeout, "a positive duration");
            return requests.request(topic, request, t);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Subscription respond(String topic, SubscribeOptions options, RequestHandler handler) {
        require(EnumSet.of(Capability.REQUEST_REPLY), "respond(" + topic + ")");
        return subscribe(topic, options, delivery -> {
            Message request = delivery.message();
            String replyTo = request.extension(RequestReply.REPLY_TO);
            String correlationId = request.extension(RequestReply.CORRELATION_ID);
            if (replyTo == null || correlationId == null) {
                throw new DeadLetterException("Request " + request.id() + " on " + topic + " lacks the '"
                        + RequestReply.REPLY_TO + "' or '" + RequestReply.CORRELATION_ID + "' extension; was it sent with request()?");
            }
            Message reply;
            try {
                reply = handler.handle(delivery);
                if (reply == null) throw new IllegalStateException("RequestHandler returned null for request " + request.id());
            } catch (Exception e) {
                reply = Message.builder().type(request.type() + ".error").source(request.source())
                        .extension(RequestReply.ERROR_TYPE, e.getClass().getName())
                        .extension(RequestReply.ERROR, String.valueOf(e.getMessage())).build();
            }
            Message addressed = reply.toBuilder().extension(RequestReply.CORRELATION_ID, correlationId).build();
            sender.send(replyTo, addressed, PublishKind.REPLY, delivery, true).get(30, TimeUnit.SECONDS);
        });
    }

    @Override
    public CompletableFuture<Long> redrive(String deadLetterTopic, Duration quietPeriod) {
        checkTopic(deadLetterTopic);
        java.time.Instant startedAt = Timestamps.now();
        AtomicLong moved = new AtomicLong();
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        java.util.concurrent.atomic.AtomicBoolean reachedNewer = new java.util.concurrent.atomic.AtomicBoolean();
        SubscribeOptions options = SubscribeOptions.group(REDRIVE_GROUP).ordering(Ordering.NONE)
                .retry(RetryPolicy.exponential(3, Duration.ofMillis(100)))
                .noDeadLetter(); // what cannot be redriven stays where it is: no dead-letter topic of the dead-letter topic
        ConsumerPipeline pipeline = start(deadLetterTopic, options, delivery -> {
            lastActivity.set(System.nanoTime());
            Message dead = delivery.message();
            String last = dead.extension(DeadLetters.LAST_FAILURE);
            if (last != null && parseInstant(last).isAfter(startedAt)) {
                // dead-lettered after this redrive began (e.g. a redriven message that failed again):
                // leave it for the next redrive instead of looping; closing the redrive gives it back.
                reachedNewer.set(true);
                throw new dev.omnibus.RetryLaterException(Duration.ofHours(1), "dead-lettered after the redrive started");
            }
            String target = dead.extension(DeadLetters.ORIGINAL_TOPIC);
            if (target == null) {
                // not an Omnibus dead letter: leave it in the dead-letter topic (closing the redrive gives it back)
                log.warn("Message {} on {} has no '{}' extension; it is not an Omnibus dead letter and stays where it is",
                        dead.id(), deadLetterTopic, DeadLetters.ORIGINAL_TOPIC);
                throw new dev.omnibus.RetryLaterException(Duration.ofHours(1), "not an Omnibus dead letter");
            }
            sender.send(target, DeadLetters.original(dead), PublishKind.REDRIVE, delivery).get(30, TimeUnit.SECONDS);
            moved.incrementAndGet();
            lastActivity.set(System.nanoTime());
        }, StartFrom.EARLIEST).pipeline;
        CompletableFuture<Long> result = new CompletableFuture<>();
        long quietNanos = quietPeriod.toNanos();
        java.util.concurrent.atomic.AtomicBoolean finishing = new java.util.concurrent.atomic.AtomicBoolean();
        var poll = scheduler.scheduleWithFixedDelay(() -> {
            boolean quiet = System.nanoTime() - lastActivity.get() >= quietNanos;
            if ((quiet || reachedNewer.get()) && finishing.compareAndSet(false, true)) {
                callbacks.execute(() -> {
                    pipeline.close(closeTimeout);
                    subscriptions.remove(pipeline);
                    result.complete(moved.get());
                });
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> poll.cancel(false));
        return result;
    }

    private static java.time.Instant parseInstant(String text) {
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.EPOCH;
        }
    }

    @Override
    public ConsumerLag lag(String topic, String group) {
        checkTopic(topic);
        if (group == null || group.isBlank()) throw new ConfigurationException("group", group, "a non-blank group name");
        require(EnumSet.of(Capability.LAG), "lag(" + topic + ", " + group + ")");
        return transport.lag(topic, group);
    }

    @Override
    public Health health() {
        boolean connected;
        String detail = "";
        try {
            connected = !closed && transport.isConnected();
            if (!connected) detail = closed ? "closed" : "the " + scheme + " client has no connection to the broker";
        } catch (RuntimeException e) {
            connected = false;
            detail = e.toString();
        }
        List<SubscriptionHealth> subs = new ArrayList<>();
        for (ConsumerPipeline p : subscriptions) subs.add(p.health());
        return new Health(connected, transport.brokerDescription(), detail, subs);
    }

    @Override public Set<Capability> capabilities() { return capabilities; }

    @Override
    public Messaging require(Capability... needed) {
        require(needed.length == 0 ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(List.of(needed)), "this application");
        return this;
    }

    private void require(Set<Capability> needed, String what) {
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        for (Capability c : needed) if (!capabilities.contains(c)) missing.add(c);
        if (!missing.isEmpty()) throw new UnsupportedCapabilityException(scheme, missing, what);
    }

    @Override public String driverName() { return scheme; }

    @Override public long maxMessageBytes() { return transport.maxMessageBytes(); }

    @Override public String brokerDescription() { return transport.brokerDescription(); }

    /** Topics already validated (publish is a hot path; the regex runs once per topic). */
    private static final Set<String> VALID_TOPICS = ConcurrentHashMap.newKeySet();

    private static void checkTopic(String topic) {
        if (topic != null && VALID_TOPICS.contains(topic)) return;
        if (topic == null || !TOPIC.matcher(topic).matches()) {
            throw new ConfigurationException("topic", topic, "1-200 characters from A-Z a-z 0-9 . _ - (portable across brokers)");
        }
        if (VALID_TOPICS.size() < 100_000) VALID_TOPICS.add(topic);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        ConsumerPipeline own = ConsumerPipeline.handlingOnThisThread();
        if (own != null && subscriptions.contains(own)) {
            // Called by a handler of this instance, whose close waits for that very handler to return: every
            // subscription stops here and now, and the rest of the close runs on a thread of its own.
            Set<ConsumerPipeline> begun = new HashSet<>();
            for (ConsumerPipeline p : subscriptions) if (p.beginClose()) begun.add(p);
            Thread closer = new Thread(() -> closeNow(begun), "omnibus-close");
            closer.start(); // not a daemon, as the caller's own close would not have been: bounded by closeTimeout
            return;
        }
        closeNow(Set.of());
    }

    /** Closes every subscription (finishing those in {@code begun}) in parallel, then the transport. */
    private void closeNow(Set<ConsumerPipeline> begun) {
        List<ConsumerPipeline> open = new ArrayList<>(subscriptions);
        List<Thread> closers = new ArrayList<>();
        for (ConsumerPipeline p : open) { // close in parallel: the timeout bounds the whole close, not each one
            Runnable close = () -> {
                if (begun.contains(p)) p.finishClose(closeTimeout); else p.close(closeTimeout);
                p.awaitClosed(closeTimeout); // begun elsewhere, by a handler: its own thread finishes it
            };
            Thread t = new Thread(close, "omnibus-close-" + p.topic());
            t.setDaemon(true);
            t.start();
            closers.add(t);
        }
        for (Thread t : closers) {
            try { t.join(closeTimeout.toMillis() + 5_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        subscriptions.clear();
        try { requests.close(); } catch (RuntimeException e) { log.warn("Closing reply inbox failed: {}", e.toString()); }
        try { transport.close(); } finally {
            scheduler.shutdownNow();
            callbacks.shutdown();
            if (sender.observers() != null) sender.observers().closed(sender.client());
        }
    }

    @Override public String toString() { return "Messaging{" + scheme + ", capabilities=" + capabilities + "}"; }
}
