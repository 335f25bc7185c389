package dev.omnibus.observation;

import dev.omnibus.PublishReceipt;

import java.util.Map;

/** One observed publish: extensions to add to the message, then exactly one outcome. */
public interface PublishObservation {
    /** Observes nothing. */
    PublishObservation NOOP = new PublishObservation() {};

    /** Extensions (CloudEvents names, lower-case alphanumeric) to add to the message, e.g. {@code traceparent}. */
    default Map<String, String> extensions() { return Map.of(); }

    /** The broker confirmed it. */
    default void completed(PublishReceipt receipt) {}

    /** It failed (or was refused before reaching the broker). */
    default void failed(Throwable error) {}
}
