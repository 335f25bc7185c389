package dev.omnibus.pulsar;

import dev.omnibus.pulsar.internal.PulsarSettings;
import dev.omnibus.pulsar.internal.PulsarTransport;
import dev.omnibus.Capability;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.util.List;

/**
 * The Apache Pulsar driver, scheme {@code pulsar}: {@code pulsar://host:6650[/tenant/namespace]}.
 *
 * <p>Topics map to {@code persistent://<tenant>/<namespace>/<topic>} (defaults {@code public/default};
 * options {@code tenant} and {@code namespace}, or the URL path). A group is a durable subscription
 * (Key_Shared for per-key ordering, Shared otherwise); a group-less subscription is a non-durable
 * one of the same types under a unique name. Scheduled publishes use Pulsar's {@code deliverAt}; delayed
 * redelivery (groups with {@code Ordering.NONE}) a per-group redelivery topic. CloudEvents attributes travel as {@code ce_*} message properties, the ordering key as
 * the message key, the data as the value.
 *
 * <p>Options: {@code adminUrl} (default {@code http://<host>:8080}), {@code tenant}, {@code namespace},
 * {@code connectTimeout} (10s: connect fails with {@link dev.omnibus.BrokerUnavailableException} after it),
 * {@code operationTimeout} (30s), {@code sendTimeout} (30s), {@code nackRedeliveryDelay} (1s),
 * {@code memoryLimitBytes} (256 MiB), {@code maxScheduleDelay} (365d), and pass-through {@code pulsar.*} (ClientBuilder),
 * {@code pulsar.producer.*} and {@code pulsar.consumer.*} keys. Details: {@code docs/drivers/pulsar.md}.
 */
public final class PulsarDriver implements MessagingDriver {
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.PER_KEY_ORDERING),
            CapabilityOffer.byDefault(Capability.REPLAY),
            CapabilityOffer.byDefault(Capability.DURABLE),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY),
            CapabilityOffer.byDefault(Capability.ADMIN),
            CapabilityOffer.byDefault(Capability.LAG),
            CapabilityOffer.byDefault(Capability.SCHEDULED_DELIVERY),
            CapabilityOffer.byDefault(Capability.DELAYED_REDELIVERY));

    @Override public String scheme() { return "pulsar"; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /** Parses and validates the URL and every option (no network); the result connects. */
    @Override
    public PendingConnection configure(DriverConfig config) {
        PulsarSettings settings = PulsarSettings.from(config);
        return () -> PulsarTransport.connect(settings);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }
}
