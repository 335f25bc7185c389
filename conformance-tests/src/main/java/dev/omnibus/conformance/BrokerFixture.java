package dev.omnibus.conformance;

import dev.omnibus.conformance.faults.TcpProxy;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A real broker for the conformance kit: an external one, a local process the fixture starts, or a
 * container. The kit starts it once per test class and closes it at the end of the run.
 * Fault-injection methods are optional; the kit skips fault tests the fixture cannot do.
 */
public interface BrokerFixture extends AutoCloseable {
    /** Short name for reports, e.g. {@code kafka-process}. */
    String name();

    /** Starts the broker (idempotent) and returns once it accepts clients. */
    void start() throws Exception;

    /** The URL the kit connects with, e.g. {@code kafka://127.0.0.1:39092}. */
    String url();

    /** Extra connection options (e.g. {@code pulsar.adminUrl}). */
    default Map<String, String> options() { return Map.of(); }

    /** True when {@link #kill()}, {@link #stop()} and {@link #restart()} work. */
    default boolean supportsRestart() { return false; }

    /** SIGKILL the broker. */
    default void kill() { throw new UnsupportedOperationException(name() + " cannot kill its broker"); }

    /** Stop the broker gracefully. */
    default void stop() { throw new UnsupportedOperationException(name() + " cannot stop its broker"); }

    /** Start the broker again after {@link #kill()} or {@link #stop()}, same ports and data; returns when ready. */
    default void restart() { throw new UnsupportedOperationException(name() + " cannot restart its broker"); }

    /**
     * The TCP proxy that every client connection made with {@link #url()} and {@link #options()} goes
     * through, when the fixture routes clients through one (the broker advertises the proxy's port, so
     * redirects and metadata lookups come back through it too). The fault kit's connection-cut and
     * connection-freeze tests use it and are skipped when it is empty. Broker-internal traffic
     * (controller, replication) does not go through it.
     */
    default Optional<TcpProxy> clientProxy() { return Optional.empty(); }

    /**
     * The exact form of a dead letter's {@code dlqposition} on this broker, as its driver documents it
     * ({@code docs/drivers/*.md}, {@code docs/semantics.md}); the kit dead-letters a message and checks it.
     * The default accepts any {@code <partition>@<offset>} ({@link dev.omnibus.Position#toString()}).
     */
    default Pattern positionFormat() { return Pattern.compile("[^@]*@[^@]+"); }

    /**
     * A native publisher for bytes that are NOT an Omnibus envelope (interop and bad-input tests). A
     * {@code content-type} entry in {@code headers} is the broker's native content type (Kafka header, Pulsar
     * property, AMQP {@code content_type} property, memory/Redis field).
     */
    default Optional<ForeignPublisher> foreignPublisher() { return Optional.empty(); }

    /** Stops the broker and deletes what the fixture created. Idempotent. */
    @Override
    void close();

    /** Publishes raw bytes with the broker's native client, bypassing Omnibus. */
    interface ForeignPublisher {
        void publish(String topic, String key, byte[] payload, Map<String, String> headers) throws Exception;
    }
}
