package dev.omnibus.pulsar.internal;

import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cached async producer of one topic. Batching is on with the KEY_BASED batcher (a batch holds one
 * key, so Key_Shared consumers receive each key from one consumer), the message key is the ordering
 * key. Publishes issued while the producer is still being created wait in a FIFO queue and go out in
 * issue order once it exists, so per-key publish order is kept from the first message. When creation
 * fails, the queued publishes fail and {@link #send} returns {@code null}: the transport replaces it.
 */
final class TopicPublisher {
    /** {@code deliverAt}: epoch millis the broker holds the message until, or {@link #NOW}. */
    private record Pending(Message message, Map<String, String> properties, long deliverAt,
                           CompletableFuture<PublishReceipt> result) {}

    /** No due time: deliver at once. */
    static final long NOW = Long.MIN_VALUE;

    private final String topic;
    private final PulsarSettings settings;
    /** Publish futures complete here, not on the client's threads: a callback may wait for another publish. */
    private final java.util.concurrent.Executor completions;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Producer<byte[]> producer;
    private boolean failed;

    TopicPublisher(PulsarClient client, String topic, PulsarSettings settings, java.util.concurrent.Executor completions) {
        this.topic = topic;
        this.settings = settings;
        this.completions = completions;
        CompletableFuture<Producer<byte[]>> created;
        try {
            created = client.newProducer(Schema.BYTES)
                    .topic(settings.fullTopic(topic))
                    .enableBatching(true)
                    .batcherBuilder(BatcherBuilder.KEY_BASED)
                    .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
                    .sendTimeout((int) Math.min(Integer.MAX_VALUE, settings.sendTimeout().toMillis()), TimeUnit.MILLISECONDS)
                    .blockIfQueueFull(false)
                    .loadConf(settings.producerPassThrough())
                    // again after loadConf: it rebuilds the configuration from a map, and the batcher (not a map
                    // value) came back as the default one, whose batches mix keys (Key_Shared then hands a whole batch
                    // to the consumer of its first key). Pass-through keys cannot name a batcher, so this loses nothing.
                    .batcherBuilder(BatcherBuilder.KEY_BASED)
                    .createAsync();
        } catch (RuntimeException e) {
            created = CompletableFuture.failedFuture(e);
        }
        created.whenComplete(this::onCreated);
    }

    /** False once creating the producer failed, or while the created producer has no connection. */
    synchronized boolean isConnected() { return !failed && (producer == null || producer.isConnected()); }

    private void onCreated(Producer<byte[]> p, Throwable error) {
        synchronized (this) {
            if (error != null) {
                failed = true;
                RuntimeException mapped = PulsarErrors.publishFailure(settings, topic, error);
                for (Pending x : pending) x.result().completeExceptionally(mapped);
                pending.clear();
            } else {
                producer = p;
                for (Pending x : pending) sendNow(x);
                pending.clear();
            }
        }
    }

    /**
     * Sends, or queues until the producer exists. Never blocks on the broker. With a {@code deliverAt}
     * (epoch millis, else {@link #NOW}) the message carries Pulsar's {@code deliver_at_time}: the client
     * sends it outside any batch and Shared / Key_Shared subscriptions receive it no earlier (see
     * {@code docs/drivers/pulsar.md}, Scheduled delivery).
     */
    CompletableFuture<PublishReceipt> send(Message message, Map<String, String> properties, long deliverAt) {
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        Pending x = new Pending(message, properties, deliverAt, result);
        synchronized (this) {
            if (failed) return null; // caller replaces this publisher
            if (producer == null) {
                pending.add(x);
                return result;
            }
        }
        sendNow(x);
        return result;
    }

    private void sendNow(Pending x) {
        try {
            TypedMessageBuilder<byte[]> b = producer.newMessage().value(dev.omnibus.spi.Payloads.array(x.message())).properties(x.properties());
            if (x.message().key() != null) b.key(x.message().key());
            if (x.deliverAt() != NOW) b.deliverAt(x.deliverAt());
            b.sendAsync().whenCompleteAsync((id, error) -> {
                if (error != null) {
                    x.result().completeExceptionally(PulsarErrors.publishFailure(settings, topic, error));
                } else {
                    x.result().complete(new PublishReceipt(topic, x.message().id(),
                            new Position(settings.fullTopic(topic), id.toString()), Instant.now()));
                }
            }, completions);
        } catch (RuntimeException e) {
            x.result().completeExceptionally(PulsarErrors.publishFailure(settings, topic, e));
        }
    }

    /** Flushes and closes the producer, bounded by {@code timeoutMillis}. */
    void close(long timeoutMillis) {
        Producer<byte[]> p;
        synchronized (this) {
            p = producer;
            failed = true;
            for (Pending x : pending) x.result().completeExceptionally(
                    new dev.omnibus.ClosedException("Pulsar transport"));
            pending.clear();
        }
        if (p == null) return;
        try {
            p.flushAsync().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // closing: whatever was not confirmed fails its own future
        }
        try {
            p.closeAsync().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }
}
