package dev.omnibus.schema;

import dev.omnibus.Delivery;

/**
 * Handles one event already decoded into the handler's schema version (see
 * {@link Contracts#handler(EventType, TypedHandler)}). Returning completes the delivery; throwing follows the
 * subscription's retry policy, exactly as a {@link dev.omnibus.MessageHandler}.
 *
 * @param <T> the payload type of the handler's {@link EventType}
 */
@FunctionalInterface
public interface TypedHandler<T> {
    void handle(T event, Delivery delivery) throws Exception;
}
