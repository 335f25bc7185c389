package dev.omnibus.opentelemetry.internal;

import dev.omnibus.Delivery;
import dev.omnibus.Lineage;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.observation.SettleContext;
import dev.omnibus.observation.SettleOutcome;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spans of one or more {@code Messaging} instances (see {@code OmnibusTelemetry} for the shape).
 *
 * <p>Trace context is carried only as the CloudEvents distributed-tracing extension: W3C
 * {@code traceparent}/{@code tracestate} are written with the W3C propagator itself, not with the
 * application's configured propagators, because the CloudEvents extension is defined as W3C trace
 * context whatever else the application propagates. Parents:
 * <ul>
 *   <li>publish, request: the current context (the handler's process span inside a handler);</li>
 *   <li>process: the context in the message, else the current one;</li>
 *   <li>dead letter: the failed (current) process span, plus a link to it;</li>
 *   <li>redrive: a new trace (the operator's current context if any), linked to the dead letter's trace;</li>
 *   <li>reply: the request's process span when current, else the request's trace from the message.</li>
 * </ul>
 */
public final class TracingObserver implements MessagingObserver {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final String[] KINDS = java.util.stream.Stream.of(PublishKind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    private static final String[] OUTCOMES = java.util.stream.Stream.of(SettleOutcome.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private final Tracer tracer;
    private final boolean settleSpans;
    /** Span names per destination ("send t", "process t", …), built once: names are per message otherwise. */
    private final Map<String, String> sendNames = new ConcurrentHashMap<>();
    private final Map<String, String> processNames = new ConcurrentHashMap<>();
    private final Map<String, String> ackNames = new ConcurrentHashMap<>();
    private final Map<String, String> nackNames = new ConcurrentHashMap<>();
    /** The server attributes of each client, built once per connection. */
    private final Map<ObservedClient, Attributes> clients = new ConcurrentHashMap<>();

    public TracingObserver(Tracer tracer, boolean settleSpans) {
        this.tracer = tracer;
        this.settleSpans = settleSpans;
    }

    /** The trace context the message carries, on top of {@code base}. */
    static Context extract(Message message, Context base) {
        return message == null ? base : W3C.extract(base, message.extensions(), ExtensionCarrier.INSTANCE);
    }

    private void client(SpanBuilder b, ObservedClient client) {
        if (client == null) return;
        b.setAllAttributes(clients.computeIfAbsent(client, TracingObserver::clientAttributes));
    }

    private static Attributes clientAttributes(ObservedClient client) {
        AttributesBuilder a = Attributes.builder().put(MessagingAttributes.SYSTEM, client.system());
        if (client.serverAddress() != null) a.put(MessagingAttributes.SERVER_ADDRESS, client.serverAddress());
        if (client.serverPort() > 0) a.put(MessagingAttributes.SERVER_PORT, (long) client.serverPort());
        return a.build();
    }

    private static String name(Map<String, String> names, String operation, String destination) {
        String name = names.get(destination);
        if (name == null) {
            name = operation + " " + destination;
            if (names.size() < 10_000) names.put(destination, name); // bounded: destinations are few in practice
        }
        return name;
    }

    /** The per-message attributes, set on a span that records only (nothing to pay for a sampled-out one). */
    private static void message(Span span, Message m) {
        span.setAttribute(MessagingAttributes.MESSAGE_ID, m.id());
        span.setAttribute(MessagingAttributes.BODY_SIZE, (long) m.dataSize());
        String correlation = m.extension(Lineage.CORRELATION_ID);
        if (correlation != null) span.setAttribute(MessagingAttributes.CONVERSATION_ID, correlation);
        String causation = m.extension(Lineage.CAUSATION_ID);
        if (causation != null) span.setAttribute(MessagingAttributes.CAUSATION_ID, causation);
    }

    private static String errorType(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) t = t.getCause();
        return t.getClass().getName();
    }

    @Override
    public PublishObservation publish(PublishContext publish) {
        Context current = Context.current();
        // Attributes a sampler may use are given at creation; the rest only when the span records.
        SpanBuilder b = tracer.spanBuilder(name(sendNames, "send", publish.topic())).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(MessagingAttributes.DESTINATION, publish.topic())
                .setAttribute(MessagingAttributes.OPERATION_TYPE, "send");
        client(b, publish.client());
        Delivery cause = publish.cause();
        PublishKind kind = publish.kind();
        if (kind == PublishKind.DEAD_LETTER) {
            SpanContext failed = Span.fromContext(current).getSpanContext();
            if (failed.isValid()) {
                b.setParent(current).addLink(failed);
            } else if (cause != null) { // published outside the attempt (a dead-letter retry): the original trace
                b.setParent(extract(cause.message(), Context.root()));
            }
        } else if (kind == PublishKind.REDRIVE) {
            SpanContext deadLetter = cause == null ? SpanContext.getInvalid()
                    : Span.fromContext(extract(cause.message(), Context.root())).getSpanContext();
            b.setParent(Span.fromContext(current).getSpanContext().isValid()
                    && !Span.fromContext(current).getSpanContext().getTraceId().equals(deadLetter.getTraceId())
                    ? current : Context.root());
            if (deadLetter.isValid()) b.addLink(deadLetter);
        } else if (kind == PublishKind.REPLY && cause != null) {
            Context request = extract(cause.message(), Context.root());
            String requestTrace = Span.fromContext(request).getSpanContext().getTraceId();
            boolean inRequestTrace = Span.fromContext(current).getSpanContext().getTraceId().equals(requestTrace);
            b.setParent(inRequestTrace || !Span.fromContext(request).getSpanContext().isValid() ? current : request);
        } else {
            b.setParent(current);
        }
        Span span = b.startSpan();
        if (span.isRecording()) {
            span.setAttribute(MessagingAttributes.OPERATION_NAME, "send");
            span.setAttribute(MessagingAttributes.PUBLISH_KIND, KINDS[kind.ordinal()]);
            message(span, publish.message());
        }
        Map<String, String> extensions = TraceContextExtensions.of(span);
        return new PublishObservation() {
            @Override public Map<String, String> extensions() { return extensions; }

            @Override public void completed(PublishReceipt receipt) { span.end(); }

            @Override public void failed(Throwable error) {
                span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                span.setAttribute(MessagingAttributes.ERROR_TYPE, errorType(error));
                span.recordException(error);
                span.end();
            }
        };
    }

    @Override
    public ProcessObservation process(ProcessContext process) {
        Delivery d = process.delivery();
        SpanBuilder b = tracer.spanBuilder(name(processNames, "process", d.topic())).setSpanKind(SpanKind.CONSUMER)
                .setParent(extract(d.message(), Context.current()))
                .setAttribute(MessagingAttributes.DESTINATION, d.topic())
                .setAttribute(MessagingAttributes.OPERATION_TYPE, "process");
        if (d.group() != null) b.setAttribute(MessagingAttributes.GROUP, d.group());
        client(b, process.client());
        Span span = b.startSpan();
        if (span.isRecording()) {
            span.setAttribute(MessagingAttributes.OPERATION_NAME, "process");
            span.setAttribute(MessagingAttributes.ATTEMPT, (long) d.attempt());
            message(span, d.message());
        }
        Scope scope = span.makeCurrent();
        return new ProcessObservation() {
            @Override public void failed(Throwable error, boolean willRetry) {
                span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                span.setAttribute(MessagingAttributes.ERROR_TYPE, errorType(error));
                span.setAttribute(MessagingAttributes.WILL_RETRY, willRetry);
                span.recordException(error);
            }

            @Override public void close() {
                try {
                    scope.close();
                } finally {
                    span.end();
                }
            }
        };
    }

    @Override
    public void settled(SettleContext settle) {
        if (!settleSpans) { // the outcome on the process span, when the settlement happens inside it
            Span current = Span.current();
            if (current.isRecording()) current.setAttribute(MessagingAttributes.SETTLE_OUTCOME, OUTCOMES[settle.outcome().ordinal()]);
            return;
        }
        // a scheduled redelivery settles the original once the broker holds the redelivery: an ack of this delivery
        String operation = settle.outcome() == SettleOutcome.GIVEN_BACK ? "nack" : "ack";
        Context current = Context.current();
        Context parent = Span.fromContext(current).getSpanContext().isValid() ? current : extract(settle.message(), current);
        SpanBuilder b = tracer.spanBuilder(name(operation.equals("ack") ? ackNames : nackNames, operation, settle.topic())).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(MessagingAttributes.DESTINATION, settle.topic())
                .setAttribute(MessagingAttributes.OPERATION_TYPE, "settle")
                .setAttribute(MessagingAttributes.OPERATION_NAME, operation)
                .setAttribute(MessagingAttributes.SETTLE_OUTCOME, OUTCOMES[settle.outcome().ordinal()])
                .setAttribute(MessagingAttributes.ATTEMPT, (long) settle.attempts());
        if (settle.group() != null) b.setAttribute(MessagingAttributes.GROUP, settle.group());
        client(b, settle.client());
        Span span = b.startSpan();
        if (settle.message() != null && span.isRecording()) message(span, settle.message());
        span.end();
    }
}
