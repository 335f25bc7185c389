package dev.omnibus.schema;

import dev.omnibus.Capability;
import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Schema evolution on a real broker: a v1 producer with a v2 consumer, a v2 producer with a v1 consumer (JSON
 * Schema and Avro), and the messages a consumer cannot read (incompatible version, unknown schema)
 * dead-lettered with the reason while the next message of the same key is still delivered. One subclass per
 * broker supplies the URL and options.
 */
abstract class SchemaEvolutionScenarios {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<Messaging> opened = new ArrayList<>();
    private String testName;

    /** The started broker (a conformance-tests fixture). */
    abstract BrokerFixture broker();

    /** Starts {@code fixture} for a test class, or skips the class when it cannot run here. */
    static BrokerFixture started(BrokerFixture fixture, boolean available, String unavailable) throws Exception {
        assumeTrue(available, unavailable);
        fixture.start();
        return fixture;
    }

    static void close(BrokerFixture fixture) { if (fixture != null) fixture.close(); }

    @org.junit.jupiter.api.BeforeEach void name(TestInfo info) { testName = info.getTestMethod().orElseThrow().getName(); }

    @AfterEach void closeAll() {
        for (Messaging m : opened) m.close();
        opened.clear();
    }

    private Messaging connect() {
        Messaging m = Messaging.connect(MessagingConfig.builder(broker().url()).options(broker().options()).option("closeTimeout", "5s").build());
        opened.add(m);
        return m;
    }

