package dev.omnibus.opentelemetry;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerScenarios;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The traces of two {@code Messaging} instances acting as two services, with the OpenTelemetry SDK and
 * its in-memory exporter: one subclass per broker (memory and the real Kafka, Pulsar and RabbitMQ).
 */
abstract class TracingScenarios extends BrokerScenarios {
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("omnibus.attempt");
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("omnibus.publish.kind");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel;
    private final List<Messaging> open = new ArrayList<>();
    Messaging orders;    // service A
    Messaging shipping;  // service B

    @BeforeAll
    void startSdk() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
    }

    @AfterAll
    void stopSdk() { if (otel != null) otel.close(); }

    @BeforeEach
    void services() {
        exporter.reset();
        String memory = memoryName("tracing");
        orders = connect(memory, OmnibusTelemetry.builder(otel).settleSpans(true).build().observer());
        shipping = connect(memory, OmnibusTelemetry.builder(otel).settleSpans(true).build().observer());
    }

    @AfterEach
    void close() {
        for (Messaging m : open) m.close();
        open.clear();
    }

    private Messaging connect(String memoryName, dev.omnibus.observation.MessagingObserver observer) {
        Messaging m = Messaging.connect(config(memoryName).observer(observer).build());
        open.add(m);
        return m;
    }

    static String topic(String name) { return "otel-" + name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    private SubscribeOptions group(String name) { return SubscribeOptions.group(name); }

    List<SpanData> spansWhen(String what, Predicate<List<SpanData>> done) {
        await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> done.test(exporter.getFinishedSpanItems()));
        return exporter.getFinishedSpanItems();
    }

    static List<SpanData> named(Collection<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    static SpanData one(Collection<SpanData> spans, String name) {
        List<SpanData> found = named(spans, name);
        assertThat(found).as("spans named '%s' among %s", name, spans.stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    static boolean has(List<SpanData> spans, String name, int count) { return named(spans, name).size() >= count; }

    private static void assertChild(SpanData child, SpanData parent) {
        assertThat(child.getTraceId()).as("%s in the trace of %s", child.getName(), parent.getName()).isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).as("%s's parent is %s", child.getName(), parent.getName()).isEqualTo(parent.getSpanId());
    }

    @Test
    void oneTraceFromPublishThroughTwoServicesAndTwoHops() {
        String placed = topic("placed"), shipped = topic("shipped");
        shipping.subscribe(placed, group("shipping"), d -> shipping.publish(shipped, Message.of("Shipped", "{}")).join());
        List<String> received = new CopyOnWriteArrayList<>();
        orders.subscribe(shipped, group("orders"), d -> received.add(d.id()));

        Span root = otel.getTracer("test").spanBuilder("checkout").startSpan();
        Message order = Message.of("OrderPlaced", "{\"id\":1}");
        try (Scope ignored = root.makeCurrent()) {
            orders.publish(placed, order).join();
        } finally {
            root.end();
        }
        List<SpanData> spans = spansWhen("two hops traced", s -> has(s, "process " + shipped, 1) && has(s, "ack " + shipped, 1));

        SpanData checkout = one(spans, "checkout");
        SpanData send1 = one(spans, "send " + placed);
        SpanData process1 = one(spans, "process " + placed);
        SpanData send2 = one(spans, "send " + shipped);
        SpanData process2 = one(spans, "process " + shipped);
        assertChild(send1, checkout);
        assertChild(process1, send1);
        assertChild(send2, process1);
        assertChild(process2, send2);
        assertChild(one(spans, "ack " + placed), process1);

        assertThat(send1.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(process1.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(one(spans, "ack " + placed).getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(send1.getAttributes().get(SYSTEM)).isEqualTo(system());
        assertThat(send1.getAttributes().get(DESTINATION)).isEqualTo(placed);
        assertThat(send1.getAttributes().get(MESSAGE_ID)).isEqualTo(order.id());
        assertThat(send1.getAttributes().get(OPERATION_TYPE)).isEqualTo("send");
        assertThat(process1.getAttributes().get(OPERATION_TYPE)).isEqualTo("process");
        assertThat(process1.getAttributes().get(GROUP)).isEqualTo("shipping");
        assertThat(process1.getAttributes().get(MESSAGE_ID)).isEqualTo(order.id());
        assertThat(process1.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(one(spans, "ack " + placed).getAttributes().get(OPERATION_TYPE)).isEqualTo("settle");
        if (broker() != null) {
            assertThat(send1.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
            assertThat(send1.getAttributes().get(AttributeKey.longKey("server.port"))).isPositive();
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void everyAttemptOfARetriedMessageIsASpanOfTheSameTrace() {
        String t = topic("retry");
        shipping.subscribe(t, group("retry").retry(RetryPolicy.fixed(3, Duration.ofMillis(20))), d -> {
            if (d.attempt() < 2) throw new IllegalStateException("transient " + d.attempt());
        });
        orders.publish(t, Message.of("Retried", "{}")).join();
        List<SpanData> spans = spansWhen("two attempts", s -> has(s, "process " + t, 2) && has(s, "ack " + t, 1));
        SpanData send = one(spans, "send " + t);
        List<SpanData> attempts = named(spans, "process " + t);
        assertThat(attempts).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactlyInAnyOrder(1L, 2L);
        for (SpanData a : attempts) assertChild(a, send);
        SpanData first = attempts.stream().filter(s -> s.getAttributes().get(ATTEMPT) == 1L).findFirst().orElseThrow();
        SpanData second = attempts.stream().filter(s -> s.getAttributes().get(ATTEMPT) == 2L).findFirst().orElseThrow();
        assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(first.getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
        assertThat(first.getAttributes().get(AttributeKey.booleanKey("omnibus.will_retry"))).isTrue();
        assertThat(second.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }

    @Test
    void aDelayedRedeliveryIsSettledAsScheduledAndItsAttemptsStayInTheTrace() {
        org.junit.jupiter.api.Assumptions.assumeTrue(shipping.capabilities().contains(dev.omnibus.Capability.ORDERED_DELAYED_REDELIVERY),
                "needs ORDERED_DELAYED_REDELIVERY");
        String t = topic("later");
        shipping.subscribe(t, group("later").retry(RetryPolicy.none()).redelivery(Duration.ofMillis(300)), d -> {
            if (d.attempt() == 1) throw new IllegalStateException("not yet");
        });
        orders.publish(t, Message.of("Later", "{}")).join();
        List<SpanData> spans = spansWhen("redelivered and completed", s -> has(s, "process " + t, 2) && has(s, "ack " + t, 2));
        SpanData send = one(spans, "send " + t);
        List<SpanData> attempts = named(spans, "process " + t);
        assertThat(attempts).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactlyInAnyOrder(1L, 2L);
        for (SpanData a : attempts) assertChild(a, send);
        assertThat(named(spans, "ack " + t)).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("omnibus.settle.outcome")))
                .containsExactlyInAnyOrder("redelivery_scheduled", "completed");
    }

    @Test
    void aDeadLetterIsAProducerSpanLinkedToTheFailedAttemptAndARedriveLinksBackToIt() {
        String t = topic("dlq");
        String dlq = t + ".dlq";
        List<Integer> redriven = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
        shipping.subscribe(t, group("dl").retry(RetryPolicy.fixed(2, Duration.ofMillis(20))), d -> {
            if (!fixed.get()) throw new IllegalArgumentException("poison");
            redriven.add(d.attempt());
        });
        Message poison = Message.of("Poison", "{}");
        orders.publish(t, poison).join();
        List<SpanData> spans = spansWhen("dead letter", s -> has(s, "send " + dlq, 1) && has(s, "ack " + t, 1));
        SpanData send = one(spans, "send " + t);
        SpanData deadLetter = one(spans, "send " + dlq);
        SpanData lastAttempt = named(spans, "process " + t).stream()
                .filter(s -> s.getAttributes().get(ATTEMPT) == 2L).findFirst().orElseThrow();
        assertThat(deadLetter.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(deadLetter.getAttributes().get(KIND)).isEqualTo("dead_letter");
        assertThat(deadLetter.getTraceId()).isEqualTo(send.getTraceId());
        assertThat(deadLetter.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).contains(lastAttempt.getSpanId());
        assertThat(lastAttempt.getAttributes().get(AttributeKey.booleanKey("omnibus.will_retry"))).isFalse();

        fixed.set(true);
        exporter.reset();
        assertThat(shipping.redrive(dlq, Duration.ofSeconds(2)).orTimeout(60, TimeUnit.SECONDS).join()).isEqualTo(1L);
        List<SpanData> after = spansWhen("redriven and handled", s -> named(s, "process " + t).stream()
                .anyMatch(p -> p.getStatus().getStatusCode() != StatusCode.ERROR));
        SpanData redrive = named(after, "send " + t).stream().filter(s -> "redrive".equals(s.getAttributes().get(KIND)))
                .findFirst().orElseThrow();
        assertThat(redrive.getTraceId()).as("a redrive starts a new trace").isNotEqualTo(send.getTraceId());
        assertThat(redrive.getLinks()).extracting(LinkData::getSpanContext).anySatisfy(l -> {
            assertThat(l.getTraceId()).as("linked to the original trace").isEqualTo(send.getTraceId());
            assertThat(l.getSpanId()).isEqualTo(deadLetter.getSpanId());
        });
        SpanData handled = named(after, "process " + t).stream().filter(p -> p.getStatus().getStatusCode() != StatusCode.ERROR)
                .findFirst().orElseThrow();
        assertChild(handled, redrive);
        assertThat(redriven).hasSize(1);
    }

    @Test
    void theReplyBelongsToTheRequestersTrace() {
        String t = topic("quote");
        shipping.respond(t, group("quotes"), d -> Message.of("Quote", "{\"price\":42}"));
        Span root = otel.getTracer("test").spanBuilder("ask").startSpan();
        Message reply;
        try (Scope ignored = root.makeCurrent()) {
            reply = orders.request(t, Message.of("QuoteRequest", "{}"), Duration.ofSeconds(30)).join();
        } finally {
            root.end();
        }
        assertThat(reply.type()).isEqualTo("Quote");
        List<SpanData> spans = spansWhen("request and reply", s -> s.stream()
                .anyMatch(x -> "reply".equals(x.getAttributes().get(KIND))) && has(s, "ack " + t, 1));
        SpanData ask = one(spans, "ask");
        SpanData request = one(spans, "send " + t);
        SpanData process = one(spans, "process " + t);
        SpanData replySpan = spans.stream().filter(x -> "reply".equals(x.getAttributes().get(KIND))).findFirst().orElseThrow();
        assertThat(request.getAttributes().get(KIND)).isEqualTo("request");
        assertChild(request, ask);
        assertChild(process, request);
        assertChild(replySpan, process);
        assertThat(replySpan.getKind()).isEqualTo(SpanKind.PRODUCER);
    }

    @Test
    void anExporterThatThrowsFailsNeitherThePublishNorTheHandler() {
        SpanExporter broken = new SpanExporter() {
            @Override public CompletableResultCode export(Collection<SpanData> spans) { throw new IllegalStateException("exporter down"); }
            @Override public CompletableResultCode flush() { throw new IllegalStateException("exporter down"); }
            @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
        };
        try (OpenTelemetrySdk brokenSdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(broken)).build()).build()) {
            String memory = memoryName("broken");
            Messaging a = connect(memory, OmnibusTelemetry.create(brokenSdk).observer());
            Messaging b = broker() == null ? a : connect(memory, OmnibusTelemetry.create(brokenSdk).observer());
            String t = topic("broken");
            List<String> handled = new CopyOnWriteArrayList<>();
            b.subscribe(t, group("broken"), d -> handled.add(d.id()));
            Message m = Message.of("Still", "{}");
            assertThat(a.publish(t, m).orTimeout(30, TimeUnit.SECONDS).join().messageId()).isEqualTo(m.id());
            await("handled despite the exporter").atMost(Duration.ofSeconds(60)).until(() -> handled.contains(m.id()));
        }
    }
}
