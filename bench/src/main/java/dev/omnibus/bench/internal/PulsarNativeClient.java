package dev.omnibus.bench.internal;

import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SizeUnit;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The native Pulsar side with pulsar-client, configured as the Omnibus Pulsar driver configures it:
 * producer with batching on (KEY_BASED batcher, 1 ms max delay), {@code blockIfQueueFull(false)}, 30 s
 * send timeout, 256 MiB client memory limit; a durable {@code Key_Shared} subscription with
 * {@code receiverQueueSize = min(maxInFlight, 1000)}, batch-index acknowledgement and a 10 ms ack
 * group time, consumed with a {@code MessageListener} and {@code acknowledgeAsync}. Topics are
 * non-partitioned {@code persistent://public/default/<topic>} as the driver uses them. Plain: no CloudEvents
 * properties. With {@code envelope}: each message carries the CloudEvents properties written by hand
 * ({@link CloudEventsHeaders#pulsar()}) and the listener reads them all (leg kind {@code native-ce}).
 */
final class PulsarNativeClient implements BenchClient {
    private final String serviceUrl;
    private final boolean envelope;
    /** Characters of the properties read (envelope only): keeps the reading from being optimised away. */
    volatile long propertyChars;
    private final List<PulsarClient> clients = new ArrayList<>();
    private final List<KeyedWorkers> workers = new ArrayList<>();

    PulsarNativeClient(String serviceUrl) { this(serviceUrl, false); }

    PulsarNativeClient(String serviceUrl, boolean envelope) {
        this.serviceUrl = serviceUrl;
        this.envelope = envelope;
    }

    @Override public String kind() { return envelope ? Contrast.NATIVE_ENVELOPE : "native"; }

    @Override public String description() {
        return "pulsar-client Producer (batching, KEY_BASED) / Key_Shared Consumer with MessageListener + acknowledgeAsync"
                + (envelope ? ", CloudEvents properties by hand" : "");
    }

    private synchronized PulsarClient connect() throws Exception {
        PulsarClient c = PulsarClient.builder().serviceUrl(serviceUrl)
                .connectionTimeout(10, TimeUnit.SECONDS).operationTimeout(30, TimeUnit.SECONDS)
                .memoryLimit(256L * 1024 * 1024, SizeUnit.BYTES).build();
        clients.add(c);
        return c;
    }

    private static String fullTopic(String topic) { return "persistent://public/default/" + topic; }

    /** Topics are created by the broker on first use (non-partitioned), as on the Omnibus side. */
    @Override public void createTopic(String topic, int partitions) {}

    @Override
    public Publisher publisher(String topic) throws Exception {
        Producer<byte[]> producer = connect().newProducer(Schema.BYTES).topic(fullTopic(topic))
                .enableBatching(true).batcherBuilder(BatcherBuilder.KEY_BASED)
                .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
                .sendTimeout(30, TimeUnit.SECONDS).blockIfQueueFull(false).create();
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                var b = producer.newMessage().value(payload);
                if (envelope) b.properties(CloudEventsHeaders.pulsar());
                if (key != null) b.key(key);
                b.sendAsync().whenComplete((id, error) -> ack.done(error));
            }

            @Override
            public void close() {
                producer.closeAsync();
            }
        };
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) throws Exception {
        KeyedWorkers pool = concurrency > 1 ? new KeyedWorkers(concurrency, "bench-pulsar-worker") : null;
        if (pool != null) synchronized (this) { workers.add(pool); }
        Consumer<byte[]> consumer = connect().newConsumer(Schema.BYTES).topic(fullTopic(topic))
                .subscriptionName(group).subscriptionType(SubscriptionType.Key_Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Latest)
                .receiverQueueSize(Math.min(maxInFlight, 1000))
                .enableBatchIndexAcknowledgment(true)
                .acknowledgmentGroupTime(10, TimeUnit.MILLISECONDS)
                .messageListener((c, msg) -> {
                    if (envelope) propertyChars += CloudEventsHeaders.read(msg.getProperties());
                    Runnable handle = () -> {
                        sink.received(msg.getKey(), ByteBuffer.wrap(msg.getValue()).getLong(0));
                        c.acknowledgeAsync(msg);
                    };
                    if (pool == null) handle.run(); else pool.submit(msg.getKey(), handle);
                })
                .subscribe();
        return () -> {
            consumer.close();
            if (pool != null) pool.close();
        };
    }

    @Override
    public synchronized void close() {
        for (KeyedWorkers w : workers) w.close();
        for (PulsarClient c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // end of leg
            }
        }
        clients.clear();
        workers.clear();
    }
}
