package dev.omnibus.rabbitmq.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Queue names read back exactly as {@link Topology#groupQueues} wrote them (admin and lag rely on it). */
class TopologyTest {
    @Test void everyGroupQueueNameReadsBackItsGroupAndShard() {
        for (String group : new String[] {"billing", "a|b"}) {
            for (int shards : new int[] {1, 4}) {
                var names = Topology.groupQueues("orders", group, shards);
                for (int i = 0; i < names.size(); i++) {
                    assertThat(Topology.parseGroupQueue("orders", names.get(i)))
                            .isEqualTo(new Topology.GroupQueue(group, shards == 1 ? "0" : Integer.toString(i)));
                }
            }
        }
        assertThat(Topology.parseGroupQueue("orders", Topology.stream("orders"))).isNull();
        assertThat(Topology.parseGroupQueue("orders", "orders.dlq|omnibus-redrive|0/4")).isNull();
    }
}
