package dev.omnibus.kafka.internal;

import dev.omnibus.ConfigurationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topic existence through the Admin client: created on first use with the configured partitions,
 * replication factor and {@code max.message.bytes} (when {@code autoCreateTopics} is on), otherwise only
 * checked. Learns each topic's effective record size limit so oversized publishes fail before sending.
 * Results are cached per topic; failures are not, so a later call tries again.
 */
final class Topics {
    /** A topic known to exist, with the record size limit publishes to it are checked against. */
    record Info(String name, int maxMessageBytes) {}

    private final Admin admin;
    private final KafkaSettings settings;
    private final Map<String, CompletableFuture<Info>> known = new ConcurrentHashMap<>();

    Topics(Admin admin, KafkaSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** The cached info when the topic is already known to exist, else {@code null}. */
    Info ifKnown(String topic) {
        CompletableFuture<Info> f = known.get(topic);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /** Makes sure {@code topic} exists (creating it when allowed). Fails with {@link ConfigurationException} naming the fix. */
    CompletableFuture<Info> ensure(String topic) {
        return cached(topic, () -> settings.autoCreateTopics() ? create(topic, settings.partitions(), configOf(topic))
                : describe(topic, true, 0));
    }

    /** Extra configuration of a topic the driver creates: a delay tier keeps its records longer than its delay. */
    private static Map<String, String> configOf(String topic) {
        for (Duration tier : DelayTiers.TIERS) {
            if (DelayTiers.topicOf(tier).equals(topic)) {
                return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DelayTiers.retentionOf(tier).toMillis()));
            }
        }
        return Map.of();
    }

    /** Blocking {@link #ensure}, bounded by {@code connectTimeout}-scale limits; rethrows the cause. */
    Info ensureNow(String topic) {
        return await(ensure(topic), settings.subscribeTimeout(), "making sure topic '" + topic + "' exists");
    }

    /** Succeeds only when {@code topic} exists; never creates it (replies must not resurrect a closed inbox). */
    CompletableFuture<Info> requireExisting(String topic) {
        return cached(topic, () -> describe(topic, false, 0));
    }

