package dev.omnibus.bench.internal;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The native NATS side with jnats, set up as the Omnibus NATS driver runs: a file-storage stream per topic
 * whose one subject is the topic, a durable pull consumer per group with explicit acks (30 s ack wait), one
 * asynchronous JetStream publish per message completed by its publish acknowledgement, and one puller thread
 * per consumer pulling at most {@code maxInFlight} unacknowledged messages, each handled as it arrives. Plain: the key
 * travels in one {@code key} header; no CloudEvents headers. With {@code envelope}: each message carries the
 * CloudEvents binary-mode headers written by hand ({@link CloudEventsHeaders#nats}, the key as {@code ce-partitionkey})
 * and the puller reads every header (leg kind {@code native-ce}).
 */
final class NatsNativeClient implements BenchClient {
    private static final Duration FETCH_WAIT = Duration.ofMillis(500);

    private final String url;
    private final boolean envelope;
    /** Characters of the headers read (envelope only): keeps the reading from being optimised away. */
    volatile long headerChars;
    private final List<Connection> connections = new ArrayList<>();
    private final List<KeyedWorkers> workers = new ArrayList<>();

    NatsNativeClient(String url) { this(url, false); }

    NatsNativeClient(String url, boolean envelope) {
        this.url = url;
        this.envelope = envelope;
    }

    @Override public String kind() { return envelope ? Contrast.NATIVE_ENVELOPE : "native"; }

    @Override public String description() {
        return "jnats: JetStream publishAsync + PubAck, file stream, durable pull consumer (iterate), explicit ack"
                + (envelope ? ", CloudEvents headers by hand" : "");
    }

    private synchronized Connection connect() throws Exception {
        Connection c = Nats.connect(new Options.Builder().server(url).connectionName("omnibus-bench-native").build());
        connections.add(c);
        return c;
    }

    private static String stream(String topic) { return topic.replace('.', '_'); }

    /** The stream, plus the group's durable consumer so that nothing published before the consumer starts is missed. */
    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        Connection c = connect();
        c.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream(topic)).subjects(topic)
                .storageType(StorageType.File).build());
        c.jetStreamManagement().addOrUpdateConsumer(stream(topic), ConsumerConfiguration.builder()
                .durable(stream(LegRunner.groupFor(topic))).filterSubject(topic).ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30)).deliverPolicy(DeliverPolicy.All).build());
    }

    @Override
    public Publisher publisher(String topic) throws Exception {
        JetStream js = connect().jetStream();
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                Headers h;
                if (envelope) {
                    h = CloudEventsHeaders.nats(key);
                } else {
                    h = new Headers();
                    if (key != null) h.put("key", key);
                }
                try {
                    js.publishAsync(topic, h, payload).whenComplete((pa, error) -> ack.done(error));
                } catch (RuntimeException e) {
                    ack.done(e);
                }
            }

            @Override public void close() {}
        };
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) throws Exception {
        Connection c = connect();
        JetStreamSubscription sub = c.jetStream().subscribe(null,
                PullSubscribeOptions.builder().stream(stream(topic)).durable(stream(group)).bind(true).build());
        KeyedWorkers pool = concurrency > 1 ? new KeyedWorkers(concurrency, "bench-nats-worker") : null;
        if (pool != null) synchronized (this) { workers.add(pool); }
        Semaphore room = new Semaphore(maxInFlight);
        Thread puller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                int free = room.drainPermits();
                if (free == 0) {
                    try {
                        room.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    free = 1 + room.drainPermits();
                }
                int got = 0;
                try {
                    // iterate hands each message on as it arrives (fetch would hold the batch until full or timed out)
                    Iterator<io.nats.client.Message> pulled = sub.iterate(Math.min(free, 256), FETCH_WAIT);
                    while (pulled.hasNext()) {
                        io.nats.client.Message m = pulled.next();
                        if (!m.isJetStream()) continue;
                        got++;
                        if (envelope) headerChars += CloudEventsHeaders.read(m.getHeaders());
                        String key = m.getHeaders() == null ? null : m.getHeaders().getFirst(envelope ? "ce-partitionkey" : "key");
                        Runnable handle = () -> {
                            sink.received(key, ByteBuffer.wrap(m.getData()).getLong(0));
                            try {
                                m.ack();
                            } catch (RuntimeException e) {
                                // connection closing at the end of the leg
                            }
                            room.release();
                        };
                        if (pool == null) handle.run(); else pool.submit(key, handle);
                    }
                } catch (RuntimeException e) {
                    room.release(free - got);
                    if (!c.getStatus().equals(Connection.Status.CONNECTED)) return;
                    continue;
                }
                room.release(free - got);
            }
        }, "bench-nats-puller");
        puller.setDaemon(true);
        puller.start();
        return () -> {
            puller.interrupt();
            puller.join(2_000);
            if (pool != null) pool.close();
        };
    }

    @Override
    public synchronized void close() {
        for (KeyedWorkers w : workers) w.close();
        for (Connection c : connections) {
            try {
                c.close();
            } catch (Exception ignored) {
                // end of leg
            }
        }
        connections.clear();
        workers.clear();
    }
}
