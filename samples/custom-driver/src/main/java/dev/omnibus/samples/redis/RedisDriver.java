package dev.omnibus.samples.redis;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.samples.redis.internal.RedisSettings;
import dev.omnibus.samples.redis.internal.RedisTransport;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.HostAndPort;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.time.Duration;
import java.util.List;

/**
 * A sample driver over Redis Streams, scheme {@code redis}: {@code redis://[user:password@]host[:port][/db]}.
 * Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.omnibus.spi.MessagingDriver}. The worked example of
 * {@code docs/writing-a-driver.md}: a topic is a stream, a group is a Redis consumer group with one
 * active reader at a time, a group-less subscription reads the stream with {@code XREAD}.
 *
 * <p>Options (URL query or config keys), all read here so the core can reject unknown ones:
 * <ul>
 *   <li>{@code keyPrefix} (default {@code omnibus:}): prepended to every Redis key the driver touches;</li>
 *   <li>{@code maxMessageBytes} (default 8388608): larger publishes fail with
 *       {@link dev.omnibus.MessageTooLargeException};</li>
 *   <li>{@code maxLength} (default 0 = unbounded): trim streams to about this many entries on publish;</li>
 *   <li>{@code leaseTime} (default 5s): how long a crashed group reader keeps its group before another takes over.</li>
 * </ul>
 */
public final class RedisDriver implements MessagingDriver {
    /** The URL scheme this driver serves. */
    public static final String SCHEME = "redis";

    /** What the transport declares, stated once more for error messages; the kit checks both agree. */
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.PER_KEY_ORDERING),
            CapabilityOffer.byDefault(Capability.REPLAY),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY));

    @Override public String scheme() { return SCHEME; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /**
     * Reads and validates the URL and every option, without touching the network: the core rejects
     * unknown options right after this returns, and only then calls the returned connection.
     */
    @Override
    public PendingConnection configure(DriverConfig config) {
        // 1. Where: host and port from the URL authority, the database from its path.
        List<HostAndPort> hosts = config.authority().isEmpty() ? List.of(new HostAndPort("127.0.0.1", 6379))
                : config.hosts(6379);
        if (hosts.size() > 1) throw new ConfigurationException("url", config.redactedUrl(), "one Redis host[:port]");
        int database = config.path().isEmpty() ? 0 : parse("database (URL path)", config.path(), 0, 15);

        // 2. Every option the driver supports, read through DriverConfig (typed, with clear errors).
        Duration leaseTime = config.durationOption("leaseTime", Duration.ofSeconds(5));
        if (leaseTime.compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigurationException("leaseTime", leaseTime, "at least 500ms (the reader renews it every third)");
        }
        RedisSettings settings = new RedisSettings(hosts.get(0).host(), hosts.get(0).port(), database, config.user(),
                config.password(), config.option("keyPrefix", "omnibus:"),
                config.longOption("maxMessageBytes", 8L * 1024 * 1024, 1, 512L * 1024 * 1024),
                config.longOption("maxLength", 0, 0, Long.MAX_VALUE), leaseTime);

        // 3. Connect (later): fails with BrokerUnavailableException within the connect timeout.
        String url = config.redactedUrl();
        return () -> RedisTransport.connect(settings, url);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }

    private static int parse(String what, String text, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new ConfigurationException(what, text, "an integer from " + min + " to " + max);
    }
}