    /** Creates a one-partition, short-retention reply topic (or accepts an existing one). */
    Info createReplyTopic(String topic) {
        CompletableFuture<Info> f = cached(topic, () -> create(topic, 1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.HOURS.toMillis(1)))));
        return await(f, settings.subscribeTimeout(), "creating reply topic '" + topic + "'");
    }

    /** Forgets what is cached about {@code topic} (after deleting it), so the next use creates or checks it again. */
    void forget(String topic) { known.remove(topic); }

    /** Deletes topics, best effort and bounded (used for this instance's reply topics at close). */
    void deleteQuietly(Collection<String> topics, Duration timeout) {
        if (topics.isEmpty()) return;
        try {
            admin.deleteTopics(topics).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        topics.forEach(known::remove);
    }

    private CompletableFuture<Info> cached(String topic, java.util.function.Supplier<CompletableFuture<Info>> load) {
        CompletableFuture<Info> fresh = new CompletableFuture<>();
        while (true) {
            CompletableFuture<Info> f = known.get(topic);
            if (f != null && !f.isCompletedExceptionally()) return f;
            boolean mine = f == null ? known.putIfAbsent(topic, fresh) == null : known.replace(topic, f, fresh);
            if (mine) break;
        }
        load.get().whenComplete((info, error) -> {
            if (error != null) {
                known.remove(topic, fresh);
                fresh.completeExceptionally(unwrap(error));
            } else {
                fresh.complete(info);
            }
        });
        return fresh;
    }

    private CompletableFuture<Info> create(String topic, int partitions, Map<String, String> extraConfig) {
        Map<String, String> config = new java.util.HashMap<>(extraConfig);
        config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxMessageBytes()));
        short rf = settings.replicationFactor();
        NewTopic nt = new NewTopic(topic, Optional.of(partitions), rf < 0 ? Optional.empty() : Optional.of(rf)).configs(config);
        CreateTopicsOptions opts = new CreateTopicsOptions().timeoutMs((int) settings.subscribeTimeout().toMillis());
        return admin.createTopics(List.of(nt), opts).all().toCompletionStage().toCompletableFuture()
                .thenCompose(v -> awaitLeaders(topic, partitions))
                .thenApply(v -> new Info(topic, settings.maxMessageBytes()))
                .exceptionallyCompose(error -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof TopicExistsException) return describe(topic, true, 25); // may lag creation
                    if (cause instanceof AuthorizationException) {
                        return describe(topic, true, 0).exceptionallyCompose(e2 -> CompletableFuture.failedFuture(
                                new ConfigurationException("Not authorized to create Kafka topic '" + topic + "' ("
                                        + cause.getMessage() + "): create it beforehand or grant CREATE on it", cause)));
                    }
                    if (cause instanceof PolicyViolationException || cause instanceof InvalidReplicationFactorException
                            || cause instanceof InvalidPartitionsException) {
                        return CompletableFuture.failedFuture(new ConfigurationException("Kafka refused to create topic '"
                                + topic + "' with " + partitions + " partition(s), replication factor "
                                + (rf < 0 ? "broker default" : rf) + ": " + cause.getMessage()
                                + ". Adjust the partitions/replicationFactor options or create the topic beforehand", cause));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** How long {@link #awaitLeaders} waits at most. */
    private static final int LEADER_WAIT_MS = 5_000;

    /**
     * Waits until the leader of every partition of a topic just created serves it (a ListOffsets request is answered;
     * the admin client retries NOT_LEADER_OR_FOLLOWER and UNKNOWN_TOPIC_OR_PARTITION within the timeout). A produce
     * request that reaches a leader before it applied the new partition fails NOT_LEADER_OR_FOLLOWER while a later
     * batch of the same idempotent producer can be written first; the failed batch is then refused as out of order on
     * every retry until {@code delivery.timeout.ms} expires it (KAFKA-15591: seen in this project's CI on Kafka 4.1.1,
     * a publish to a new topic unconfirmed after 60 s). Never fails: past the timeout the producer's own retries go on.
     */
    private CompletableFuture<Void> awaitLeaders(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        return admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(LEADER_WAIT_MS)).all()
                .toCompletionStage().toCompletableFuture()
                .handle((offsets, error) -> null);
    }

    /**
     * Checks the topic exists and reads its effective max.message.bytes (capped by the driver's own limit).
     * {@code retries}: how often to ask again (200 ms apart) while the broker does not know the topic yet,
     * e.g. right after another client created it.
     */
    private CompletableFuture<Info> describe(String topic, boolean explainAutoCreate, int retries) {
        return admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture()
                .handle((descriptions, error) -> error)
                .thenCompose(error -> {
                    if (error == null) return limitOf(topic);
                    Throwable cause = unwrap(error);
                    if (cause instanceof UnknownTopicOrPartitionException && retries > 0) {
                        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                                .thenCompose(x -> describe(topic, explainAutoCreate, retries - 1));
                    }
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        return CompletableFuture.failedFuture(new ConfigurationException("Kafka topic '" + topic
                                + "' does not exist" + (explainAutoCreate && !settings.autoCreateTopics()
                                ? " and autoCreateTopics=false: create it, or set autoCreateTopics=true"
                                : " (a reply inbox that was closed?)"), cause));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private CompletableFuture<Info> limitOf(String topic) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().toCompletionStage().toCompletableFuture()
                .thenApply(all -> {
                    Config c = all.get(r);
                    ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                    int limit = settings.maxMessageBytes();
                    if (e != null && e.value() != null) {
                        try { limit = Math.min(limit, Integer.parseInt(e.value())); } catch (NumberFormatException ignored) { }
                    }
                    return new Info(topic, limit);
                })
                .exceptionally(e -> new Info(topic, settings.maxMessageBytes())); // no DescribeConfigs right: keep ours
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.omnibus.OmnibusException("Interrupted while " + what, e);
        } catch (TimeoutException e) {
            throw new dev.omnibus.BrokerUnavailableException("Kafka did not answer within " + timeout + " while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof dev.omnibus.OmnibusException oe) throw oe;
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new dev.omnibus.BrokerUnavailableException("Kafka did not answer in time while " + what + ": " + cause.getMessage(), cause);
            }
            throw new dev.omnibus.OmnibusException("Kafka failed while " + what + ": " + cause, cause);
        }
    }
}
