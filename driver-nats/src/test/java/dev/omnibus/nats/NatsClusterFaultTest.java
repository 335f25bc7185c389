package dev.omnibus.nats;

import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.BrokerKit;
import dev.omnibus.conformance.faults.SteadyPublisher;
import dev.omnibus.conformance.fixtures.NatsProcessCluster;
import dev.omnibus.conformance.history.History;
import dev.omnibus.nats.internal.Names;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An R3 stream on a 3-node JetStream cluster ({@link NatsProcessCluster}, local nats-server processes) through
 * the loss of the stream's leader: a steady keyed publisher (8 keys, 200 msg/s) and a consumer group
 * (concurrency 4) run while the node leading the topic's stream is SIGKILLed, stays down a few seconds and is
 * restarted. The {@link History} must show no acknowledged message lost; publishes must be acknowledged and
 * delivered both while the node is down (a new leader was elected) and after it rejoined. Measured figures go
 * to {@code target/history/} and standard output.
 */
class NatsClusterFaultTest extends BrokerKit {
    private static final int KEYS = 8;
    private static final Duration DOWN = Duration.ofSeconds(5);

    @Override
    protected BrokerFixture createFixture() {
        assumeTrue(NatsProcessCluster.isInstalled(), "nats-server is not installed: no local cluster");
        return new NatsProcessCluster(3);
    }

    @Override protected Duration patience() { return Duration.ofSeconds(90); }

    @Test
    void streamLeaderKilledMidStreamLosesNoAcknowledgedMessage() throws Exception {
        NatsProcessCluster cluster = (NatsProcessCluster) fixture();
        awaitR3Placement(cluster);
        Map<String, String> r3 = Map.of("replicas", "3", "publishTimeout", "5s", "nats.reconnectWait", "250ms");
        Messaging consumer = connect(r3);
        Messaging producer = connect(r3);
        String t = topic("leader");
        String g = group("r3");
        History h = history();
        track(consumer.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200))),
                d -> h.delivered(g, d)));
        double electionSeconds;
        double rejoinSeconds;
        String victim;
        String newLeader;
        try (SteadyPublisher publisher = new SteadyPublisher(producer, t, h, KEYS, 200, patience());
             Connection admin = Nats.connect(new Options.Builder().servers(java.util.Arrays.stream(cluster.url().substring("nats://".length()).split(","))
                     .map(s -> "nats://" + s).toArray(String[]::new))
                     .maxReconnects(-1).build())) {
            eventually().until(() -> h.receivedUnique(g) > 200);
            ClusterInfo before = streamInfo(admin, t).getClusterInfo();
            assertThat(before.getReplicas()).as("replicas of the topic's stream").hasSize(2);
            victim = before.getLeader();
            int v = cluster.indexOf(victim);
            assertThat(v).as("leader %s is a node of the cluster", victim).isNotNegative();

            long killedAt = System.nanoTime();
            cluster.kill(v);
            eventually().ignoreExceptions().until(() -> {
                String leader = streamInfo(admin, t).getClusterInfo().getLeader();
                return leader != null && !leader.equals(victim);
            });
            electionSeconds = seconds(killedAt, System.nanoTime());
            newLeader = streamInfo(admin, t).getClusterInfo().getLeader();
            long ackedWhileDown = h.verdict(g).acknowledged();
            long receivedWhileDown = h.receivedUnique(g);
            eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                    .as("publishes acknowledged with %s down, %s", victim, h.verdict(g)).isGreaterThan(ackedWhileDown + 100));
            eventually().until(() -> h.receivedUnique(g) > receivedWhileDown + 100);
            parkUntil(killedAt + DOWN.toNanos());

            long restartedAt = System.nanoTime();
            cluster.restart(v);
            eventually().ignoreExceptions().untilAsserted(() -> assertThat(streamInfo(admin, t).getClusterInfo().getReplicas())
                    .as("replicas after %s restarted", victim).hasSize(2).allSatisfy(r -> assertThat(r.isCurrent()).isTrue()));
            rejoinSeconds = seconds(restartedAt, System.nanoTime());
            long ackedAfterRestart = h.verdict(g).acknowledged();
            eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                    .as("publishes acknowledged after %s rejoined, %s", victim, h.verdict(g)).isGreaterThan(ackedAfterRestart + 200));
            long receivedAfterRestart = h.receivedUnique(g);
            eventually().until(() -> h.receivedUnique(g) > receivedAfterRestart + 200);
        }
        eventually().untilAsserted(() -> assertThat(h.verdict(g).lost()).as("acknowledged but not received (yet), %s", h.verdict(g)).isZero());
        History.Verdict verdict = h.verdict(g);
        recoverySeconds(h, electionSeconds);
        System.out.printf("[nats-cluster-fault] killed stream leader %s; new leader %s after %.1f s; rejoined in %.1f s; %s%n",
                victim, newLeader, electionSeconds, rejoinSeconds, verdict);
        assertThat(verdict.lost()).as("lost, %s", verdict).isZero();
        assertThat(verdict.acknowledged()).as("acknowledged, %s", verdict).isGreaterThan(1000);
    }

    /** The metadata leader is elected before every peer is known: R3 placement fails until then ("no suitable peers"). */
    private void awaitR3Placement(NatsProcessCluster cluster) throws Exception {
        try (Connection probe = Nats.connect(new Options.Builder().servers(java.util.Arrays.stream(cluster.url().substring("nats://".length())
                .split(",")).map(s -> "nats://" + s).toArray(String[]::new)).build())) {
            String name = "placement_probe_" + System.nanoTime();
            eventually().ignoreExceptions().until(() -> {
                probe.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name(name)
                        .subjects(name).replicas(3).build());
                return true;
            });
            probe.jetStreamManagement().deleteStream(name);
        }
    }

    private static StreamInfo streamInfo(Connection admin, String topic) throws Exception {
        return admin.jetStreamManagement().getStreamInfo(Names.stream(topic));
    }

    private static double seconds(long fromNanos, long toNanos) { return Math.round((toNanos - fromNanos) / 1e8) / 10.0; }

    /** Keeps the node down for a fixed time (the fault's length, not a wait for a condition). */
    private static void parkUntil(long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) LockSupport.parkNanos(deadlineNanos - System.nanoTime());
    }
}
