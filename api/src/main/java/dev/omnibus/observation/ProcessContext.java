package dev.omnibus.observation;

import dev.omnibus.Delivery;

/**
 * A handler attempt about to run.
 *
 * @param client   the consuming instance
 * @param delivery the delivery, with its attempt number, topic, group and broker position
 * @param maxAttempts the attempts the retry policy allows
 */
public record ProcessContext(ObservedClient client, Delivery delivery, int maxAttempts) {}
