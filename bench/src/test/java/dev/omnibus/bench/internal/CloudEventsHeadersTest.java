package dev.omnibus.bench.internal;

import dev.omnibus.Message;
import dev.omnibus.kafka.internal.CloudEventsBinaryMapping;
import dev.omnibus.nats.internal.CloudEventsNats;
import dev.omnibus.pulsar.internal.CloudEventsProperties;
import dev.omnibus.rabbitmq.internal.CloudEventsAmqp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope the native-ce legs write by hand is a CloudEvent Omnibus reads with the same attributes as its own legs'. */
class CloudEventsHeadersTest {
    @Test void theHandWrittenHeadersAreTheEnvelopeOfTheOmnibusLeg() {
        Headers headers = CloudEventsHeaders.kafka("key-7");
        byte[] payload = new byte[1024];
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                "key-7".getBytes(StandardCharsets.UTF_8), payload, headers, Optional.empty());
        assertTheBenchEnvelope(CloudEventsBinaryMapping.decode(record));
        assertThat(CloudEventsHeaders.read(headers)).isGreaterThan(100);
        assertThat(CloudEventsHeaders.kafka(null).lastHeader("ce_partitionkey")).isNull();
    }

    @Test void thePulsarPropertiesAreTheEnvelopeOfTheOmnibusLeg() {
        var properties = CloudEventsHeaders.pulsar();
        Message m = CloudEventsProperties.decode(properties, "key-7", new byte[1024], "test");
        assertTheBenchEnvelope(m);
        assertThat(CloudEventsHeaders.read(properties)).isGreaterThan(100);
    }

    @Test void theAmqpHeadersAreTheEnvelopeOfTheOmnibusLeg() {
        var properties = CloudEventsHeaders.amqp("key-7");
        Message m = CloudEventsAmqp.decode(properties, new byte[1024]);
        assertTheBenchEnvelope(m);
        assertThat(m.id()).isEqualTo(properties.getMessageId());
        assertThat(CloudEventsHeaders.read(properties)).isGreaterThan(100);
        assertThat(CloudEventsHeaders.amqp(null).getHeaders()).doesNotContainKey("cloudEvents:partitionkey");
    }

    @Test void theNatsHeadersAreTheEnvelopeOfTheOmnibusLeg() {
        var headers = CloudEventsHeaders.nats("key-7");
        Message m = CloudEventsNats.decode("t", headers, new byte[1024], "test");
        assertTheBenchEnvelope(m);
        assertThat(CloudEventsNats.key(headers)).isEqualTo("key-7");
        assertThat(CloudEventsHeaders.read(headers)).isGreaterThan(100);
        assertThat(CloudEventsHeaders.nats(null).containsKey("ce-partitionkey")).isFalse();
    }

    private static void assertTheBenchEnvelope(Message m) {
        assertThat(m.type()).isEqualTo(OmnibusClient.TYPE);
        assertThat(m.source()).isEqualTo("/bench");
        assertThat(m.key()).isEqualTo("key-7");
        assertThat(m.dataContentType()).isEqualTo("application/octet-stream");
        assertThat(m.time()).isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
        assertThat(m.dataSize()).isEqualTo(1024);
    }
}
