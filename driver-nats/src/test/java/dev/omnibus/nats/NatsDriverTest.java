package dev.omnibus.nats;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishException;
import dev.omnibus.StartFrom;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The driver's own mechanisms against a real nats-server, at the SPI where the kit cannot look: close gives
 * unsettled deliveries back at once (NAK, not after ackWait), maxInFlight bounds the pulls, and the
 * stream-level options and refusals of docs/drivers/nats.md.
 */
class NatsDriverTest {
    private BrokerFixture fixture;

    @BeforeEach
    void broker() { fixture = NatsFixtures.started(); }

    private Transport transport(Map<String, String> options) {
        URI u = URI.create(fixture.url());
        return new NatsDriver().connect(new DriverConfig("nats", u.getHost() + ":" + u.getPort(), null, null, "", options));
    }

    private static String topic() { return "driver.t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12); }

    private static Message message(int i) { return Message.ofBytes("dev.omnibus.test.N", new byte[] {(byte) i}, null); }

    private static ReceiveOptions group(String g, int maxInFlight) {
        return ReceiveOptions.builder().group(g).startFrom(StartFrom.EARLIEST).ordering(Ordering.NONE).maxInFlight(maxInFlight).build();
    }

    @Test
    void closeGivesUnsettledDeliveriesBackAtOnceToTheNextMember() throws Exception {
        try (Transport t = transport(Map.of("ackWait", "10m"))) {
            String topic = topic();
            for (int i = 0; i < 3; i++) t.send(topic, message(i)).get(30, TimeUnit.SECONDS);
            ConcurrentLinkedQueue<Inbound> first = new ConcurrentLinkedQueue<>();
            TransportSubscription s1 = t.receive(topic, group("g", 10), first::add);
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 3);
            assertThat(first).allSatisfy(i -> assertThat(i.deliveryCount()).isEqualTo(1));
            s1.stopReceiving();
            s1.close();

            ConcurrentLinkedQueue<Inbound> second = new ConcurrentLinkedQueue<>();
            TransportSubscription s2 = t.receive(topic, group("g", 10), second::add);
            // with ackWait 10 minutes, only the NAKs of close() can bring them back within the wait
            await().atMost(Duration.ofSeconds(60)).until(() -> second.size() == 3);
            assertThat(second).allSatisfy(i -> assertThat(i.deliveryCount()).isEqualTo(2));
            assertThat(second.stream().map(i -> i.message().id()).toList())
                    .containsExactlyElementsOf(first.stream().map(i -> i.message().id()).toList());
            second.forEach(Inbound::ack);
            s2.close();
        }
    }

    @Test
    void unsettledDeliveriesNeverExceedMaxInFlight() throws Exception {
        try (Transport t = transport(Map.of())) {
            String topic = topic();
            for (int i = 0; i < 30; i++) t.send(topic, message(i)).get(30, TimeUnit.SECONDS);
            ConcurrentLinkedQueue<Inbound> got = new ConcurrentLinkedQueue<>();
            TransportSubscription s = t.receive(topic, group("bounded", 5), got::add);
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 5);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> got.size() == 5);
            got.poll().ack();
            got.poll().ack();
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 5);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> got.size() == 5);
            s.close();
        }
    }

    @Test
    void withoutCreateStreamsAMissingStreamIsNamed() {
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(fixture.url()).option("createStreams", "false").build())) {
            String topic = topic();
            assertThatThrownBy(() -> bus.publish(topic, message(1)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(PublishException.class).hasMessageContaining(topic.replace('.', '_'))
                    .hasMessageContaining("createStreams=false");
        }
    }

    @Test
    void topicsDifferingOnlyInDotAndUnderscoreAreRefused() throws Exception {
        try (Messaging bus = Messaging.connect(fixture.url())) {
            String topic = topic();
            bus.publish(topic, message(1)).get(30, TimeUnit.SECONDS);
            String twin = topic.replace('.', '_');
            assertThatThrownBy(() -> bus.publish(twin, message(2)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConfigurationException.class).hasMessageContaining(twin).hasMessageContaining("rename");
        }
    }

    @Test
    void memoryStorageIsNotDeclaredDurable() throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("storage", "memory");
        o.put("maxAge", "1h");
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(fixture.url()).options(o).build());
             Connection nats = NatsFixtures.nativeConnection(fixture)) {
            assertThat(bus.capabilities()).doesNotContain(Capability.DURABLE, Capability.PER_KEY_ORDERING)
                    .contains(Capability.CONSUMER_GROUPS, Capability.REPLAY, Capability.REQUEST_REPLY);
            String topic = topic();
            bus.publish(topic, message(1)).get(30, TimeUnit.SECONDS);
            var config = nats.jetStreamManagement().getStreamInfo(topic.replace('.', '_')).getConfiguration();
            assertThat(config.getStorageType()).isEqualTo(StorageType.Memory);
            assertThat(config.getMaxAge()).isEqualTo(Duration.ofHours(1));
        }
        try (Messaging bus = Messaging.connect(fixture.url())) {
            assertThat(bus.capabilities()).contains(Capability.DURABLE);
        }
    }

    @Test
    void maxMessageBytesAboveTheServersMaxPayloadIsRefused() {
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder(fixture.url())
                .option("maxMessageBytes", Long.toString(16L * 1024 * 1024)).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxMessageBytes").hasMessageContaining("max_payload");
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(fixture.url()).option("maxMessageBytes", "1000").build())) {
            assertThat(bus.maxMessageBytes()).isEqualTo(1000);
        }
    }

    @Test
    void defaultPerKeyOrderingFailsFastNamingTheCapability() {
        try (Messaging bus = Messaging.connect(fixture.url())) {
            assertThatThrownBy(() -> bus.subscribe(topic(), dev.omnibus.SubscribeOptions.group("g"), d -> { }))
                    .isInstanceOf(dev.omnibus.UnsupportedCapabilityException.class).hasMessageContaining("PER_KEY_ORDERING");
        }
    }
}
