package dev.omnibus.observation;

import dev.omnibus.Message;

/**
 * A settled delivery.
 *
 * @param client   the consuming instance
 * @param topic    its topic
 * @param group    its group, or {@code null}
 * @param message  the message, or {@code null} when it was not a valid envelope
 * @param outcome  how it ended
 * @param attempts handler attempts made (0 when the handler never ran)
 */
public record SettleContext(ObservedClient client, String topic, String group, Message message, SettleOutcome outcome,
                            int attempts) {}
