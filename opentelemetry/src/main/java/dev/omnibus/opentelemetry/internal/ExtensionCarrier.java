package dev.omnibus.opentelemetry.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.Map;

/** Reads and writes W3C trace context as CloudEvents extensions of an Omnibus message. */
enum ExtensionCarrier implements TextMapGetter<Map<String, String>>, TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override public Iterable<String> keys(Map<String, String> carrier) { return carrier.keySet(); }

    @Override public String get(Map<String, String> carrier, String key) { return carrier == null ? null : carrier.get(key); }

    @Override public void set(Map<String, String> carrier, String key, String value) { if (carrier != null) carrier.put(key, value); }
}
