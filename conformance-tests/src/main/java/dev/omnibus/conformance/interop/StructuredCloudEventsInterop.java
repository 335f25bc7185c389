package dev.omnibus.conformance.interop;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.function.Function;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interop check for the drivers' tests: a CloudEvent that the CloudEvents SDK serialized in structured
 * content mode ({@code application/cloudevents+json}), published with the broker's native client, reaches an
 * Omnibus subscriber with every attribute, extension and data byte intact.
 */
public final class StructuredCloudEventsInterop {
    /** The content type of the JSON event format. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private StructuredCloudEventsInterop() {}

    /**
     * The sample events, as {@code serializer} (the SDK's JSON event format) writes them, each read intact:
     * one with every attribute, typed extensions and JSON data under a broker key; one with binary data
     * ({@code data_base64}) and no key.
     */
    public static void assertSdkEventsReadIntact(BrokerFixture fixture, Function<CloudEvent, byte[]> serializer) throws Exception {
        CloudEvent json = CloudEventBuilder.v1().withId("sdk-s-1").withSource(URI.create("https://acme.example/parcels"))
                .withType("com.acme.Shipped").withSubject("parcel/1").withTime(OffsetDateTime.parse("2025-01-02T03:04:05.123456+02:00"))
                .withDataSchema(URI.create("https://acme.example/shipped.json")).withExtension("tenantid", "acme")
                .withExtension("priority", 5).withExtension("partitionkey", "parcel-1")
                .withData("application/json", "{\"parcel\":1,\"lines\":[1,2]}".getBytes(StandardCharsets.UTF_8)).build();
        Message first = assertReadIntact(fixture, json, serializer.apply(json), "parcel-1");
        assertThat(first.extensions()).containsEntry("priority", "5").containsEntry("tenantid", "acme");
        CloudEvent binary = CloudEventBuilder.v1().withId("sdk-s-2").withSource(URI.create("urn:sdk")).withType("com.acme.Blob")
                .withTime(OffsetDateTime.parse("2025-01-02T03:04:05Z"))
                .withData("application/octet-stream", new byte[]{0, 1, 2, (byte) 0xff}).build();
        assertReadIntact(fixture, binary, serializer.apply(binary), null);
    }

    /**
     * Subscribes a group to a fresh topic, publishes {@code body} (the SDK's serialization of {@code event})
     * with {@code fixture}'s foreign publisher and {@code content-type: application/cloudevents+json} and the
     * broker key {@code key}, and asserts the delivered message equals {@link Message#fromCloudEvent(CloudEvent)}.
     */
    public static Message assertReadIntact(BrokerFixture fixture, CloudEvent event, byte[] body, String key) throws Exception {
        BrokerFixture.ForeignPublisher publisher = fixture.foreignPublisher()
                .orElseThrow(() -> new IllegalStateException(fixture.name() + " has no native publisher"));
        String topic = "ce-structured-" + UUID.randomUUID().toString().substring(0, 8);
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(fixture.url()).options(fixture.options()).build())) {
            bus.subscribe(topic, SubscribeOptions.group("interop").startFrom(StartFrom.EARLIEST), d -> got.add(d.message()));
            publisher.publish(topic, key, body, Map.of("content-type", CONTENT_TYPE));
            await().atMost(Duration.ofSeconds(60)).until(() -> !got.isEmpty());
        }
        Message m = got.get(0);
        Message expected = Message.fromCloudEvent(event);
        assertThat(m.id()).isEqualTo(event.getId());
        assertThat(m.source()).isEqualTo(event.getSource().toString());
        assertThat(m.type()).isEqualTo(event.getType());
        assertThat(m.subject()).isEqualTo(event.getSubject());
        assertThat(m.dataSchema()).isEqualTo(event.getDataSchema() == null ? null : event.getDataSchema().toString());
        assertThat(m.dataContentType()).isEqualTo(event.getDataContentType());
        if (event.getTime() != null) assertThat(m.time()).isEqualTo(event.getTime().toInstant());
        assertThat(m.extensions()).isEqualTo(expected.extensions());
        assertThat(m.data()).isEqualTo(expected.data());
        assertThat(m).isEqualTo(expected);
        return m;
    }
}