    private String topic() {
        return "schema-" + testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A consumer group reading from the start where the broker can replay (Kafka, Pulsar, memory); RabbitMQ
     * queues bind at subscribe time, before anything is published. */
    private static SubscribeOptions group(Messaging bus, String name) {
        SubscribeOptions o = SubscribeOptions.group(name);
        return bus.capabilities().contains(Capability.REPLAY) ? o.startFrom(StartFrom.EARLIEST) : o;
    }

    private static void publish(Messaging bus, String topic, Message m) throws Exception {
        bus.publish(topic, m).get(60, TimeUnit.SECONDS);
    }

    @Test void aV2ConsumerReadsV1EventsAndAV1ConsumerReadsV2Events() throws Exception {
        SchemaRegistry registry = new InMemorySchemaRegistry();
        Contracts producerSide = Contracts.using(registry);
        Contracts consumerSide = Contracts.using(registry); // another service: its own caches, the same registry
        String topic = topic();
        Queue<TestSchemas.OrderV2> v2Seen = new ConcurrentLinkedQueue<>();
        Queue<TestSchemas.OrderV1> v1Seen = new ConcurrentLinkedQueue<>();
        try (Messaging producer = connect(); Messaging consumer = connect()) {
            producerSide.bind(ContractsTest.JSON_V1);
            producerSide.bind(ContractsTest.JSON_V2);
            consumer.subscribe(topic, group(consumer, "v2-service"), consumerSide.handler(ContractsTest.JSON_V2, (o, d) -> v2Seen.add(o)));
            consumer.subscribe(topic, group(consumer, "v1-service"), consumerSide.handler(ContractsTest.JSON_V1, (o, d) -> v1Seen.add(o)));
            publish(producer, topic, producerSide.message(ContractsTest.JSON_V1, new TestSchemas.OrderV1("o-1", "c-1", 10)).withKey("c-1"));
            publish(producer, topic, producerSide.message(ContractsTest.JSON_V2, new TestSchemas.OrderV2("o-2", "c-1", 20, "EUR", "eu")).withKey("c-1"));
            await().atMost(WAIT).until(() -> v2Seen.size() == 2 && v1Seen.size() == 2);
        }
        assertThat(v2Seen).containsExactly(new TestSchemas.OrderV2("o-1", "c-1", 10, "USD", null),
                new TestSchemas.OrderV2("o-2", "c-1", 20, "EUR", "eu"));
        assertThat(v1Seen).containsExactly(new TestSchemas.OrderV1("o-1", "c-1", 10), new TestSchemas.OrderV1("o-2", "c-1", 20));
    }

    @Test void avroBinaryEventsResolveBetweenVersionsOnTheWire() throws Exception {
        Contracts contracts = Contracts.using(new InMemorySchemaRegistry());
        EventType<GenericRecord> v1 = EventType.avro("orders.avro", ContractsTest.AVRO_V1).version(1).build();
        EventType<GenericRecord> v2 = EventType.avro("orders.avro", ContractsTest.AVRO_V2).version(2).build();
        contracts.bind(v1);
        contracts.bind(v2);
        String topic = topic();
        Queue<String> v2Seen = new ConcurrentLinkedQueue<>();
        Queue<String> v1Seen = new ConcurrentLinkedQueue<>();
        try (Messaging bus = connect()) {
            bus.subscribe(topic, group(bus, "v2"), contracts.handler(v2, (r, d) -> v2Seen.add(r.get("orderId") + "/" + r.get("currency"))));
            bus.subscribe(topic, group(bus, "v1"), contracts.handler(v1, (r, d) -> v1Seen.add(r.get("orderId") + "/" + r.get("total"))));
            publish(bus, topic, contracts.message(v1, ContractsTest.avroV1("a-1", 1.5)).withKey("k"));
            publish(bus, topic, contracts.message(v2, ContractsTest.avroV2("a-2", 2.5, "EUR", "eu")).withKey("k"));
            await().atMost(WAIT).until(() -> v2Seen.size() == 2 && v1Seen.size() == 2);
        }
        assertThat(v2Seen).containsExactly("a-1/USD", "a-2/EUR");
        assertThat(v1Seen).containsExactly("a-1/1.5", "a-2/2.5");
    }

    @Test void unreadableEventsAreDeadLetteredWithTheReasonAndTheKeyMovesOn() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Contracts contracts = Contracts.using(registry);
        contracts.bind(ContractsTest.JSON_V1);
        registry.compatibility("orders.placed", CompatibilityMode.NONE);
        EventType<com.fasterxml.jackson.databind.JsonNode> retyped = EventType.jsonSchema("orders.placed",
                com.fasterxml.jackson.databind.JsonNode.class, TestSchemas.JSON_TOTAL_AS_STRING).build();
        String topic = topic();
        Queue<TestSchemas.OrderV1> handled = new ConcurrentLinkedQueue<>();
        Queue<Delivery> dead = new ConcurrentLinkedQueue<>();
        try (Messaging bus = connect()) {
            bus.subscribe(topic + DeadLetters.DEFAULT_SUFFIX, group(bus, "dlq-reader"), dead::add);
            bus.subscribe(topic, group(bus, "billing"), contracts.handler(ContractsTest.JSON_V1, (o, d) -> handled.add(o)));
            publish(bus, topic, contracts.message(retyped, JsonSchemasTestData.node(
                    "{\"orderId\": \"bad\", \"customerId\": \"c\", \"total\": \"12\", \"currency\": \"USD\"}")).withKey("k"));
            publish(bus, topic, contracts.message(ContractsTest.JSON_V1, new TestSchemas.OrderV1("o-1", "c", 1)).withKey("k")
                    .toBuilder().dataSchema("urn:omnibus:schemas:elsewhere/subjects/orders.placed/versions/1").build());
            publish(bus, topic, contracts.message(ContractsTest.JSON_V1, new TestSchemas.OrderV1("o-2", "c", 2)).withKey("k"));
            await().atMost(WAIT).until(() -> handled.size() == 1 && dead.size() == 2);
        }
        assertThat(handled).containsExactly(new TestSchemas.OrderV1("o-2", "c", 2));
        List<String> reasons = dead.stream().map(d -> d.message().extension(DeadLetters.ERROR_MESSAGE)).toList();
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("orders.placed v2").contains("incompatible with the handler's v1")
                .contains("/properties/total"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("Unknown schema urn:omnibus:schemas:elsewhere"));
        assertThat(dead).allSatisfy(d -> assertThat(d.message().extension(DeadLetters.ATTEMPTS)).isEqualTo("1"));
    }
}
