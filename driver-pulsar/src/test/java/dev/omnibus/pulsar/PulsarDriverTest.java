package dev.omnibus.pulsar;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetters;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.FreePorts;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Pulsar-specific behaviour against a real broker: wire format, bad input, tenancy, ordering after nack. */
class PulsarDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static BrokerFixture broker;
    private static PulsarClient nativeClient;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = PulsarFixtures.shared();
        nativeClient = PulsarClient.builder().serviceUrl(broker.url()).build();
    }

    @AfterAll
    static void closeClient() throws Exception {
        if (nativeClient != null) nativeClient.close();
    }

    private static Messaging connect(String url, Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(broker.options());
        options.putAll(extra);
        return Messaging.connect(MessagingConfig.builder(url).options(options).build());
    }

    private static Messaging connect() { return connect(broker.url(), Map.of()); }

    private static String topic() { return "t-" + UUID.randomUUID().toString().substring(0, 8); }

    private static Consumer<byte[]> nativeConsumer(String fullTopic) throws Exception {
        return nativeClient.newConsumer(Schema.BYTES).topic(fullTopic).subscriptionName("native-" + UUID.randomUUID())
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
    }

    @Test
    void plainPulsarConsumerReadsTheCloudEventsProperties() throws Exception {
        String topic = topic();
        Instant time = Instant.parse("2026-01-02T03:04:05.123456Z");
        try (Messaging bus = connect(); Consumer<byte[]> plain = nativeConsumer("persistent://public/default/" + topic)) {
            Message m = Message.builder().type("com.acme.OrderPlaced").source("/shop").subject("order-7")
                    .time(time).dataSchema("https://acme.example/order.json").key("order-7")
                    .extension("tenantid", "acme").data("{\"n\":7}".getBytes(StandardCharsets.UTF_8), "application/json")
                    .build();
            bus.publish(topic, m).get(30, TimeUnit.SECONDS);

            org.apache.pulsar.client.api.Message<byte[]> got = plain.receive(30, TimeUnit.SECONDS);
            assertThat(got).as("native consumer got the message").isNotNull();
            assertThat(got.getKey()).isEqualTo("order-7");
            assertThat(new String(got.getValue(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":7}");
            assertThat(got.getProperties()).containsEntry("ce_specversion", "1.0")
                    .containsEntry("ce_id", m.id())
                    .containsEntry("ce_source", "/shop")
                    .containsEntry("ce_type", "com.acme.OrderPlaced")
                    .containsEntry("ce_subject", "order-7")
                    .containsEntry("ce_time", "2026-01-02T03:04:05.123456Z")
                    .containsEntry("ce_dataschema", "https://acme.example/order.json")
                    .containsEntry("ce_tenantid", "acme")
                    .containsEntry("content-type", "application/json")
                    .doesNotContainKey("ce_partitionkey");
        }
    }

    /**
     * PER_KEY ordering on Key_Shared needs batches of one key each: a batch goes whole to the consumer of its first
     * key. A burst of 300 messages over 10 keys, read back by a plain consumer: every broker entry (ledger, entry)
     * holds messages of one key. (The pass-through options once reset the producer to the default batcher, whose
     * batches mix keys, with no option set.)
     */
    @Test
    void everyBatchHoldsMessagesOfOneKey() throws Exception {
        String topic = topic();
        try (Messaging bus = connect(); Consumer<byte[]> plain = nativeConsumer("persistent://public/default/" + topic)) {
            List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(bus.publish(topic, Message.builder().type("com.acme.X").key("k" + (i % 10))
                        .data(new byte[] {(byte) i}, "application/octet-stream").build()));
            }
            for (var f : sent) f.get(30, TimeUnit.SECONDS);
            Map<String, java.util.Set<String>> keysByEntry = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                org.apache.pulsar.client.api.Message<byte[]> got = plain.receive(30, TimeUnit.SECONDS);
                assertThat(got).as("message %d of 300", i).isNotNull();
                org.apache.pulsar.client.impl.MessageIdImpl id = (org.apache.pulsar.client.impl.MessageIdImpl) got.getMessageId();
                keysByEntry.computeIfAbsent(id.getLedgerId() + ":" + id.getEntryId(), e -> new java.util.TreeSet<>()).add(got.getKey());
            }
            assertThat(keysByEntry.values()).as("keys per broker entry (batch)").allSatisfy(keys -> assertThat(keys).hasSize(1));
            assertThat(keysByEntry.size()).as("entries: the burst was batched").isLessThan(300);
        }
    }

    @Test
    void nativePropertiesBecomeTheSameMessage() throws Exception {
        String topic = topic();
        List<Message> received = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect()) {
            bus.subscribe(topic, SubscribeOptions.defaults(), d -> received.add(d.message()));
            Message m = Message.builder().type("com.acme.X").key("k1").extension("traceparent", "00-abc-def-01")
                    .data(new byte[] {1, 2, 3}, "application/octet-stream").build();
            bus.publish(topic, m).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> received.size() == 1);
            assertThat(received.get(0)).isEqualTo(m);
        }
    }

    @Test
    void foreignMessageIsDeadLetteredWithTheReasonAndTheSubscriptionGoesOn() throws Exception {
        String topic = topic();
        List<Message> handled = new CopyOnWriteArrayList<>();
        List<Message> dead = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect()) {
            bus.subscribe(topic + DeadLetters.DEFAULT_SUFFIX, SubscribeOptions.group("dlq-reader").ordering(Ordering.NONE)
                    .startFrom(StartFrom.EARLIEST), d -> dead.add(d.message()));
            bus.subscribe(topic, SubscribeOptions.group("workers"), d -> handled.add(d.message()));
            broker.foreignPublisher().orElseThrow().publish(topic, "k-foreign", "not an envelope".getBytes(StandardCharsets.UTF_8),
                    Map.of("x-origin", "legacy"));
            bus.publish(topic, Message.of("com.acme.After", "ok").withKey("k-foreign")).get(30, TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> handled.size() == 1 && dead.size() == 1);
            assertThat(handled.get(0).type()).isEqualTo("com.acme.After");
            Message letter = dead.get(0);
            assertThat(letter.dataAsString()).isEqualTo("not an envelope");
            assertThat(letter.key()).isEqualTo("k-foreign");
            assertThat(letter.extension(DeadLetters.ERROR_TYPE)).isEqualTo(InvalidEnvelopeException.class.getName());
            assertThat(letter.extension(DeadLetters.ERROR_MESSAGE)).contains("ce_");
            assertThat(letter.extension(DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic);
        }
    }

    @Test
    void unreachableServiceUrlFailsWithinTheConnectTimeout() {
        int closedPort = FreePorts.next();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                assertThatThrownBy(() -> Messaging.connect("pulsar://127.0.0.1:" + closedPort + "?connectTimeout=2s"))
                        .isInstanceOf(BrokerUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + closedPort));
    }

    @Test
    void tooLargeMessageNamesSizeAndLimit() throws Exception {
        try (Messaging bus = connect()) {
            String topic = topic();
            byte[] oneMiB = new byte[1024 * 1024];
            bus.publish(topic, Message.ofBytes("com.acme.Big", oneMiB, null)).get(60, TimeUnit.SECONDS);

            byte[] tooBig = new byte[5 * 1024 * 1024 + 1];
            assertThatThrownBy(() -> bus.publish(topic, Message.ofBytes("com.acme.TooBig", tooBig, null)).get(60, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MessageTooLargeException.class)
                    .satisfies(e -> {
                        MessageTooLargeException t = (MessageTooLargeException) e.getCause();
                        assertThat(t.limit()).isEqualTo(5 * 1024 * 1024);
                        assertThat(t.size()).isGreaterThan(t.limit());
                        assertThat(t.getMessage()).contains(Long.toString(t.size())).contains(Long.toString(t.limit()));
                    });
        }
    }

    @Test
    void missingNamespaceOrTenantIsNamed() {
        assertThatThrownBy(() -> connect(broker.url(), Map.of("namespace", "no-such-ns")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("public/no-such-ns");
        assertThatThrownBy(() -> connect(broker.url() + "/no-such-tenant/default", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no-such-tenant/default");
    }

    @Test
    void unknownOptionIsRejected() {
        assertThatThrownBy(() -> connect(broker.url() + "?fooBar=1", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fooBar").hasMessageContaining("namespace");
        assertThatThrownBy(() -> connect(broker.url() + "/public/default", Map.of("namespace", "other")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("namespace");
    }

    @Test
    void passThroughOptionsReachTheNativeClient() throws Exception {
        String topic = topic();
        List<Message> received = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect(broker.url(), Map.of("pulsar.producer.compressionType", "LZ4",
                "pulsar.consumer.consumerName", "omnibus-test", "pulsar.statsIntervalSeconds", "0"))) {
            bus.subscribe(topic, SubscribeOptions.defaults(), d -> received.add(d.message()));
            Message m = Message.of("com.acme.Compressed", "x".repeat(10_000));
            bus.publish(topic, m).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> received.size() == 1);
            assertThat(received.get(0)).isEqualTo(m);
        }
        assertThatThrownBy(() -> connect(broker.url(), Map.of("pulsar.producer.compressionType", "NOPE")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("pulsar.producer");
    }

    @Test
    void topicsLiveInTheConfiguredTenantAndNamespace() throws Exception {
        String ns = "omnibus-" + UUID.randomUUID().toString().substring(0, 6);
        String adminUrl = broker.options().get("adminUrl");
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(adminUrl + "/admin/v2/namespaces/public/" + ns))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("create namespace: " + created.body()).isBetween(200, 299);

        for (Messaging bus : List.of(connect(broker.url() + "/public/" + ns, Map.of()),
                connect(broker.url(), Map.of("tenant", "public", "namespace", ns)))) {
            String topic = topic();
            try (bus; Consumer<byte[]> plain = nativeConsumer("persistent://public/" + ns + "/" + topic)) {
                Message m = Message.of("com.acme.Tenanted", "hi");
                bus.publish(topic, m).get(30, TimeUnit.SECONDS);
                org.apache.pulsar.client.api.Message<byte[]> got = plain.receive(30, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(got.getProperty("ce_id")).isEqualTo(m.id());
                plain.unsubscribe();
            }
        }
    }

    @Test
    void requestReplyRoundTrip() throws Exception {
        String topic = topic();
        try (Messaging server = connect(); Messaging client = connect()) {
            server.respond(topic, SubscribeOptions.group("pricing"), d -> Message.ofBytes("com.acme.Quote",
                    (d.message().dataAsString() + "!").getBytes(StandardCharsets.UTF_8), "text/plain"));
            List<java.util.concurrent.CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(client.request(topic, Message.ofBytes("com.acme.Ask", ("q" + i).getBytes(StandardCharsets.UTF_8),
                        "text/plain"), Duration.ofSeconds(60)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(replies.get(i).get(60, TimeUnit.SECONDS).dataAsString()).isEqualTo("q" + i + "!");
            }
        }
    }

    /** SPI level: a nack hands the same message again before any later message of its key. */
    @Test
    void nackRedeliversInKeyOrder() throws Exception {
        String topic = topic();
        Transport transport = new PulsarDriver().connect(new DriverConfig("pulsar", broker.url().substring("pulsar://".length()),
                null, null, "", Map.of("adminUrl", broker.options().getOrDefault("adminUrl", "http://127.0.0.1:8080"),
                "nackRedeliveryDelay", "50ms")));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        boolean[] nackedOnce = {false};
        try {
            TransportSubscription sub = transport.receive(topic, ReceiveOptions.builder().group("g").ordering(Ordering.PER_KEY)
                    .maxInFlight(10).build(), (Inbound in) -> {
                String body = in.message().dataAsString();
                seen.add(body + "#" + in.deliveryCount());
                synchronized (nackedOnce) {
                    if (body.equals("\"m1\"") && !nackedOnce[0]) {
                        nackedOnce[0] = true;
                        in.nack();
                        return;
                    }
                }
                in.ack();
            });
            for (int i = 1; i <= 5; i++) transport.send(topic, Message.of("com.acme.N", "m" + i).withKey("k")).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> seen.size() == 6);
            assertThat(seen).containsExactly("\"m1\"#1", "\"m1\"#2", "\"m2\"#1", "\"m3\"#1", "\"m4\"#1", "\"m5\"#1");
            sub.stopReceiving();
            sub.close();
        } finally {
            transport.close();
        }
    }

    /** SPI level: never more than maxInFlight unsettled inbounds. */
    @Test
    void neverMoreThanMaxInFlightUnsettled() throws Exception {
        String topic = topic();
        try (Messaging bus = connect()) {
            List<Inbound> held = new CopyOnWriteArrayList<>();
            Transport transport = new PulsarDriver().connect(new DriverConfig("pulsar", broker.url().substring("pulsar://".length()),
                    null, null, "", Map.of("adminUrl", broker.options().getOrDefault("adminUrl", "http://127.0.0.1:8080"))));
            try {
                TransportSubscription sub = transport.receive(topic, ReceiveOptions.builder().group("g").ordering(Ordering.NONE)
                        .maxInFlight(3).build(), held::add);
                for (int i = 0; i < 10; i++) bus.publish(topic, Message.of("com.acme.F", i)).get(30, TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> held.size() == 3);
                await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> held.size() == 3);
                held.get(0).ack();
                await().atMost(WAIT).until(() -> held.size() == 4);
                sub.stopReceiving();
                held.forEach(Inbound::ack); // acks still work after stopReceiving
                sub.close();
            } finally {
                transport.close();
            }
        }
    }

    @Test
    void groupLessSubscriptionSeesWhatIsPublishedAfterItStarts() throws Exception {
        String topic = topic();
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect()) {
            Subscription sa = bus.subscribe(topic, SubscribeOptions.defaults(), d -> a.add(d.id()));
            Subscription sb = bus.subscribe(topic, SubscribeOptions.defaults(), d -> b.add(d.id()));
            Message m = Message.of("com.acme.Fan", "x");
            bus.publish(topic, m).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> a.size() == 1 && b.size() == 1);
            sa.close();
            sb.close();
        }
    }

    /** The version comes from the broker's CONNECTED answer, so it is known even when the admin API is not reachable. */
    @Test
    void brokerDescriptionHasTheVersionEvenWithoutTheAdminApi() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) { closed = s.getLocalPort(); }
        try (Messaging bus = connect(broker.url(), Map.of("adminUrl", "http://127.0.0.1:" + closed))) {
            assertThat(bus.brokerDescription()).matches("Apache Pulsar \\d+\\.\\d+\\.\\d+\\S*").isEqualTo("Apache Pulsar 4.0.7");
        }
    }
}
