package dev.omnibus;

import java.time.Instant;

/**
 * The broker's durable confirmation of a publish.
 *
 * @param topic     the topic written to
 * @param messageId the envelope id (CloudEvents {@code id})
 * @param position  where the broker stored it, when the broker tells (otherwise {@code null})
 * @param timestamp when the confirmation was received
 */
public record PublishReceipt(String topic, String messageId, Position position, Instant timestamp) {}
