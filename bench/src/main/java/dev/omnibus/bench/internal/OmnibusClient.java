package dev.omnibus.bench.internal;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Omnibus side, the same for every broker: {@link Messaging#publish} and
 * {@link Messaging#subscribe} with a group, per-key ordering (where the driver declares it) and {@code concurrency} workers. One
 * {@link Messaging} connection per producer and one per consumer, like the native side's clients.
 * Instrumented ({@code bench --instrumented}), every connection has both observation modules.
 */
final class OmnibusClient implements BenchClient {
    static final String TYPE = "dev.omnibus.bench.Payload";

    private final String url;
    private final Map<String, String> options;
    private final List<Messaging> connections = new ArrayList<>();
    private final Instrumentation instrumentation;   // null: no observer at all
    private final boolean onDeliveryThread;

    /**
     * {@code sampleRatio} in [0, 1]: instrumented, sampling that fraction of traces; negative: no observer.
     * {@code onDeliveryThread}: subscriptions use {@code SubscribeOptions.handleOnDeliveryThread}.
     */
    OmnibusClient(String url, Map<String, String> options, double sampleRatio, java.util.Set<String> observers, boolean onDeliveryThread) {
        this.onDeliveryThread = onDeliveryThread;
        this.url = url;
        this.options = Map.copyOf(options);
        this.instrumentation = sampleRatio >= 0 ? new Instrumentation(sampleRatio, observers) : null;
    }

    @Override public String kind() { return instrumentation == null ? "omnibus" : "instrumented"; }

    @Override public String description() {
        return "Omnibus Messaging.publish / subscribe(group, concurrency" + (onDeliveryThread ? ", handleOnDeliveryThread" : "") + ")"
                + (instrumentation == null ? "" : " with " + instrumentation.describe());
    }

    private synchronized Messaging connect() {
        MessagingConfig.Builder config = MessagingConfig.builder(url).options(options).discoverObservers(false);
        if (instrumentation != null) instrumentation.observers().forEach(config::observer);
        Messaging m = Messaging.connect(config.build());
        connections.add(m);
        return m;
    }

    /** The driver creates topics itself (with the {@code partitions} option where it has one). */
    @Override public void createTopic(String topic, int partitions) {}

    @Override
    public Publisher publisher(String topic) {
        Messaging m = connect();
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                Message.Builder b = Message.builder().type(TYPE).wrapData(payload, "application/octet-stream"); // a fresh array per message
                if (key != null) b.key(key);
                m.publish(topic, b.build()).whenComplete((receipt, error) -> ack.done(error));
            }

            @Override public void close() {}
        };
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) {
        Messaging m = connect();
        SubscribeOptions options = SubscribeOptions.group(group).concurrency(concurrency).maxInFlight(maxInFlight)
                .retry(RetryPolicy.none()).noDeadLetter().handleOnDeliveryThread(onDeliveryThread && concurrency == 1);
        // a driver without PER_KEY_ORDERING (NATS) refuses the per-key default: its workers take any message
        if (!m.capabilities().contains(dev.omnibus.Capability.PER_KEY_ORDERING)) options = options.ordering(dev.omnibus.Ordering.NONE);
        Subscription s = m.subscribe(topic, options,
                d -> sink.received(d.key(), d.message().dataBuffer().getLong(0)));
        return s::close;
    }

    @Override
    public synchronized void close() {
        for (Messaging m : connections) m.close();
        connections.clear();
        if (instrumentation != null) instrumentation.close();
    }
}
