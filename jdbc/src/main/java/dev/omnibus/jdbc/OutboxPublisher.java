package dev.omnibus.jdbc;

import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;

import java.util.concurrent.CompletableFuture;

/**
 * Where an {@link OutboxRelay} publishes: normally {@code messaging::publish} of a
 * {@link dev.omnibus.Messaging} instance (any driver). The future must complete only once the broker
 * durably accepted the message, as {@code Messaging.publish} does.
 */
@FunctionalInterface
public interface OutboxPublisher {
    CompletableFuture<PublishReceipt> publish(String topic, Message message);
}
