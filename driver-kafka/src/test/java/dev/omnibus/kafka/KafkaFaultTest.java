package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's fault group against the real Kafka broker: killed, stopped and restarted by the fixture,
 * and its client connections cut and frozen through the fixture's proxy.
 */
class KafkaFaultTest extends MessagingFaultKit {
    /**
     * The shared broker, with the group session timeout at 10 s for every client of this class: three tests
     * SIGKILL a consumer process, and the group hands its partitions to the next member only once the dead
     * member's session expires (Kafka's default, 45 s, made each of them wait that long).
     */
    @Override
    protected BrokerFixture createFixture() {
        return new ForwardingBrokerFixture(KafkaFixtures.shared()) {
            @Override
            public Map<String, String> options() {
                Map<String, String> options = new HashMap<>(super.options());
                options.put("kafka.consumer.session.timeout.ms", "10000");
                return Map.copyOf(options);
            }
        };
    }

    /** Requests time out after 2 s and a record is given up after 5 s (the defaults are 30 s and 120 s). */
    @Override
    protected Map<String, String> fastFailureOptions() {
        return Map.of("kafka.producer.request.timeout.ms", "2000", "kafka.producer.delivery.timeout.ms", "5000",
                "kafka.consumer.request.timeout.ms", "5000");
    }

    /** The group's committed offset has reached the end of every partition of the topic. */
    @Override
    protected void awaitAcknowledgedAtBroker(String topic, String group) {
        String bootstrap = fixture().url().substring("kafka://".length());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            eventually().untilAsserted(() -> {
                List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                        .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata c = committed.get(tp);
                    assertThat(c == null ? -1 : c.offset()).as("committed offset of %s for group %s", tp, group)
                            .isGreaterThanOrEqualTo(ends.get(tp).offset());
                }
            });
        }
    }
}
