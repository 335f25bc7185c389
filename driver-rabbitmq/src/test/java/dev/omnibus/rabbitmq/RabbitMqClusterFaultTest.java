package dev.omnibus.rabbitmq;

import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.BrokerKit;
import dev.omnibus.conformance.faults.SteadyPublisher;
import dev.omnibus.conformance.fixtures.RabbitMqProcessCluster;
import dev.omnibus.conformance.history.History;
import dev.omnibus.rabbitmq.internal.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Quorum queues on a 3-node RabbitMQ cluster ({@link RabbitMqProcessCluster}, isolated local nodes) through
 * the loss of a queue leader: a steady keyed publisher (8 keys, 200 msg/s) and a consumer group
 * (concurrency 4, {@code queueType=quorum}, 4 shard queues) run while the node leading most of the group's
 * shard queues (the consumer's node: leaders are client-local) is SIGKILLed, with the producer connected to
 * it as well, stays down a few seconds and is restarted. The {@link History} must show no
 * acknowledged (publisher-confirmed) message lost and no key out of order; publishes must be
 * acknowledged and delivered again both while the node is down (a new leader was elected) and after it
 * rejoined; the restarted node must be back in {@code cluster_status}. Unlike a single 3.10.8 node (see
 * docs/drivers/rabbitmq.md, "Known limit"), the queues keep serving the consumers that were attached when
 * the leader died. Measured figures go to {@code target/history/} and standard output.
 */
class RabbitMqClusterFaultTest extends BrokerKit {
    private static final int KEYS = 8;
    private static final int SHARDS = 4;
    private static final Duration DOWN = Duration.ofSeconds(5);

    @Override
    protected BrokerFixture createFixture() {
        assumeTrue(RabbitMqProcessCluster.isInstalled(), "rabbitmq-server is not installed: no local cluster");
        return new RabbitMqProcessCluster(3);
    }

    @Override protected Duration patience() { return Duration.ofSeconds(90); }

    @Test
    void quorumLeaderKilledMidStreamLosesNoAcknowledgedMessage() {
        RabbitMqProcessCluster cluster = (RabbitMqProcessCluster) fixture();
        Map<String, String> quorum = Map.of("queueType", "quorum", "shards", Integer.toString(SHARDS), "recoveryInterval", "1s");
        Messaging consumer = connect(with(quorum, "rabbitmq.connectionName", "cluster-consumer"));
        String t = topic("leader");
        String g = group("quorum");
        History h = history();
        List<String> shardQueues = Topology.groupQueues(t, g, SHARDS);
        AtomicLong firstSeqAfterKill = new AtomicLong(Long.MAX_VALUE);
        Set<Integer> victimShards = ConcurrentHashMap.newKeySet();
        AtomicReference<Long> failoverAt = new AtomicReference<>();
        track(consumer.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200))), d -> {
            h.delivered(g, d);
            String seq = d.message().extension(History.SEQ);
            if (seq != null && Long.parseLong(seq) >= firstSeqAfterKill.get()
                    && victimShards.contains(Topology.bucket(d.key()) % SHARDS)) {
                failoverAt.compareAndSet(null, System.nanoTime());
            }
        }));

        Map<String, String> leaders = leadersOf(cluster, shardQueues);
        assertThat(leaders).as("a leader for every shard queue of %s", shardQueues).hasSize(SHARDS);
        String victim = leaders.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int v = cluster.indexOf(victim);
        for (int i = 0; i < SHARDS; i++) if (leaders.get(shardQueues.get(i)).equals(victim)) victimShards.add(i);
        Messaging producer = connectedTo(cluster, victim, with(quorum, "requestTimeout", "30s"));

        Map<String, String> placedBefore = new LinkedHashMap<>();
        double electionSeconds;
        double failoverSeconds;
        double rejoinSeconds;
        try (SteadyPublisher publisher = new SteadyPublisher(producer, t, h, KEYS, 200, patience())) {
            eventually().until(() -> h.receivedUnique(g) > 200);
            placedBefore.putAll(cluster.connectionNodes());
            firstSeqAfterKill.set(publisher.attempts() / KEYS + 1);
            long killedAt = System.nanoTime();
            cluster.kill(v);

            // a surviving node leads every shard queue, and the queues serve again while the node is down
            eventually().ignoreExceptions().untilAsserted(() -> assertThat(leadersOf(cluster, shardQueues).values())
                    .as("leaders after SIGKILL of %s", victim).hasSize(SHARDS).doesNotContain(victim).doesNotContain(""));
            electionSeconds = seconds(killedAt, System.nanoTime());
            eventually().until(() -> failoverAt.get() != null);
            failoverSeconds = seconds(killedAt, failoverAt.get());
            long ackedWhileDown = h.verdict(g).acknowledged();
            eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                    .as("publishes acknowledged with %s down, %s", victim, h.verdict(g)).isGreaterThan(ackedWhileDown + 100));
            parkUntil(killedAt + DOWN.toNanos());

            long restartedAt = System.nanoTime();
            cluster.restart(v);
            Set<String> all = new TreeSet<>();
            for (int i = 0; i < cluster.size(); i++) all.add(cluster.nodeName(i));
            int other = (v + 1) % cluster.size();
            eventually().ignoreExceptions().untilAsserted(() -> assertThat(cluster.runningNodes(other)).as("cluster_status on %s after restarting %s",
                    cluster.nodeName(other), victim).isEqualTo(all));
            rejoinSeconds = seconds(restartedAt, System.nanoTime());

            long ackedAfterRestart = h.verdict(g).acknowledged();
            eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                    .as("publishes acknowledged after %s rejoined, %s", victim, h.verdict(g)).isGreaterThan(ackedAfterRestart + 200));
            long receivedAfterRestart = h.receivedUnique(g);
            eventually().until(() -> h.receivedUnique(g) > receivedAfterRestart + 200);
        }
        eventually().untilAsserted(() -> assertThat(h.verdict(g).lost()).as("acknowledged but not received (yet), %s", h.verdict(g)).isZero());
        History.Verdict verdict = h.verdict(g);
        recoverySeconds(h, failoverSeconds);
        System.out.printf("[cluster-fault] connections before the kill %s, after %s%n", placedBefore, cluster.connectionNodes());
        System.out.printf("[cluster-fault] killed leader %s of shards %s; election %.1f s, failover %.1f s, rejoin %.1f s; leaders after: %s; %s%n",
                victim, new TreeSet<>(victimShards), electionSeconds, failoverSeconds, rejoinSeconds, leadersOf(cluster, shardQueues).values(), verdict);
        assertThat(verdict.lost()).as("lost, %s", verdict).isZero();
        assertThat(verdict.outOfOrder()).as("per-key out of order, %s", verdict).isZero();
        assertThat(verdict.acknowledged()).as("acknowledged, %s", verdict).isGreaterThan(1000);
    }

    /**
     * A producer connection (named {@code cluster-producer-<batch>-<i>}) on {@code node}, so the fault hits the publisher
     * too: amqp-client picks a random address of the URL's list, so this opens connections in batches and
     * keeps the first that landed on {@code node}.
     */
    private Messaging connectedTo(RabbitMqProcessCluster cluster, String node, Map<String, String> options) {
        for (int batch = 0; batch < 5; batch++) {
            Map<String, Messaging> candidates = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++) {
                String name = "cluster-producer-" + batch + "-" + i;
                candidates.put(name, connect(with(options, "rabbitmq.connectionName", name)));
            }
            AtomicReference<Map<String, String>> placed = new AtomicReference<>();
            eventually().ignoreExceptions().until(() -> {
                placed.set(cluster.connectionNodes());
                return placed.get().keySet().containsAll(candidates.keySet());
            });
            String chosen = candidates.keySet().stream().filter(n -> node.equals(placed.get().get(n))).findFirst().orElse(null);
            candidates.forEach((name, m) -> { if (!name.equals(chosen)) m.close(); });
            if (chosen != null) return candidates.get(chosen);
        }
        throw new AssertionError("no producer connection landed on " + node + " in 30 attempts");
    }

    /** Leader node per shard queue, for those the cluster reports (an empty string while a queue has none). */
    private static Map<String, String> leadersOf(RabbitMqProcessCluster cluster, List<String> queues) {
        Map<String, String> all = cluster.quorumLeaders();
        Map<String, String> mine = new LinkedHashMap<>();
        for (String q : queues) if (all.containsKey(q)) mine.put(q, all.get(q));
        return mine;
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    private static double seconds(long fromNanos, long toNanos) { return Math.round((toNanos - fromNanos) / 1e8) / 10.0; }

    /** Keeps the node down for a fixed time (the fault's length, not a wait for a condition). */
    private static void parkUntil(long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) LockSupport.parkNanos(deadlineNanos - System.nanoTime());
    }
}
