package dev.omnibus;

/**
 * Handles one delivery. Returning normally completes (acknowledges) it. Throwing fails the attempt:
 * the subscription's {@link RetryPolicy} decides whether to retry (after its backoff) or dead-letter.
 * The vocabulary is the same on every broker: any exception = retry per policy;
 * {@link RetryLaterException} = retry after a given delay; {@link DeadLetterException} = dead-letter now;
 * {@link DropMessageException} = acknowledge and discard.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Delivery delivery) throws Exception;
}
