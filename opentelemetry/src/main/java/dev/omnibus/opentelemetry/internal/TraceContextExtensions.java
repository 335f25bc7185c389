package dev.omnibus.opentelemetry.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.Map;

/**
 * The CloudEvents distributed-tracing extensions of one span: {@code traceparent}, and {@code tracestate} when
 * the span has one, written by the W3C propagator into this holder and handed out as an immutable map (one per
 * published message: no hash map for the one or two entries).
 */
final class TraceContextExtensions {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapSetter<TraceContextExtensions> SETTER = (carrier, key, value) -> {
        if (carrier == null) return;
        if (key.equals("traceparent")) carrier.traceparent = value;
        else if (key.equals("tracestate")) carrier.tracestate = value;
    };

    private String traceparent;
    private String tracestate;

    private TraceContextExtensions() {}

    /** The extensions that carry {@code span}'s context; empty when the span has no valid context (a no-op tracer). */
    static Map<String, String> of(Span span) {
        TraceContextExtensions c = new TraceContextExtensions();
        W3C.inject(Context.root().with(span), c, SETTER);
        if (c.traceparent == null) return Map.of();
        return c.tracestate == null ? Map.of("traceparent", c.traceparent)
                : Map.of("traceparent", c.traceparent, "tracestate", c.tracestate);
    }
}
