package dev.omnibus.opentelemetry.internal;

import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Map;

/** Reads W3C trace context from the CloudEvents extensions of an Omnibus message (writing: {@link TraceContextExtensions}). */
enum ExtensionCarrier implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override public Iterable<String> keys(Map<String, String> carrier) { return carrier.keySet(); }

    @Override public String get(Map<String, String> carrier, String key) { return carrier == null ? null : carrier.get(key); }
}
