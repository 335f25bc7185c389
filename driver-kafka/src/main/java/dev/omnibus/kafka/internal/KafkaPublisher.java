package dev.omnibus.kafka.internal;

import dev.omnibus.ClosedException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.OmnibusException;
import dev.omnibus.Position;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side: callers enqueue and get a future at once; one pump thread hands records to the
 * idempotent producer in arrival order. {@link KafkaProducer#send} can block (metadata of a new topic,
 * metadata lost while every broker is down, a full {@code buffer.memory}); the pump absorbs that, so a
 * caller never waits per message. It also makes sure a topic exists before its first record.
 * Futures complete on a separate callback thread, never on the producer's network thread. When
 * {@code maxPendingPublishes} records wait in the queue (e.g. the cluster is down for long) callers
 * block until there is room: that is the back-pressure.
 */
final class KafkaPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);

    private record Pending(String topic, Message message, boolean createTopic, CompletableFuture<PublishReceipt> result) {}

    private static final Pending STOP = new Pending(null, null, false, null);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final Duration topicTimeout;
    private final LinkedBlockingQueue<Pending> queue;
    private final ExecutorService completions;
    private final Thread pump;
    private volatile boolean closed;

    KafkaPublisher(KafkaProducer<byte[], byte[]> producer, Topics topics, Duration topicTimeout, int maxPending) {
        this.producer = producer;
        this.topics = topics;
        this.topicTimeout = topicTimeout;
        this.queue = new LinkedBlockingQueue<>(maxPending);
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "omnibus-kafka-publish-callbacks");
            t.setDaemon(true);
            return t;
        });
        this.pump = new Thread(this::run, "omnibus-kafka-publisher");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Queues one record; {@code createTopic} false means the topic must already exist (replies). */
    CompletableFuture<PublishReceipt> send(String topic, Message message, boolean createTopic) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Kafka transport"));
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        Pending p = new Pending(topic, message, createTopic, result);
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

    private void hand(Pending p) {
        Topics.Info info = topics.ifKnown(p.topic());
        if (info == null) {
            try {
                info = Topics.await(p.createTopic() ? topics.ensure(p.topic()) : topics.requireExisting(p.topic()),
                        topicTimeout, "making sure topic '" + p.topic() + "' exists");
            } catch (OmnibusException e) {
                p.result().completeExceptionally(e instanceof PublishException || e instanceof dev.omnibus.ConfigurationException
                        || e instanceof dev.omnibus.BrokerUnavailableException ? e
                        : new PublishException("Cannot publish to Kafka topic '" + p.topic() + "': " + e.getMessage(), e));
                return;
            }
        }
        Message message = p.message();
        byte[] key = CloudEventsBinaryMapping.key(message);
        byte[] value = CloudEventsBinaryMapping.value(message);
        Headers headers = CloudEventsBinaryMapping.headers(message);
        long size = CloudEventsBinaryMapping.estimatedSize(key, value, headers);
        int limit = info.maxMessageBytes();
        String topic = p.topic();
        CompletableFuture<PublishReceipt> result = p.result();
        if (size > limit) {
            result.completeExceptionally(new MessageTooLargeException(topic, size, limit, "raise the maxMessageBytes option "
                    + "(topics Omnibus creates get max.message.bytes = maxMessageBytes; an existing topic needs its own "
                    + "max.message.bytes raised)"));
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic, null, null, key, value, headers), (metadata, error) -> {
                if (error == null) {
                    PublishReceipt receipt = new PublishReceipt(topic, message.id(),
                            Position.of(Integer.toString(metadata.partition()), metadata.offset()), Instant.now());
                    completions.execute(() -> result.complete(receipt));
                } else {
                    Throwable mapped = mapError(topic, message, size, limit, error, true);
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
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
