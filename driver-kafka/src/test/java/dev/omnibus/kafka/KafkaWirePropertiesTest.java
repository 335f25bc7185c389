package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.conformance.RandomEnvelopes;
import dev.omnibus.kafka.internal.CloudEventsBinaryMapping;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka binary-mode mapping on random valid envelopes (unicode, control characters, empty values, long
 * ids, payloads up to 256 KiB): the record's key, value and headers decode to an equal message.
 */
class KafkaWirePropertiesTest {
    @Provide Arbitrary<Message> messages() { return RandomEnvelopes.validMessages(256 * 1024); }

    @Property(tries = 500, seed = "101", edgeCases = EdgeCasesMode.NONE)
    void recordsDecodeToTheMessageExactly(@ForAll("messages") Message m) {
        Headers headers = CloudEventsBinaryMapping.headers(m);
        byte[] key = CloudEventsBinaryMapping.key(m);
        byte[] value = CloudEventsBinaryMapping.value(m);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 0L, 0L, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty());
        assertThat(CloudEventsBinaryMapping.decode(record)).isEqualTo(m);
        assertThat(CloudEventsBinaryMapping.key(record)).isEqualTo(m.key());
    }
}
