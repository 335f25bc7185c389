package dev.omnibus.kafka.internal;

import dev.omnibus.ClosedException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.OmnibusException;
import dev.omnibus.Position;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;
import dev.omnibus.spi.Completions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The publishing side: callers enqueue and get a future at once; one pump thread hands records to the
 * idempotent producer in arrival order. {@link KafkaProducer#send} can block (metadata of a new topic,
 * metadata lost while every broker is down, a full {@code buffer.memory}); the pump absorbs that, so a
 * caller never waits per message. It also makes sure a topic exists before its first record.
 * Futures complete on a callback thread of the driver's ({@link dev.omnibus.spi.Completions}: a callback may wait
 * for another publish), never on the producer's network thread. When
 * {@code maxPendingPublishes} records wait in the queue (e.g. the cluster is down for long) callers
 * block until there is room: that is the back-pressure.
 */
final class KafkaPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);

    /**
     * One queued publish. {@code dueMs} > 0: a delayed record, written to the delay tier that fits (see
     * {@link DelayTiers}) with {@code topic} as its target, or straight to {@code topic} when already due.
     */
    private record Pending(String topic, Message message, boolean createTopic, long dueMs, CompletableFuture<PublishReceipt> result) {}

    private static final Pending STOP = new Pending(null, null, false, 0, null);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final Duration topicTimeout;
    private final LinkedBlockingQueue<Pending> queue;
    private final Completions completions;
    private final Thread pump;
    private volatile boolean closed;

    KafkaPublisher(KafkaProducer<byte[], byte[]> producer, Topics topics, Duration topicTimeout, int maxPending) {
        this.producer = producer;
        this.topics = topics;
        this.topicTimeout = topicTimeout;
        this.queue = new LinkedBlockingQueue<>(maxPending);
        this.completions = new Completions("omnibus-kafka-publish-callbacks");
        this.pump = new Thread(this::run, "omnibus-kafka-publisher");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Queues one record; {@code createTopic} false means the topic must already exist (replies). */
    CompletableFuture<PublishReceipt> send(String topic, Message message, boolean createTopic) {
        return enqueue(new Pending(topic, message, createTopic, 0, new CompletableFuture<>()));
    }

    /**
     * Queues a record due at {@code dueMs} (epoch ms) for {@code topic}: it goes to a delay tier with {@code topic}
     * as its target (both topics are created on first use), or straight to {@code topic} when due by the time
     * it is handed to the producer. The receipt names {@code topic} and the record's position in the tier.
     */
    CompletableFuture<PublishReceipt> sendDelayed(String topic, Message message, long dueMs) {
        return enqueue(new Pending(topic, message, true, dueMs, new CompletableFuture<>()));
    }

    private CompletableFuture<PublishReceipt> enqueue(Pending p) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Kafka transport"));
        String topic = p.topic();
        CompletableFuture<PublishReceipt> result = p.result();
        if (!queue.offer(p)) {
            try {
                queue.put(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(new PublishException("Interrupted while waiting for room to publish to '"
                        + topic + "'", e));
            }
        }
        return result;
    }

    private void run() {
        while (true) {
            Pending p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            if (p == STOP) break;
            try {
                hand(p);
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            if (left != STOP) left.result().completeExceptionally(new ClosedException("Kafka transport"));
        }
    }

    private Topics.Info known(Pending p, String topic) {
        Topics.Info info = topics.ifKnown(topic);
        if (info != null) return info;
        try {
            return Topics.await(p.createTopic() ? topics.ensure(topic) : topics.requireExisting(topic),
                    topicTimeout, "making sure topic '" + topic + "' exists");
        } catch (OmnibusException e) {
            p.result().completeExceptionally(e instanceof PublishException || e instanceof dev.omnibus.ConfigurationException
                    || e instanceof dev.omnibus.BrokerUnavailableException ? e
                    : new PublishException("Cannot publish to Kafka topic '" + topic + "': " + e.getMessage(), e));
            return null;
        }
    }

    private void hand(Pending p) {
        Topics.Info info = known(p, p.topic());
        if (info == null) return;
        Message message = p.message();
        byte[] key = CloudEventsBinaryMapping.key(message);
        byte[] value = CloudEventsBinaryMapping.value(message);
        Headers headers = CloudEventsBinaryMapping.headers(message);
        int limit = info.maxMessageBytes();
        String topic = p.topic();
        String writeTo = topic;
        if (p.dueMs() > 0) {
            long now = System.currentTimeMillis();
            if (p.dueMs() > now) {
                DelayTiers.Hop hop = DelayTiers.next(now, p.dueMs());
                Topics.Info tier = known(p, hop.topic());
                if (tier == null) return;
                DelayTiers.route(headers, topic, p.dueMs(), hop.holdUntil(), now);
                writeTo = hop.topic();
                limit = Math.min(limit, tier.maxMessageBytes());
            }
        }
        long size = CloudEventsBinaryMapping.estimatedSize(key, value, headers);
        CompletableFuture<PublishReceipt> result = p.result();
        int limitOfRecord = limit;
        if (size > limit) {
            result.completeExceptionally(new MessageTooLargeException(topic, size, limit, "raise the maxMessageBytes option "
                    + "(topics Omnibus creates get max.message.bytes = maxMessageBytes; an existing topic needs its own "
                    + "max.message.bytes raised)"));
            return;
        }
        try {
            producer.send(new ProducerRecord<>(writeTo, null, null, key, value, headers), (metadata, error) -> {
                if (error == null) {
                    PublishReceipt receipt = new PublishReceipt(topic, message.id(),
                            Position.of(Integer.toString(metadata.partition()), metadata.offset()), Instant.now());
                    completions.execute(() -> result.complete(receipt));
                } else {
                    Throwable mapped = mapError(topic, message, size, limitOfRecord, error, true);
                    completions.execute(() -> result.completeExceptionally(mapped));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(mapError(topic, message, size, limit, e, false));
        }
    }

    static Throwable mapError(String topic, Message message, long size, long limit, Throwable error, boolean mayHaveBeenSent) {
        if (error instanceof RecordTooLargeException) {
            return new MessageTooLargeException(topic, size, limit, "Kafka refused it (" + error.getMessage()
                    + "); check the topic's max.message.bytes and the broker's message.max.bytes");
        }
        if (error instanceof AuthorizationException) {
            return new PublishException("Not authorized to write to Kafka topic '" + topic + "': " + error.getMessage(), error);
        }
        if (error instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new PublishException("Kafka did not acknowledge message " + message.id() + " on '" + topic
                    + "' in time (delivery.timeout.ms / max.block.ms): " + error.getMessage(), error, mayHaveBeenSent);
        }
        if (error instanceof IllegalStateException) {
            return new ClosedException("Kafka transport");
        }
        return new PublishException("Kafka did not accept message " + message.id() + " on '" + topic + "': " + error,
                error, mayHaveBeenSent && error instanceof RetriableException);
    }

    /** Hands over what is queued (bounded by {@code timeout}), flushes and closes the producer. */
    void close(Duration timeout) {
        if (closed) return;
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        queue.offer(STOP);
        try {
            pump.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pump.isAlive()) pump.interrupt();
        try {
            producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (RuntimeException e) {
            log.warn("Closing the Kafka producer failed: {}", e.toString());
        }
        completions.close();
    }

    /** The producer's {@code connection-count} metric: open connections to brokers. */
    int connectionCount() {
        for (var e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("producer-metrics")) {
                Object v = e.getValue().metricValue();
                return v instanceof Number n ? n.intValue() : 0;
            }
        }
        return 0;
    }
}
