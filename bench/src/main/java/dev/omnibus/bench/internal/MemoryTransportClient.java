package dev.omnibus.bench.internal;

import dev.omnibus.Message;
import dev.omnibus.Ordering;
import dev.omnibus.StartFrom;
import dev.omnibus.memory.MemoryDriver;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;

import java.util.ArrayList;
import java.util.List;

/**
 * The "native" side for {@code memory}: the in-memory driver's {@link Transport} used directly,
 * without the Omnibus core (no consumer pipeline, no keyed dispatcher, no retry bookkeeping). The
 * memory-vs-Omnibus ratio therefore measures the core's own overhead. Messages are built the same
 * way as on the Omnibus side (the SPI carries envelopes).
 */
final class MemoryTransportClient implements BenchClient {
    private final dev.omnibus.internal.ConnectionUrl url;
    private final List<Transport> transports = new ArrayList<>();
    private final List<KeyedWorkers> workers = new ArrayList<>();

    /** {@code url}: the run's {@code memory://} URL; its options (e.g. {@code retainMessages}) apply as for the Omnibus leg. */
    MemoryTransportClient(String url) { this.url = dev.omnibus.internal.ConnectionUrl.parse(url); }

    @Override public String kind() { return "native"; }

    @Override public String description() { return "memory driver Transport SPI used directly (no Omnibus core)"; }

    private synchronized Transport connect() {
        Transport t = new MemoryDriver().connect(new DriverConfig("memory", url.authority(), null, null, url.path(), url.query()));
        transports.add(t);
        return t;
    }

    @Override public void createTopic(String topic, int partitions) {}

    @Override
    public Publisher publisher(String topic) {
        Transport t = connect();
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                Message.Builder b = Message.builder().type(OmnibusClient.TYPE).wrapData(payload, "application/octet-stream");
                if (key != null) b.key(key);
                t.send(topic, b.build()).whenComplete((receipt, error) -> ack.done(error));
            }

            @Override public void close() {}
        };
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) {
        Transport t = connect();
        ReceiveOptions options = ReceiveOptions.builder().group(group).startFrom(StartFrom.LATEST)
                .ordering(Ordering.PER_KEY).maxInFlight(maxInFlight).concurrency(concurrency).build();
        KeyedWorkers pool = concurrency > 1 ? new KeyedWorkers(concurrency, "bench-native-worker") : null;
        if (pool != null) synchronized (this) { workers.add(pool); }
        TransportSubscription s = t.receive(topic, options, inbound -> {
            if (pool == null) {
                handle(inbound, sink);
            } else {
                pool.submit(inbound.key(), () -> handle(inbound, sink));
            }
        });
        return () -> {
            s.stopReceiving();
            if (pool != null) pool.close();
            s.close();
        };
    }

    private static void handle(Inbound inbound, Sink sink) {
        Message m = inbound.message();
        sink.received(m.key(), m.dataBuffer().getLong(0));
        inbound.ack();
    }

    @Override
    public synchronized void close() {
        for (KeyedWorkers w : workers) w.close();
        for (Transport t : transports) t.close();
        transports.clear();
        workers.clear();
    }
}
