package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bookkeeping both Kafka consumers (subscriptions, delay forwarder) keep across a rebalance, against {@link MockConsumer}. */
class UnreadPartitionsTest {
    private final TopicPartition p0 = new TopicPartition("orders", 0), p1 = new TopicPartition("orders", 1);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final Map<TopicPartition, OffsetAndMetadata> started = new HashMap<>();
    private TopicPartition failOn;

    private final UnreadPartitions unread = new UnreadPartitions(consumer, Duration.ofSeconds(1), (tp, committed) -> {
        if (tp.equals(failOn)) throw new TimeoutException("test: the broker did not answer for " + tp);
        started.put(tp, committed);
    });

    @Test
    void assignedPartitionsArePausedAndHandedOverWithTheirCommittedOffset() {
        consumer.assign(List.of(p0, p1));
        consumer.commitSync(Map.of(p1, new OffsetAndMetadata(7)));

        unread.assigned(List.of(p0, p1));

        assertThat(consumer.paused()).as("the owner resumes them, not the bookkeeping").containsExactlyInAnyOrder(p0, p1);
        assertThat(started).containsEntry(p0, null).containsEntry(p1, new OffsetAndMetadata(7));
        assertThat(unread.contains(p0)).isFalse();
        assertThat(unread.snapshot()).isEmpty();
    }

    @Test
    void aPartitionWhoseStartFailedStaysUnreadUntilTheNextReadSucceeds() {
        consumer.assign(List.of(p0, p1));
        failOn = p1;

        assertThatThrownBy(() -> unread.assigned(List.of(p0, p1))).isInstanceOf(TimeoutException.class);
        assertThat(unread.contains(p1)).as("not read: must stay paused").isTrue();
        assertThat(consumer.paused()).contains(p1);

        failOn = null;
        unread.read();
        assertThat(unread.snapshot()).isEmpty();
        assertThat(started).containsKey(p1);
    }

    @Test
    void revokedOrLostPartitionsAreForgotten() {
        consumer.assign(List.of(p0, p1));
        failOn = p0;
        assertThatThrownBy(() -> unread.assigned(List.of(p0))).isInstanceOf(TimeoutException.class);

        unread.removed(Set.of(p0));
        failOn = null;
        unread.read();

        assertThat(started).as("a partition no longer assigned is not started").doesNotContainKey(p0);
        assertThat(unread.snapshot()).isEmpty();
    }

    @Test
    void nothingHappensWithoutPartitions() {
        unread.assigned(List.of());
        unread.read();
        assertThat(started).isEmpty();
        assertThat(consumer.paused()).isEmpty();
    }
}
