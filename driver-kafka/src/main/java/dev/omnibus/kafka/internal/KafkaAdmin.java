package dev.omnibus.kafka.internal;

import dev.omnibus.spi.TransportAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Topics and consumer groups through the Admin client. A group belongs to a topic when it has
 * committed offsets on one of the topic's partitions or a member assigned to one. Deleting a group
 * deletes its offsets on the topic (and the group itself once it has no offsets left); Kafka refuses
 * that while consumers of the group are subscribed to the topic.
 */
final class KafkaAdmin implements TransportAdmin {
    private final Admin admin;
    private final Topics topics;
    private final Duration timeout;

    KafkaAdmin(Admin admin, Topics topics, Duration timeout) {
        this.admin = admin;
        this.topics = topics;
        this.timeout = timeout;
    }

    /**
     * The application's topics: without Kafka's internal topics and without the driver's delay
     * infrastructure (the tiers {@code omnibus.delay.*} and the groups' {@code <topic>.redelivery.<group>}).
     */
    @Override
    public Set<String> topics() {
        Set<String> all = new TreeSet<>();
        for (String name : allTopics()) if (!isDelayInfrastructure(name)) all.add(name);
        return all;
    }

    private Set<String> allTopics() {
        return new TreeSet<>(await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(), "listing topics"));
    }

    static boolean isDelayInfrastructure(String name) {
        return name.startsWith(DelayTiers.PREFIX) || name.contains(REDELIVERY_INFIX);
    }

    /** {@code <topic>.redelivery.<group>}: a group's delayed redeliveries (KafkaTransport). */
    static final String REDELIVERY_INFIX = ".redelivery.";

    @Override
    public Set<String> groups(String topic) {
        Set<TopicPartition> partitions = partitions(topic);
        if (partitions.isEmpty()) return Set.of();
        List<String> ids = await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(), "listing consumer groups")
                .stream().map(GroupListing::groupId).toList();
        if (ids.isEmpty()) return Set.of();
        Set<String> groups = new TreeSet<>();
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (String id : ids) specs.put(id, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets =
                await(admin.listConsumerGroupOffsets(specs).all(), "listing committed offsets");
        offsets.forEach((id, committed) -> {
            if (committed.values().stream().anyMatch(o -> o != null)) groups.add(id);
        });
        Map<String, ConsumerGroupDescription> described = await(admin.describeConsumerGroups(ids).all(), "describing groups");
        described.forEach((id, d) -> {
            for (MemberDescription m : d.members()) {
                if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic))) groups.add(id);
            }
        });
        return groups;
    }

    @Override
    public void deleteGroup(String topic, String group) {
        Set<TopicPartition> partitions = partitions(topic);
        try {
            if (!partitions.isEmpty()) {
                await(admin.deleteConsumerGroupOffsets(group, partitions).all(), "deleting the offsets of group '" + group + "'");
            }
            Map<TopicPartition, OffsetAndMetadata> left = await(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata(), "listing the offsets of group '" + group + "'");
            if (left.isEmpty()) await(admin.deleteConsumerGroups(List.of(group)).all(), "deleting group '" + group + "'");
        } catch (RuntimeException e) {
            Throwable cause = Topics.unwrap(e.getCause() == null ? e : e.getCause());
            if (cause instanceof GroupIdNotFoundException || cause instanceof UnknownTopicOrPartitionException) return;
            if (cause instanceof GroupSubscribedToTopicException || cause instanceof GroupNotEmptyException) {
                throw new IllegalStateException("Kafka refuses deleting group '" + group + "' of topic '" + topic
                        + "' while consumers of the group are subscribed to it (" + cause.getMessage()
                        + "): close those subscriptions first", cause);
            }
            throw e;
        }
    }

    /**
     * End offset minus committed offset, per partition. A partition where the group has no committed
     * offset counts 0: the group has not started there (a LATEST group commits its start when it joins).
     */
    dev.omnibus.ConsumerLag lag(String topic, String group) {
        Set<TopicPartition> partitions = partitions(topic);
        Map<String, Long> byPartition = new java.util.TreeMap<>();
        if (partitions.isEmpty()) return dev.omnibus.ConsumerLag.of(topic, group, byPartition);
        Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(Map.of(group,
                new ListConsumerGroupOffsetsSpec().topicPartitions(partitions))).partitionsToOffsetAndMetadata(group),
                "reading the committed offsets of group '" + group + "'");
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : partitions) latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
        var ends = await(admin.listOffsets(latest).all(), "reading the end offsets of '" + topic + "'");
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            long end = ends.get(tp).offset();
            byPartition.put(Integer.toString(tp.partition()), c == null ? 0L : Math.max(0, end - c.offset()));
        }
        return dev.omnibus.ConsumerLag.of(topic, group, byPartition);
    }

    @Override
    public void deleteTopic(String topic) {
        List<String> doomed = new java.util.ArrayList<>(List.of(topic)); // with its groups' redelivery topics
        for (String name : allTopics()) if (name.startsWith(topic + REDELIVERY_INFIX)) doomed.add(name);
        try {
            await(admin.deleteTopics(doomed).all(), "deleting topic '" + topic + "'");
        } catch (RuntimeException e) {
            if (!(Topics.unwrap(e.getCause() == null ? e : e.getCause()) instanceof UnknownTopicOrPartitionException)) throw e;
        } finally {
            topics.forget(topic);
        }
        // deletion completes asynchronously in the cluster: return once the topic is gone from the metadata,
        // so that a publish right after re-creates it instead of racing the deletion
        long deadline = System.nanoTime() + timeout.toNanos();
        while (allTopics().contains(topic) && System.nanoTime() < deadline) {
            await(CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(100,
                    java.util.concurrent.TimeUnit.MILLISECONDS)), "waiting for the deletion of '" + topic + "'");
        }
    }

    private Set<TopicPartition> partitions(String topic) {
        try {
            List<TopicPartitionInfo> infos = await(admin.describeTopics(List.of(topic)).allTopicNames(),
                    "describing topic '" + topic + "'").get(topic).partitions();
            Set<TopicPartition> out = new HashSet<>();
            for (TopicPartitionInfo p : infos) out.add(new TopicPartition(topic, p.partition()));
            return out;
        } catch (RuntimeException e) {
            if (Topics.unwrap(e.getCause() == null ? e : e.getCause()) instanceof UnknownTopicOrPartitionException) return Set.of();
            throw e;
        }
    }

    private <T> T await(KafkaFuture<T> f, String what) { return await(f.toCompletionStage().toCompletableFuture(), what); }

    private <T> T await(CompletableFuture<T> f, String what) { return Topics.await(f, timeout, what); }
}
