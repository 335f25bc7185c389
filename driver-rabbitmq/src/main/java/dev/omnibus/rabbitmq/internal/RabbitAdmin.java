package dev.omnibus.rabbitmq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibus.spi.TransportAdmin;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Topics are the vhost's durable topic exchanges (except {@code amq.*}); a topic's groups are read
 * from its queue names ({@code t|g} and {@code t|g|i/n}, see {@link Topology}), listed through the
 * management API. Deleting goes over AMQP: a group's queues (those listed, plus those of the current
 * {@code shards} setting), a topic's exchange, stream and every group's queues.
 */
final class RabbitAdmin implements TransportAdmin {
    private static final Pattern SHARD = Pattern.compile("(.*)\\|\\d+/\\d+");

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
                    && !name.startsWith("amq.")) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public Set<String> groups(String topic) {
        Set<String> out = new TreeSet<>();
        for (String queue : queuesOf(topic)) {
            String rest = queue.substring(topic.length() + 1);
            if (queue.equals(Topology.stream(topic))) continue;
            Matcher m = SHARD.matcher(rest);
            out.add(m.matches() ? m.group(1) : rest);
        }
        return out;
    }

    @Override
    public void deleteGroup(String topic, String group) {
        Set<String> queues = new LinkedHashSet<>(Topology.groupQueues(topic, group, settings.shards()));
        for (String queue : queuesOf(topic)) {
            String rest = queue.substring(topic.length() + 1);
            Matcher m = SHARD.matcher(rest);
            if ((m.matches() ? m.group(1) : rest).equals(group)) queues.add(queue);
        }
        queues.forEach(amqp::deleteQueue);
    }

    @Override
    public void deleteTopic(String topic) {
        Set<String> queues = queuesOf(topic);
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
        for (JsonNode q : management.list("queues", "name,messages")) {
            String name = q.path("name").asText();
            if (!name.startsWith(topic + "|")) continue;
            String rest = name.substring(topic.length() + 1);
            Matcher m = SHARD.matcher(rest);
            if (!(m.matches() ? m.group(1) : rest).equals(group)) continue;
            String shard = m.matches() ? rest.substring(m.group(1).length() + 1, rest.indexOf('/', m.group(1).length())) : "0";
            byShard.put(shard, q.path("messages").asLong(0));
        }
        return dev.omnibus.ConsumerLag.of(topic, group, byShard);
    }

    /** Durable queues named {@code <topic>|...}. */
    private Set<String> queuesOf(String topic) {
        Set<String> out = new TreeSet<>();
        for (JsonNode q : management.list("queues", "name,durable")) {
            String name = q.path("name").asText();
            if (q.path("durable").asBoolean() && name.startsWith(topic + "|")) out.add(name);
        }
        return out;
    }
}
