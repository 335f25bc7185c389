package dev.omnibus.rabbitmq;

import dev.omnibus.rabbitmq.internal.Connector;
import dev.omnibus.rabbitmq.internal.RabbitSettings;
import dev.omnibus.rabbitmq.internal.RabbitTransport;
import dev.omnibus.Capability;
import dev.omnibus.rabbitmq.internal.ManagementApi;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.util.List;

/**
 * The RabbitMQ driver for {@code amqp://user:password@host:5672/vhost} URLs, on amqp-client 5.x.
 *
 * <p>Topology: a topic is a durable topic exchange; a group is a set of durable single-active-consumer
 * queues (quorum by default) sharding keys by hash, so one key is consumed in order; a group-less
 * subscription is an exclusive auto-delete queue. Publishing is persistent with asynchronous publisher
 * confirms; the wire format is the CloudEvents AMQP binding ({@code cloudEvents:} headers). Scheduled delivery
 * and delayed redelivery ({@code Ordering.NONE}; not with {@code queueType=stream}) go through delay levels of
 * classic queues ({@code omnibus-delay:*}) whose messages a relay in every process moves on when due, acking
 * each only after its next hop was confirmed. Options: {@code queueType} (quorum, classic, stream),
 * {@code shards}, {@code deliveryLimit}, {@code connectTimeout}, {@code recoveryInterval},
 * {@code maxMessageBytes}, {@code publisherChannels}, {@code delayHoldWindow}, and the native
 * {@code rabbitmq.*} ConnectionFactory settings listed in docs/drivers/rabbitmq.md.
 */
public class RabbitMqDriver implements MessagingDriver {
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.PER_KEY_ORDERING),
            CapabilityOffer.byDefault(Capability.DURABLE),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY),
            CapabilityOffer.byDefault(Capability.ADMIN),
            CapabilityOffer.byDefault(Capability.LAG, "queueType", "quorum"),
            CapabilityOffer.byDefault(Capability.SCHEDULED_DELIVERY),
            CapabilityOffer.byDefault(Capability.DELAYED_REDELIVERY, "queueType", "quorum"),
            CapabilityOffer.with(Capability.REPLAY, "queueType", "stream"));

    @Override public String scheme() { return "amqp"; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /** Parses and validates the URL and every option (no network); the result connects. */
    @Override
    public PendingConnection configure(DriverConfig config) {
        RabbitSettings settings = RabbitSettings.read(config);
        Connector connector = Connector.prepare(config, settings, tls());
        ManagementApi management = ManagementApi.of(config, settings, tls());
        return () -> new RabbitTransport(connector.connect(), settings, management);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }

    /** Whether connections use TLS. */
    protected boolean tls() { return false; }
}
