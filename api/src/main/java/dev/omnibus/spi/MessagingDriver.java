package dev.omnibus.spi;

/**
 * Entry point of a driver, found through {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.omnibus.spi.MessagingDriver}. One driver serves one URL scheme.
 */
public interface MessagingDriver {
    /** The URL scheme served, lower case: {@code kafka}, {@code pulsar}, {@code amqp}, {@code memory}. */
    String scheme();

    /**
     * Connects to the broker. Must read every option it supports through {@code config} (unread,
     * non-pass-through keys are reported to the user as unknown) and must fail within a bounded time
     * with {@link dev.omnibus.BrokerUnavailableException} when the broker cannot be reached.
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
}
