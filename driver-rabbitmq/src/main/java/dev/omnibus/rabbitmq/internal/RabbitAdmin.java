package dev.omnibus.rabbitmq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibus.spi.TransportAdmin;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Topics are the vhost's durable topic exchanges (except {@code amq.*} and the delay levels
 * {@code omnibus-delay:*}, see {@link DelayLevels}); a topic's groups are read
 * from its queue names ({@code t|g} and {@code t|g|i/n}, see {@link Topology}), listed through the
 * management API. Deleting goes over AMQP: a group's queues (those listed, plus those of the current
 * {@code shards} setting), a topic's exchange, stream and every group's queues.
 */
final class RabbitAdmin implements TransportAdmin {

    /** The AMQP side: runs deletions on the transport's admin channel. */
    interface Amqp {
        void deleteQueue(String queue);
        void deleteExchange(String exchange);
    }

    private final ManagementApi management;
    private final RabbitSettings settings;
    private final Amqp amqp;
    private final Consumer<String> forgetTopic;

    RabbitAdmin(ManagementApi management, RabbitSettings settings, Amqp amqp, Consumer<String> forgetTopic) {
        this.management = management;
        this.settings = settings;
        this.amqp = amqp;
        this.forgetTopic = forgetTopic;
    }

    @Override
    public Set<String> topics() {
        Set<String> out = new TreeSet<>();
        for (JsonNode e : management.list("exchanges", "name,type,durable")) {
            String name = e.path("name").asText();
            if ("topic".equals(e.path("type").asText()) && e.path("durable").asBoolean() && !name.isEmpty()
                    && !name.startsWith("amq.") && !DelayLevels.isDelayInfrastructure(name)) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public Set<String> groups(String topic) {
        Set<String> out = new TreeSet<>();
        for (Topology.GroupQueue q : groupQueuesOf(topic).values()) out.add(q.group());
        return out;
    }

    @Override
    public void deleteGroup(String topic, String group) {
        Set<String> queues = new LinkedHashSet<>(Topology.groupQueues(topic, group, settings.shards()));
        groupQueuesOf(topic).forEach((name, q) -> { if (q.group().equals(group)) queues.add(name); });
        queues.forEach(amqp::deleteQueue);
    }

    @Override
    public void deleteTopic(String topic) {
        Set<String> queues = groupQueuesOf(topic).keySet();
        forgetTopic.accept(topic);
        queues.forEach(amqp::deleteQueue);
        amqp.deleteQueue(Topology.stream(topic));
        amqp.deleteExchange(Topology.exchange(topic));
    }

    /**
     * Ready plus unacknowledged messages of each of the group's queues (shard {@code i} keyed {@code "i"}),
     * as the management plugin reports them (it refreshes queue statistics every few seconds). In
     * stream mode there are no group queues and the lag is empty.
     */
    dev.omnibus.ConsumerLag lag(String topic, String group) {
        java.util.Map<String, Long> byShard = new java.util.TreeMap<>();
        for (JsonNode q : management.list("queues", "name,durable,messages")) {
            Topology.GroupQueue gq = Topology.parseGroupQueue(topic, q.path("name").asText());
            if (gq != null && gq.group().equals(group)) byShard.put(gq.shard(), q.path("messages").asLong(0));
        }
        return dev.omnibus.ConsumerLag.of(topic, group, byShard);
    }

    /** The durable group queues of {@code topic}, by name. */
    private java.util.Map<String, Topology.GroupQueue> groupQueuesOf(String topic) {
        java.util.Map<String, Topology.GroupQueue> out = new java.util.TreeMap<>();
        for (JsonNode q : management.list("queues", "name,durable")) {
            Topology.GroupQueue gq = Topology.parseGroupQueue(topic, q.path("name").asText());
            if (q.path("durable").asBoolean() && gq != null) out.put(q.path("name").asText(), gq);
        }
        return out;
    }
}
