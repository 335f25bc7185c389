package dev.omnibus.kafka;

import dev.omnibus.Capability;
import dev.omnibus.Delivery;
import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.BrokerKit;
import dev.omnibus.conformance.faults.SteadyPublisher;
import dev.omnibus.conformance.fixtures.KafkaProcessCluster;
import dev.omnibus.conformance.history.History;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kafka's {@code replication_test} hard bounce, through Omnibus, on a real three-node KRaft cluster
 * ({@link KafkaProcessCluster}: replication factor 3, {@code min.insync.replicas=2}, no unclean leader
 * election): a steady keyed publisher (8 keys, 200 msg/s, the driver's {@code acks=all} idempotent producer)
 * and a consumer group (concurrency 4) run while, twice, the node leading the most partitions that carry
 * traffic is SIGKILLed, left dead for {@link #OUTAGE} while publishing goes on, and restarted. Each bounce
 * must move leadership off the dead node, deliver messages published after the kill from the partitions
 * it led (the failover time), get the restarted node back into every partition's ISR, and keep publishes
 * acknowledged. The {@link History} verdict must show nothing acknowledged lost, nothing failed and, per
 * key, nothing out of order. Per-bounce numbers go to stdout and {@code target/history/}.
 */
class KafkaClusterHardBounceTest extends BrokerKit {
    private static final int KEYS = 8;
    private static final int PER_SECOND = 200;
    private static final int PARTITIONS = 8;
    private static final int BOUNCES = 2;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static KafkaProcessCluster cluster;

    @Override
    protected BrokerFixture createFixture() {
        assumeTrue(KafkaProcessCluster.classpathAvailable(), "brokers/kafka has not written its broker class path");
        cluster = new KafkaProcessCluster();
        return cluster;
    }

    @Override protected Duration patience() { return Duration.ofSeconds(120); }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close(); // three JVMs: do not keep them until the test JVM exits
    }

    /** What one bounce did and how long each step took. */
    private static final class Bounce {
        final int number;
        final int victim;
        final Set<Integer> victimPartitions;
        final Instant killedAt = Instant.now();
        final AtomicReference<Instant> firstDeliveryAfterKill = new AtomicReference<>();
        boolean victimWasController;
        Instant leadershipMovedAt;
        Instant restartedAt;
        Instant fullIsrAt;

        Bounce(int number, int victim, Set<Integer> victimPartitions) {
            this.number = number;
            this.victim = victim;
            this.victimPartitions = victimPartitions;
        }

        /** Marks the first delivery, from a partition the victim led, of a message published after the kill. */
        void observe(Delivery d) {
            if (firstDeliveryAfterKill.get() != null || d.position() == null) return;
            if (victimPartitions.contains(Integer.parseInt(d.position().partition())) && d.message().time().isAfter(killedAt)) {
                firstDeliveryAfterKill.compareAndSet(null, Instant.now());
            }
        }

        double recoverySeconds() { return seconds(killedAt, firstDeliveryAfterKill.get()); }

        @Override
        public String toString() {
            return String.format("bounce %d: SIGKILL node %d (led partitions %s%s); leadership moved after %.1f s; first "
                            + "delivery of a post-kill publish from those partitions after %.1f s; restarted %.1f s after "
                            + "the kill; ISR 3 again %.1f s after the restart", number, victim, victimPartitions,
                    victimWasController ? ", was the active controller" : "", seconds(killedAt, leadershipMovedAt),
                    recoverySeconds(), seconds(killedAt, restartedAt), seconds(restartedAt, fullIsrAt));
        }
    }

    @Test
    void leaderHardBouncedUnderLoadLosesNoAcknowledgedMessage() throws Exception {
        KafkaProcessCluster c = (KafkaProcessCluster) fixture();
        Map<String, String> options = Map.of("replicationFactor", Integer.toString(KafkaProcessCluster.SIZE),
                "partitions", Integer.toString(PARTITIONS));
        Messaging producer = connect(options);
        Messaging consumer = connect(options);
        assertThat(producer.capabilities()).as("the Kafka driver declares per-key ordering")
                .contains(Capability.PER_KEY_ORDERING, Capability.DURABLE);
        String t = topic("bounce");
        String g = group("bounce");
        History h = history();
        Set<Integer> activePartitions = ConcurrentHashMap.newKeySet();
        AtomicReference<Bounce> current = new AtomicReference<>();
        track(consumer.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200))), d -> {
            h.delivered(g, d);
            if (d.position() != null) activePartitions.add(Integer.parseInt(d.position().partition()));
            Bounce b = current.get();
            if (b != null) b.observe(d);
        }));
        List<Bounce> bounces = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers()));
             SteadyPublisher publisher = new SteadyPublisher(producer, t, h, KEYS, PER_SECOND, patience())) {
            eventually().until(() -> h.receivedUnique(g) > 200);
            awaitFullIsr(admin, t);
            int previous = -1;
            for (int i = 1; i <= BOUNCES; i++) {
                Map<Integer, Integer> leaders = leaders(admin, t);
                int victim = chooseVictim(leaders, activePartitions, previous);
                Set<Integer> led = leaders.entrySet().stream().filter(e -> e.getValue() == victim).map(Map.Entry::getKey)
                        .collect(Collectors.toCollection(TreeSet::new));
                int controller = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
                Bounce b = new Bounce(i, victim, led);
                b.victimWasController = controller == victim;
                current.set(b);
                c.kill(victim);
                eventually().ignoreExceptions().until(() -> leaders(admin, t).values().stream().noneMatch(l -> l == victim));
                b.leadershipMovedAt = Instant.now();
                parkUntil(b.killedAt.plus(OUTAGE)); // the publisher keeps going while the node is dead
                long ackedAtRestart = h.verdict(g).acknowledged();
                c.restart(victim);
                b.restartedAt = Instant.now();
                awaitFullIsr(admin, t);
                b.fullIsrAt = Instant.now();
                eventually().untilAsserted(() -> assertThat(b.firstDeliveryAfterKill.get())
                        .as("a message published after the kill of node %d delivered from its partitions %s, %s", victim, led,
                                h.verdict(g)).isNotNull());
                eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                        .as("publishes acknowledged after bounce %d, %s", b.number, h.verdict(g)).isGreaterThan(ackedAtRestart + 100));
                System.out.println(b);
                bounces.add(b);
                previous = victim;
            }
            long before = h.receivedUnique(g);
            eventually().until(() -> h.receivedUnique(g) > before + 100);
            System.out.printf("published %d messages over %d bounces%n", publisher.attempts(), bounces.size());
        }
        eventually().untilAsserted(() -> assertThat(h.verdict(g).lost()).as("acknowledged but not received (yet), %s",
                h.verdict(g)).isZero());
        History.Verdict v = h.verdict(g);
        recoverySeconds(h, bounces.stream().mapToDouble(Bounce::recoverySeconds).max().orElseThrow());
        writeBounces(bounces, v);
        assertThat(v.lost()).as("lost, %s", v).isZero();
        assertThat(v.outOfOrder()).as("per-key out of order, %s", v).isZero();
        assertThat(v.failed() + v.indeterminate()).as("publishes not acknowledged with one node of three down, %s", v).isZero();
        assertThat(bounces.stream().map(b -> b.victim).distinct().count()).as("distinct nodes bounced").isEqualTo(BOUNCES);
    }

    /** Partition → leader node id (-1 when the partition has no leader). */
    private static Map<Integer, Integer> leaders(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<Integer, Integer> leaders = new TreeMap<>();
        for (TopicPartitionInfo p : d.partitions()) leaders.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
        return leaders;
    }

    /** The node, other than {@code previous}, leading the most partitions that carry traffic (then: the most partitions). */
    private static int chooseVictim(Map<Integer, Integer> leaders, Set<Integer> activePartitions, int previous) {
        Map<Integer, long[]> score = new TreeMap<>();
        leaders.forEach((partition, leader) -> {
            if (leader < 0 || leader == previous) return;
            long[] s = score.computeIfAbsent(leader, l -> new long[2]);
            if (activePartitions.contains(partition)) s[0]++;
            s[1]++;
        });
        int victim = score.entrySet().stream()
                .max(Comparator.<Map.Entry<Integer, long[]>>comparingLong(e -> e.getValue()[0]).thenComparingLong(e -> e.getValue()[1]))
                .map(Map.Entry::getKey).orElseThrow(() -> new AssertionError("no leader to bounce among " + leaders));
        assertThat(score.get(victim)[0]).as("node %d leads a partition with traffic (leaders %s, traffic on %s)", victim,
                leaders, activePartitions).isPositive();
        return victim;
    }

    private void awaitFullIsr(Admin admin, String topic) {
        eventually().ignoreExceptions().untilAsserted(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).as("partitions of %s", topic).hasSize(PARTITIONS)
                    .allSatisfy(p -> assertThat(p.isr()).as("ISR of partition %d", p.partition()).hasSize(KafkaProcessCluster.SIZE));
        });
    }

    private void writeBounces(List<Bounce> bounces, History.Verdict v) {
        StringBuilder sb = new StringBuilder();
        bounces.forEach(b -> sb.append(b).append('\n'));
        sb.append(v.counts()).append('\n');
        System.out.print(sb);
        try {
            Files.createDirectories(historyDirectory());
            Files.writeString(historyDirectory().resolve(fixture().name() + "-" + testName() + "-bounces.txt"), sb);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the bounce report", e);
        }
    }

    private static double seconds(Instant from, Instant to) {
        return from == null || to == null ? Double.NaN : Duration.between(from, to).toMillis() / 1000.0;
    }

    private static void parkUntil(Instant deadline) {
        for (long left; (left = Duration.between(Instant.now(), deadline).toNanos()) > 0; ) LockSupport.parkNanos(left);
    }
}
