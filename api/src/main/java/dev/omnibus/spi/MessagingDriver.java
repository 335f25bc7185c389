package dev.omnibus.spi;

/**
 * Entry point of a driver, found through {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.omnibus.spi.MessagingDriver}. One driver serves one URL scheme.
 *
 * <p>Connecting has two steps so that configuration mistakes surface before any network traffic:
 * {@link #configure} reads and validates every option and the URL (no I/O); the core then rejects the
 * options nobody read (typos) and only then calls {@link PendingConnection#connect()}. A driver that
 * only implements {@link #connect} still works, but its unknown options are reported after it connected.
 */
public interface MessagingDriver {
    /** The URL scheme served, lower case: {@code kafka}, {@code pulsar}, {@code amqp}, {@code memory}. */
    String scheme();

    /**
     * Reads every option the driver supports through {@code config} (unread, non-pass-through keys are
     * reported to the user as unknown), validates them and the URL, and returns what opens the connection.
     * Must not open a connection, resolve a host name or start a thread: a bad value, a malformed URL or
     * an unknown option fails with {@link dev.omnibus.ConfigurationException} naming it, at once. The
     * default defers everything to {@link #connect} (a {@link DeferredConnection}: the core then checks
     * for unknown options only after connecting).
     */
    default PendingConnection configure(DriverConfig config) { return new DeferredConnection(this, config); }

    /**
     * Connects to the broker: {@code configure(config).connect()} for a driver that implements
     * {@link #configure}. Must read every option it supports through {@code config} and must fail within a
     * bounded time with {@link dev.omnibus.BrokerUnavailableException} when the broker cannot be reached.
     */
    Transport connect(DriverConfig config);

    /**
     * Every capability this driver can provide, each with the configuration that gives it (one entry
     * per capability and configuration). The kit connects with each stated configuration and checks
     * that the transport declares the capability, and that everything the default configuration
     * declares is stated here; {@link dev.omnibus.UnsupportedCapabilityException} messages name
     * providers from these statements only.
     */
    default java.util.List<CapabilityOffer> offers() { return java.util.List.of(); }

    /**
     * What {@link #configure} returns for a driver that reads its options only in {@link #connect}: nothing
     * was validated yet. A wrapping driver returns one too when the driver it wraps does.
     */
    record DeferredConnection(MessagingDriver driver, DriverConfig config) implements PendingConnection {
        @Override public Transport connect() { return driver.connect(config); }
    }

    /** A validated configuration, ready to connect. */
    @FunctionalInterface
    interface PendingConnection {
        /**
         * Opens the connection; fails within a bounded time with {@link dev.omnibus.BrokerUnavailableException}
         * whose message names the address that could not be reached and why.
         */
        Transport connect();
    }
}
