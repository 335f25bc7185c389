package dev.omnibus.kafka;

import dev.omnibus.kafka.internal.KafkaSettings;
import dev.omnibus.kafka.internal.KafkaTransport;
import dev.omnibus.Capability;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.util.List;

/**
 * The Apache Kafka driver, scheme {@code kafka}: {@code kafka://host:port[,host:port...]}.
 *
 * <p>Contract: an idempotent {@code acks=all} producer (the record key is the message's
 * {@code partitionkey}, so one key lives in one partition and keeps its order); one consumer per
 * subscription committing only the contiguous completed prefix of each partition; the CloudEvents
 * Kafka binding in binary mode on the wire; topics created on first use. {@link #connect} fails with
 * {@link dev.omnibus.BrokerUnavailableException} within {@code connectTimeout} (default 10s) when no
 * broker answers. Options and limits: {@code docs/drivers/kafka.md}.
 */
public final class KafkaDriver implements MessagingDriver {
    /** Every capability comes with the defaults (acks=all, idempotent producer); kafka.* overrides may remove some. */
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.PER_KEY_ORDERING),
            CapabilityOffer.byDefault(Capability.REPLAY),
            CapabilityOffer.byDefault(Capability.DURABLE, "kafka.acks", "all"),
            CapabilityOffer.byDefault(Capability.BROKER_DEDUPLICATION, "kafka.enable.idempotence", "true"),
            CapabilityOffer.byDefault(Capability.SCHEDULED_DELIVERY, "kafka.acks", "all"),
            CapabilityOffer.byDefault(Capability.DELAYED_REDELIVERY, "kafka.acks", "all"),
            CapabilityOffer.byDefault(Capability.ORDERED_DELAYED_REDELIVERY, "kafka.acks", "all"),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY),
            CapabilityOffer.byDefault(Capability.ADMIN),
            CapabilityOffer.byDefault(Capability.LAG));

    @Override public String scheme() { return "kafka"; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /** Parses and validates the URL and every option (no network); the result connects. */
    @Override
    public PendingConnection configure(DriverConfig config) {
        KafkaSettings settings = KafkaSettings.from(config);
        return () -> KafkaTransport.connect(settings);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }
}
