package dev.omnibus.nats.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Position;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.ReplyInbox;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportAdmin;
import dev.omnibus.spi.TransportSubscription;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The NATS JetStream transport: one jnats connection; streams created on first use (once per topic and
 * transport); asynchronous JetStream publishes completed by the publish acknowledgement; a pull consumer per
 * subscription ({@link PullReceiver}); replies over a core NATS inbox ({@link CoreReplyInbox}).
 * See docs/drivers/nats.md.
 */
public final class NatsTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(NatsTransport.class);
    /** JetStream API error code: stream not found. */
    private static final int STREAM_NOT_FOUND = 10059;
    /** JetStream API error code: consumer not found. */
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final Connection connection;
    private final NatsSettings settings;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final long maxMessageBytes;
    private final Set<String> readyTopics = ConcurrentHashMap.newKeySet();
    private final Object inboxLock = new Object();
    private final NatsAdmin admin;
    private volatile CoreReplyInbox replyInbox;
    private volatile boolean closed;
    /** Publish futures complete here, not on jnats' threads: a callback may wait for another publish's acknowledgement. */
    private final dev.omnibus.spi.Completions completions = new dev.omnibus.spi.Completions("omnibus-nats-publish-callbacks");

    public NatsTransport(Connection connection, NatsSettings settings) {
        this.connection = connection;
        this.settings = settings;
        try {
            JetStreamOptions jso = JetStreamOptions.builder().requestTimeout(settings.publishTimeout()).build();
            this.jetStream = connection.jetStream(jso);
            this.management = connection.jetStreamManagement(jso);
        } catch (IOException e) {
            Connector.closeQuietly(connection);
            throw new BrokerUnavailableException("NATS JetStream context: " + Connector.reason(e), e);
        }
        long serverMax = connection.getServerInfo().getMaxPayload();
        if (settings.maxMessageBytes() > 0 && serverMax > 0 && settings.maxMessageBytes() > serverMax) {
            Connector.closeQuietly(connection);
            throw new ConfigurationException("maxMessageBytes", settings.maxMessageBytes(),
                    "at most the server's max_payload (" + serverMax + " bytes); raise max_payload in the server configuration");
        }
        this.maxMessageBytes = settings.maxMessageBytes() > 0 ? settings.maxMessageBytes() : serverMax;
        this.admin = new NatsAdmin(management, readyTopics::remove);
    }

    @Override public TransportAdmin admin() { return admin; }

    @Override public dev.omnibus.ConsumerLag lag(String topic, String group) { return admin.lag(topic, group); }

    /**
     * Yes: each subscription's sink is called by its own puller thread only; acks and nacks are publishes that
     * jnats queues for the connection's writer, and closing waits for the puller at most two seconds (not at all
     * from the puller itself). A handler running there holds that subscription's pulls only, which is what
     * {@code handleOnDeliveryThread} documents.
     */
    @Override public boolean deliveryThreadMayRunHandlers() { return true; }

    @Override public boolean isConnected() { return connection.getStatus() == Connection.Status.CONNECTED; }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.CONSUMER_GROUPS, Capability.REPLAY, Capability.REQUEST_REPLY, Capability.ADMIN,
                Capability.LAG);
        if (settings.storage() == StorageKind.FILE) c.add(Capability.DURABLE);
        return c;
    }

    // ---------------------------------------------------------------------------------------------- publish

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        if (closed) return CompletableFuture.failedFuture(new PublishException("NATS transport is closed", null));
        Headers headers = CloudEventsNats.headers(message);
        long size = CloudEventsNats.encodedSize(headers, dev.omnibus.spi.Payloads.array(message));
        if (size > maxMessageBytes) return tooLarge(topic, size);
        try {
            ensureStream(topic);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<io.nats.client.api.PublishAck> ack;
        try {
            ack = jetStream.publishAsync(Names.subject(topic), headers, dev.omnibus.spi.Payloads.array(message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("NATS publish to '" + topic + "' failed: "
                    + Connector.reason(e), e));
        }
        return ack.orTimeout(settings.publishTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handleAsync((pa, error) -> {
                    if (error == null) {
                        return new PublishReceipt(topic, message.id(), Position.of(pa.getStream(), pa.getSeqno()), Instant.now());
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (noStream(cause)) readyTopics.remove(topic); // deleted meanwhile: the next send creates it again
                    // jnats cancels a publish whose acknowledgement does not come (e.g. sent from its reconnect buffer):
                    // like a timeout, the message may or may not be stored
                    boolean timeout = cause instanceof TimeoutException || cause instanceof java.util.concurrent.CancellationException;
                    throw new PublishException("NATS JetStream did not acknowledge the publish of " + message.id() + " to '" + topic
                            + "': " + (cause instanceof TimeoutException ? "no acknowledgement within publishTimeout=" + settings.publishTimeout()
                            : Connector.reason(cause)) + (timeout ? " (indeterminate: it may be stored)" : ""), cause, timeout);
                }, completions);
    }

    /** JetStream's answer when no stream listens on the subject: 503 no responders. */
    private static boolean noStream(Throwable t) {
        String m = t.getMessage();
        return m != null && (m.contains("503") || m.toLowerCase(java.util.Locale.ROOT).contains("no responders"));
    }

    private CompletableFuture<PublishReceipt> tooLarge(String topic, long size) {
        return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, maxMessageBytes,
                "raise max_payload in the NATS server configuration (default 1 MB, at most 64 MB) and, if set, the maxMessageBytes option"));
    }

    /** Makes sure the topic's stream exists (creating it when {@code createStreams}); once per topic. */
    private void ensureStream(String topic) {
        if (readyTopics.contains(topic)) return;
        String stream = Names.stream(topic);
        try {
            StreamInfo info = streamInfo(stream);
            if (info == null) {
                if (!settings.createStreams()) {
                    throw new PublishException("NATS stream '" + stream + "' for topic '" + topic + "' does not exist and "
                            + "createStreams=false: create it (subject '" + Names.subject(topic) + "') or allow createStreams", null);
                }
                info = createStream(topic, stream);
            }
            if (!info.getConfiguration().getSubjects().contains(Names.subject(topic))) {
                throw new ConfigurationException("Topic '" + topic + "' maps to NATS stream '" + stream + "', which exists with subjects "
                        + info.getConfiguration().getSubjects() + " (another topic differing only in '.' and '_'?): rename the topic");
            }
        } catch (IOException | JetStreamApiException e) {
            throw new PublishException("Could not look up or create NATS stream '" + stream + "' for topic '" + topic + "': "
                    + Connector.reason(e), e, true);
        }
        readyTopics.add(topic);
    }

    private StreamInfo streamInfo(String stream) throws IOException, JetStreamApiException {
        try {
            return management.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) return null;
            throw e;
        }
    }

    private StreamInfo createStream(String topic, String stream) throws IOException, JetStreamApiException {
        StreamConfiguration.Builder b = StreamConfiguration.builder()
                .name(stream)
                .subjects(Names.subject(topic))
                .description("Omnibus topic " + topic)
                .storageType(settings.storage().type())
                .replicas(settings.replicas())
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old);
        if (!settings.maxAge().isZero()) b.maxAge(settings.maxAge());
        try {
            return management.addStream(b.build());
        } catch (JetStreamApiException e) {
            StreamInfo raced = streamInfo(stream); // another client created it at the same moment
            if (raced != null) return raced;
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- consume

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
        if (closed) throw new BrokerUnavailableException("NATS transport is closed", null);
        ensureStream(topic);
        String stream = Names.stream(topic);
        String group = options.group();
        try {
            PullReceiver.Binder binder = group != null
                    ? after -> bind(stream, ensureDurable(topic, group, options.startFrom()), 0)
                    : after -> {
                        ConsumerConfiguration.Builder cc = consumerConfiguration(topic, options.startFrom())
                                .inactiveThreshold(Duration.ofMinutes(5));
                        if (after >= 0) cc.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(after + 1);
                        ConsumerInfo info = management.addOrUpdateConsumer(stream, cc.build());
                        return bind(stream, info.getName(), info.getDelivered().getStreamSequence());
                    };
            PullReceiver receiver = new PullReceiver(binder, management, stream, group == null, sink, options.maxInFlight(),
                    topic + (group == null ? "" : "/" + group));
            receiver.start();
            return receiver;
        } catch (IOException | JetStreamApiException e) {
            throw new BrokerUnavailableException("Could not create the NATS consumer for topic '" + topic + "'"
                    + (group == null ? "" : " group '" + group + "'") + ": " + Connector.reason(e), e);
        }
    }

    private PullReceiver.Bound bind(String stream, String consumer, long startAfter) throws IOException, JetStreamApiException {
        JetStreamSubscription sub = jetStream.subscribe(null, PullSubscribeOptions.builder().stream(stream).name(consumer).bind(true).build());
        return new PullReceiver.Bound(sub, consumer, startAfter);
    }

    private ConsumerConfiguration.Builder consumerConfiguration(String topic, StartFrom startFrom) {
        return ConsumerConfiguration.builder()
                .filterSubject(Names.subject(topic))
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(settings.ackWait())
                .maxDeliver(settings.maxDeliver())
                .deliverPolicy(startFrom == StartFrom.EARLIEST ? DeliverPolicy.All : DeliverPolicy.New);
    }

    /** The group's durable consumer, created when absent (an existing one resumes where it was). */
    private String ensureDurable(String topic, String group, StartFrom startFrom) throws IOException, JetStreamApiException {
        String stream = Names.stream(topic);
        String durable = Names.durable(group);
        ConsumerInfo existing = consumerInfo(stream, durable);
        if (existing != null) {
            String filter = existing.getConsumerConfiguration().getFilterSubject();
            if (filter != null && !filter.equals(Names.subject(topic))) {
                throw new ConfigurationException("Group '" + group + "' maps to NATS consumer '" + durable + "' on stream '" + stream
                        + "', which filters '" + filter + "' (another group differing only in '.' and '_'?): rename the group");
            }
            return durable;
        }
        try {
            return management.addOrUpdateConsumer(stream, consumerConfiguration(topic, startFrom).durable(durable)
                    .description(NatsAdmin.GROUP_DESCRIPTION + group).build()).getName();
        } catch (JetStreamApiException e) {
            if (consumerInfo(stream, durable) != null) return durable; // created concurrently by another member
            throw e;
        }
    }

    private ConsumerInfo consumerInfo(String stream, String consumer) throws IOException, JetStreamApiException {
        try {
            return management.getConsumerInfo(stream, consumer);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) return null;
            throw e;
        }
    }

    @Override
    public void declareGroup(String topic, String group) {
        ensureStream(topic);
        try {
            ensureDurable(topic, group, StartFrom.LATEST);
        } catch (IOException | JetStreamApiException e) {
            throw new BrokerUnavailableException("Could not create the NATS consumer for topic '" + topic + "' group '" + group
                    + "': " + Connector.reason(e), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- request/reply

    @Override
    public ReplyInbox openReplyInbox(String suggestedTopic, Consumer<Inbound> sink) {
        synchronized (inboxLock) {
            if (replyInbox == null) {
                CoreReplyInbox inbox = new CoreReplyInbox(connection, sink);
                try {
                    connection.flush(settings.publishTimeout()); // the server knows the inbox before any request leaves
                } catch (Exception e) {
                    inbox.close();
                    throw new BrokerUnavailableException("Could not open a NATS reply inbox: " + Connector.reason(e), e);
                }
                replyInbox = inbox;
            }
            return new ReplyInbox(replyInbox.address(), replyInbox);
        }
    }

    @Override
    public CompletableFuture<PublishReceipt> sendReply(String replyAddress, Message reply) {
        if (replyAddress == null || !replyAddress.startsWith(Names.INBOX_PREFIX)) return send(replyAddress, reply);
        if (closed) return CompletableFuture.failedFuture(new PublishException("NATS transport is closed", null));
        Headers headers = CloudEventsNats.headers(reply);
        long size = CloudEventsNats.encodedSize(headers, dev.omnibus.spi.Payloads.array(reply));
        if (size > maxMessageBytes) return tooLarge(replyAddress, size);
        try {
            connection.publish(replyAddress, headers, dev.omnibus.spi.Payloads.array(reply));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("NATS reply to " + replyAddress + " failed: "
                    + Connector.reason(e), e));
        }
        return CompletableFuture.completedFuture(new PublishReceipt(replyAddress, reply.id(), new Position(replyAddress, "core"),
                Instant.now()));
    }

    // ---------------------------------------------------------------------------------------------- misc

    @Override public long maxMessageBytes() { return maxMessageBytes; }

    @Override
    public String brokerDescription() {
        return "NATS " + connection.getServerInfo().getVersion() + " (JetStream, storage=" + settings.storage().name().toLowerCase()
                + ", replicas=" + settings.replicas() + ")";
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CoreReplyInbox inbox = replyInbox;
        if (inbox != null) inbox.close();
        try {
            connection.flush(Duration.ofSeconds(2)); // acks and naks written by close() of subscriptions
        } catch (Exception e) {
            log.debug("Flushing the NATS connection before close: {}", e.toString());
        }
        Connector.closeQuietly(connection);
        completions.close(); // what completes later runs on the completing thread
    }

    @Override public String toString() { return "NatsTransport{storage=" + settings.storage() + ", replicas=" + settings.replicas() + "}"; }
}
