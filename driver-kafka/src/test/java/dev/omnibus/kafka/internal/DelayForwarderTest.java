package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The delay forwarder's rebalance handling against kafka-clients' {@link MockConsumer}: a tier partition assigned
 * while the broker does not answer is neither lost nor skipped. In a CI run on 2026-12-03 a broker killed during the
 * forwarder group's rebalance made {@code committed()} time out inside {@code onPartitionsAssigned}; the partition
 * stayed assigned without its state, the poll skipped its records, and scheduled messages waited for the next
 * rebalance (KafkaScheduledDeliveryTest.scheduledMessagesSurviveABrokerKill timed out).
 */
class DelayForwarderTest {
    /** A consumer whose broker is "down": reading committed offsets times out, as a real one does. */
    private static final class BrokerDownConsumer extends MockConsumer<byte[], byte[]> {
        volatile boolean down;
        BrokerDownConsumer() { super("earliest"); }
        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
            if (down) throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired (test: broker down)");
            return super.committed(partitions, timeout);
        }
    }

    @Test
    void aTierPartitionAssignedWhileTheBrokerIsDownIsReadOnceItAnswers() {
        BrokerDownConsumer consumer = new BrokerDownConsumer();
        TopicPartition tier = new TopicPartition(DelayTiers.topics().get(0), 0);
        consumer.updateBeginningOffsets(Map.of(tier, 0L));
        DelayForwarder forwarder = new DelayForwarder(consumer, null, null); // nothing becomes due: no producer, no topics needed
        consumer.subscribe(List.of(tier.topic()), forwarder);

        consumer.down = true;
        consumer.rebalance(List.of(tier)); // onPartitionsAssigned: committed() times out, must not escape
        assertThat(consumer.paused()).as("not fetched before its position is known").contains(tier);

        RecordHeaders headers = new RecordHeaders();
        long far = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
        DelayTiers.route(headers, "orders", far, far);
        consumer.addRecord(new ConsumerRecord<>(tier.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, null, new byte[] {1},
                headers, Optional.empty()));
        assertThatThrownBy(forwarder::loopOnce).as("still down: the loop's caller logs and retries").isInstanceOf(TimeoutException.class);
        assertThat(forwarder.held()).isZero();
        assertThat(consumer.position(tier)).as("the record was not skipped").isZero();

        consumer.down = false;
        forwarder.loopOnce(); // reads the position, resumes the partition
        forwarder.loopOnce(); // polls
        assertThat(forwarder.held()).as("the scheduled record is held for its due time").isEqualTo(1);
    }
}
