package dev.omnibus.kafka;

import dev.omnibus.kafka.internal.KafkaSettings;
import dev.omnibus.kafka.internal.KafkaTransport;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

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
    @Override public String scheme() { return "kafka"; }

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
