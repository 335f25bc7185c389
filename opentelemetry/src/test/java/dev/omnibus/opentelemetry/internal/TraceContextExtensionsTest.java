package dev.omnibus.opentelemetry.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace-context extensions a published message gets, and that they read back to the same context. */
class TraceContextExtensionsTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test void aSampledSpanWithoutTraceStateGivesTraceparentOnly() {
        Span span = Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault()));
        assertThat(TraceContextExtensions.of(span)).isEqualTo(Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
    }

    @Test void aTraceStateTravelsBesideTheTraceparentAndBothReadBack() {
        TraceState state = TraceState.builder().put("vendor", "value").build();
        Span span = Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), state));
        Map<String, String> extensions = TraceContextExtensions.of(span);
        assertThat(extensions).containsEntry("traceparent", "00-" + TRACE + "-" + SPAN + "-00")
                .containsEntry("tracestate", "vendor=value");
        SpanContext read = Span.fromContext(W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), extensions, ExtensionCarrier.INSTANCE)).getSpanContext();
        assertThat(read.getTraceId()).isEqualTo(TRACE);
        assertThat(read.getSpanId()).isEqualTo(SPAN);
        assertThat(read.isSampled()).isFalse();
        assertThat(read.getTraceState().get("vendor")).isEqualTo("value");
    }

    @Test void aSpanWithoutValidContextAddsNothing() {
        assertThat(TraceContextExtensions.of(Span.getInvalid())).isEmpty();
    }
}
