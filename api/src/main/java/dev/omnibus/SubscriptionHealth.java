package dev.omnibus;

/**
 * The state of one subscription.
 *
 * @param topic      its topic
 * @param group      its group, or {@code null}
 * @param state      see {@link State}
 * @param inFlight   deliveries received and not yet settled
 * @param lastError  the last handler or dead-letter error seen, or {@code ""}
 */
public record SubscriptionHealth(String topic, String group, State state, long inFlight, String lastError) {
    /** Subscription states. */
    public enum State {
        /** Receiving and handling. */
        RUNNING,
        /** {@code maxInFlight} deliveries unsettled: the broker holds further messages back (back-pressure). */
        PAUSED,
        /**
         * Dead-lettering fails (e.g. the dead-letter topic cannot be written), or handing messages back for a
         * delayed redelivery fails: their keys are held.
         */
        FAILED,
        /** Closed. */
        STOPPED
    }
}
