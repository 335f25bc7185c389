package dev.omnibus.nats;

import dev.omnibus.Capability;
import dev.omnibus.nats.internal.Connector;
import dev.omnibus.nats.internal.NatsSettings;
import dev.omnibus.nats.internal.NatsTransport;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.util.List;

/**
 * The NATS JetStream driver for {@code nats://[user:password@]host:4222[,host:4222...]} URLs (a user without a
 * password is a token), on the official client {@code io.nats:jnats}.
 *
 * <p>Mapping (docs/drivers/nats.md): a topic is a JetStream stream with one subject, the topic name; the driver
 * creates missing streams (file storage, limits retention, {@code replicas} option). A group is a durable pull
 * consumer with explicit acks; a group-less subscription is an ephemeral pull consumer. Publishing waits for the
 * JetStream publish acknowledgement; the wire format is CloudEvents binary mode as {@code ce-} headers. Replies
 * travel over core NATS inboxes. Options: {@code connectTimeout}, {@code publishTimeout}, {@code ackWait},
 * {@code maxDeliver}, {@code replicas}, {@code storage}, {@code maxAge}, {@code createStreams},
 * {@code maxMessageBytes}, {@code tls}, and the native {@code nats.*} connection settings listed in the docs.
 */
public class NatsDriver implements MessagingDriver {
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.REPLAY),
            CapabilityOffer.byDefault(Capability.DURABLE, "storage", "file"),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY),
            CapabilityOffer.byDefault(Capability.ADMIN),
            CapabilityOffer.byDefault(Capability.LAG));

    @Override public String scheme() { return "nats"; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /** Parses and validates the URL and every option (no network); the result connects. */
    @Override
    public PendingConnection configure(DriverConfig config) {
        NatsSettings settings = NatsSettings.read(config);
        return () -> new NatsTransport(Connector.connect(config, settings), settings);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }
}
