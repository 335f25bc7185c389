package dev.omnibus.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.UnsupportedCapabilityException;
import dev.omnibus.conformance.BrokerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Driver-specific behaviour against the real broker: wire format, topology, bad input, request/reply, streams. */
class RabbitMqDriverTest {
    private final BrokerFixture broker = RabbitMqBroker.get();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    private Messaging connect(String... options) {
        MessagingConfig.Builder b = MessagingConfig.builder(broker.url()).option("closeTimeout", "5s");
        for (int i = 0; i < options.length; i += 2) b.option(options[i], options[i + 1]);
        Messaging m = Messaging.connect(b.build());
        toClose.add(m);
        return m;
    }

    private static String topic(String purpose) { return "drv." + purpose + "." + UUID.randomUUID().toString().substring(0, 8); }

    private static Message text(String s) {
        return Message.builder().type("dev.omnibus.test.Text").data(s.getBytes(StandardCharsets.UTF_8), "text/plain").build();
    }

    @AfterEach
    void close() {
        for (AutoCloseable c : toClose) {
            try { c.close(); } catch (Exception ignored) { /* best effort */ }
        }
    }

    @Test
    void plainAmqpClientReadsTheCloudEventsApplicationProperties() throws Exception {
        Messaging bus = connect();
        String t = topic("wire");
        Connection c = RabbitMqFixtures.nativeConnection(broker);
        toClose.add(c);
        Channel ch = c.createChannel();
        ch.exchangeDeclare(t, "topic", true);
        String q = ch.queueDeclare("", false, true, true, null).getQueue();
        ch.queueBind(q, t, "#");
        AtomicReference<AMQP.BasicProperties> props = new AtomicReference<>();
        AtomicReference<byte[]> body = new AtomicReference<>();
        ch.basicConsume(q, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] b) {
                body.set(b);
                props.set(p);
            }
        });
        Message m = Message.builder().id("wire-1").source("/test/wire").type("dev.omnibus.test.Wire").subject("s-1")
                .time(Instant.parse("2024-01-02T03:04:05.123456Z")).dataSchema("https://schemas.example.com/w.json")
                .key("order-7").extension("tenantid", "acme")
                .data("{\"x\":1}".getBytes(StandardCharsets.UTF_8), "application/json").build();
        bus.publish(t, m).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> props.get() != null);
        AMQP.BasicProperties p = props.get();
        Map<String, Object> h = p.getHeaders();
        assertThat(h.get("cloudEvents:specversion")).hasToString("1.0");
        assertThat(h.get("cloudEvents:id")).hasToString("wire-1");
        assertThat(h.get("cloudEvents:source")).hasToString("/test/wire");
        assertThat(h.get("cloudEvents:type")).hasToString("dev.omnibus.test.Wire");
        assertThat(h.get("cloudEvents:subject")).hasToString("s-1");
        assertThat(h.get("cloudEvents:time")).hasToString("2024-01-02T03:04:05.123456Z");
        assertThat(h.get("cloudEvents:dataschema")).hasToString("https://schemas.example.com/w.json");
        assertThat(h.get("cloudEvents:partitionkey")).hasToString("order-7");
        assertThat(h.get("cloudEvents:tenantid")).hasToString("acme");
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getMessageId()).isEqualTo("wire-1");
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(new String(body.get(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
    }

    @Test
    void messageFromAPlainAmqpProducerWithTheBindingIsReadAsAnEnvelope() throws Exception {
        Messaging bus = connect();
        String t = topic("native-in");
        ConcurrentLinkedQueue<Delivery> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(t, SubscribeOptions.group("g"), got::add);
        RabbitMqFixtures.publishForeign(broker, t, "k1", "hello".getBytes(StandardCharsets.UTF_8), Map.of(
                "cloudEvents:specversion", "1.0", "cloudEvents:id", "native-1", "cloudEvents:source", "/legacy",
                "cloudEvents:type", "com.example.Legacy", "cloudEvents:traceparent", "00-abc"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !got.isEmpty());
        Message m = got.peek().message();
        assertThat(m.id()).isEqualTo("native-1");
        assertThat(m.key()).isEqualTo("k1");
        assertThat(m.extension("traceparent")).isEqualTo("00-abc");
        assertThat(m.dataAsString()).isEqualTo("hello");
    }

    @Test
    void foreignMessageIsDeadLetteredWithTheReasonAndTheSubscriptionGoesOn() throws Exception {
        Messaging bus = connect();
        String t = topic("foreign");
        ConcurrentLinkedQueue<Delivery> dlq = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Delivery> ok = new ConcurrentLinkedQueue<>();
        bus.subscribe(t + ".dlq", dlq::add);
        bus.subscribe(t, SubscribeOptions.group("g"), ok::add);
        RabbitMqFixtures.publishForeign(broker, t, "k", "legacy bytes".getBytes(StandardCharsets.UTF_8), Map.of("origin", "legacy"));
        Message good = text("good").withKey("k");
        bus.publish(t, good).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.stream().anyMatch(d -> d.id().equals(good.id())));
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.size() == 1);
        Message dead = dlq.peek().message();
        assertThat(dead.dataAsString()).isEqualTo("legacy bytes");
        assertThat(dead.key()).isEqualTo("k");
        assertThat(dead.extension(DeadLetters.ERROR_TYPE)).isEqualTo(InvalidEnvelopeException.class.getName());
        assertThat(dead.extension(DeadLetters.ERROR_MESSAGE)).contains("cloudEvents:id");
        assertThat(dead.extension(DeadLetters.POSITION)).contains(t + "|g");
    }

    @Test
    void groupQueuesAreShardedSingleActiveConsumerQuorumQueues() throws Exception {
        Messaging bus = connect("shards", "2");
        String t = topic("topology");
        bus.subscribe(t, SubscribeOptions.group("billing"), d -> {});
        Connection c = RabbitMqFixtures.nativeConnection(broker);
        toClose.add(c);
        Channel ch = c.createChannel();
        for (String q : List.of(t + "|billing|0/2", t + "|billing|1/2")) {
            assertThat(ch.queueDeclarePassive(q).getConsumerCount()).as(q).isEqualTo(1);
        }
        // redeclaring with the same arguments succeeds only if they are what the driver used
        ch.queueDeclare(t + "|billing|0/2", true, false, false, Map.of("x-queue-type", "quorum",
                "x-single-active-consumer", true, "x-delivery-limit", 50, "x-dead-letter-exchange", t + ".dlq"));
    }

    @Test
    void declaredGroupRetainsMessagesWithoutConsumer() throws Exception {
        Messaging bus = connect();
        String t = topic("retain");
        String g = "later";
        // a subscription that closes again makes the group exist; then publish while nobody consumes
        bus.subscribe(t, SubscribeOptions.group(g), d -> {}).close();
        Message m = text("kept").withKey("k");
        bus.publish(t, m).get(30, TimeUnit.SECONDS);
        ConcurrentLinkedQueue<Delivery> got = new ConcurrentLinkedQueue<>();
        connect().subscribe(t, SubscribeOptions.group(g), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.stream().anyMatch(d -> d.id().equals(m.id())));
    }

    @Test
    void wrongPasswordIsNamedWithoutThePassword() {
        String url = broker.url().replace("guest:guest@", "guest:s3cret-wrong@");
        assertThatThrownBy(() -> Messaging.connect(url))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("user 'guest'").hasMessageContaining("password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-wrong"));
    }

    @Test
    void unknownVirtualHostIsNamed() {
        assertThatThrownBy(() -> Messaging.connect(broker.url() + "/no-such-vhost"))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("virtual host 'no-such-vhost'");
    }

    @Test
    void silentOrClosedPortFailsWithinTheConnectTimeout() throws Exception {
        // a port that accepts TCP but never speaks AMQP: only the connect/handshake timeout ends the wait
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Messaging.connect("amqp://guest:guest@127.0.0.1:" + silent.getLocalPort() + "?connectTimeout=1s"))
                    .isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("connectTimeout=PT1S")
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { closedPort = s.getLocalPort(); }
        assertThatThrownBy(() -> Messaging.connect("amqp://guest:guest@127.0.0.1:" + closedPort + "?connectTimeout=1s"))
                .isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("unreachable");
    }

    @Test
    void messageOverMaxMessageBytesIsRejectedClientSide() {
        Messaging bus = connect("maxMessageBytes", "1000");
        assertThat(bus.capabilities()).contains(Capability.DURABLE);
        assertThatThrownBy(() -> bus.publish(topic("big"), Message.ofBytes("t", new byte[2000], null)).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(MessageTooLargeException.class).hasMessageContaining("1000").hasMessageContaining("maxMessageBytes");
    }

    @Test
    void unknownAndInvalidOptionsAreNamed() {
        assertThatThrownBy(() -> connect("shardz", "3")).isInstanceOf(ConfigurationException.class).hasMessageContaining("shardz");
        assertThatThrownBy(() -> connect("rabbitmq.noSuchSetting", "3")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rabbitmq.noSuchSetting").hasMessageContaining("rabbitmq.requestedHeartbeat");
        assertThatThrownBy(() -> connect("queueType", "lavinmq")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queueType").hasMessageContaining("lavinmq").hasMessageContaining("quorum");
        assertThatThrownBy(() -> connect("shards", "0")).isInstanceOf(ConfigurationException.class).hasMessageContaining("shards");
        Messaging ok = connect("rabbitmq.requestedHeartbeat", "30", "rabbitmq.queueType", "classic");
        assertThat(ok.capabilities()).contains(Capability.CONSUMER_GROUPS);
    }

    @Test
    void changingTheQueueTypeOfAnExistingGroupIsAClearError() {
        String t = topic("retype");
        connect().subscribe(t, SubscribeOptions.group("g"), d -> {});
        Messaging classic = connect("queueType", "classic");
        assertThatThrownBy(() -> classic.subscribe(t, SubscribeOptions.group("g"), d -> {}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PRECONDITION_FAILED")
                .hasMessageContaining("queueType");
    }

    @Test
    void requestReplyThroughDirectReplyTo() throws Exception {
        Messaging responder = connect();
        Messaging requester = connect();
        String t = topic("rpc");
        AtomicReference<String> seenReplyTo = new AtomicReference<>();
        responder.respond(t, SubscribeOptions.group("pricing"), req -> {
            seenReplyTo.set(req.message().extension("replyto"));
            return text("price of " + req.message().dataAsString());
        });
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < 50; i++) replies.add(requester.request(t, text("sku-" + i), Duration.ofSeconds(30)));
        for (int i = 0; i < 50; i++) assertThat(replies.get(i).get(60, TimeUnit.SECONDS).dataAsString()).isEqualTo("price of sku-" + i);
        assertThat(seenReplyTo.get()).startsWith("amq.rabbitmq.reply-to.");
    }

    @Test
    void streamsReplayFromTheFirstMessage() throws Exception {
        Messaging bus = connect("queueType", "stream");
        assertThat(bus.capabilities()).contains(Capability.REPLAY).doesNotContain(Capability.CONSUMER_GROUPS);
        String t = topic("stream");
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Message m = text("m" + i).withKey("k" + (i % 3));
            sent.add(m);
            bus.publish(t, m).get(30, TimeUnit.SECONDS);
        }
        ConcurrentLinkedQueue<Message> got = new ConcurrentLinkedQueue<>();
        connect("queueType", "stream").subscribe(t, SubscribeOptions.defaults().startFrom(StartFrom.EARLIEST), d -> got.add(d.message()));
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= 20);
        assertThat(got).extracting(Message::id).containsExactlyInAnyOrderElementsOf(sent.stream().map(Message::id).toList());
        for (String key : List.of("k0", "k1", "k2")) { // per-key publish order (keys run on parallel lanes)
            assertThat(got.stream().filter(m -> key.equals(m.key())).map(Message::id).toList())
                    .containsExactlyElementsOf(sent.stream().filter(m -> key.equals(m.key())).map(Message::id).toList());
        }
        ConcurrentLinkedQueue<String> latest = new ConcurrentLinkedQueue<>();
        connect("queueType", "stream").subscribe(t, SubscribeOptions.defaults().startFrom(StartFrom.LATEST), d -> latest.add(d.id()));
        Message fresh = text("fresh");
        bus.publish(t, fresh).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> latest.contains(fresh.id()));
        assertThat(latest).containsExactly(fresh.id());
    }

    @Test
    void earliestWithoutStreamsFailsFast() {
        Messaging bus = connect();
        assertThat(bus.capabilities()).doesNotContain(Capability.REPLAY);
        assertThatThrownBy(() -> bus.subscribe(topic("x"), SubscribeOptions.group("g").startFrom(StartFrom.EARLIEST), d -> {}))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("REPLAY");
    }
}
