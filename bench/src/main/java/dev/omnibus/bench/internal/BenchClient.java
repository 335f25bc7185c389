package dev.omnibus.bench.internal;

/**
 * One side of the comparison: the native client of a broker, or Omnibus. A fresh instance serves one
 * leg; the harness creates the topic, opens one {@link Publisher} per producer and one subscription per
 * consumer, and closes everything at the end of the leg. Implementations use the same client settings
 * (acks, batching, linger, confirms, prefetch) as the Omnibus driver of that broker.
 */
public interface BenchClient extends AutoCloseable {
    /** Label for reports: {@code native} or {@code omnibus}. */
    String kind();

    /** What exactly runs, e.g. {@code kafka-clients KafkaProducer/KafkaConsumer}. */
    String description();

    /** Creates {@code topic} with {@code partitions} partitions (a no-op where topics are implicit). */
    void createTopic(String topic, int partitions) throws Exception;

    /** A new producer connection for {@code topic}. */
    Publisher publisher(String topic) throws Exception;

    /**
     * Subscribes a consumer of {@code group} to {@code topic}; returns once it is established (a message
     * published afterwards is received). {@code concurrency} workers, per-key ordered.
     */
    AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) throws Exception;

    @Override
    void close();

    /** A producer. */
    interface Publisher extends AutoCloseable {
        /** Sends without blocking; {@code ack} is told once the broker confirmed (error == null) or failed. */
        void send(String key, byte[] payload, Ack ack);

        @Override
        void close();
    }

    /** Publish confirmation callback. */
    @FunctionalInterface
    interface Ack {
        void done(Throwable error);
    }

    /**
     * What a consumer hands each message to: the handler of the benchmark. Clients read the send time
     * from the first 8 payload bytes ({@link Payloads#sendNanos}) the cheapest way their API allows.
     */
    @FunctionalInterface
    interface Sink {
        void received(String key, long sendNanos);
    }
}
