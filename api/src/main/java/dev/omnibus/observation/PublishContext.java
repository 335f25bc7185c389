package dev.omnibus.observation;

import dev.omnibus.Delivery;
import dev.omnibus.Message;

/**
 * A publish about to happen.
 *
 * @param client  the publishing instance
 * @param topic   destination topic (for a reply, the requester's reply address)
 * @param message the message as it will be sent (lineage extensions already added)
 * @param kind    why it is published
 * @param cause   the delivery being handled on this thread when it was published (the failed delivery
 *                for a dead letter, the request for a reply), or {@code null}
 */
public record PublishContext(ObservedClient client, String topic, Message message, PublishKind kind, Delivery cause) {}
