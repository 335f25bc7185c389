package dev.omnibus.observation;

/**
 * Receives what a {@code Messaging} instance does: publishes (including dead letters, redrives,
 * requests and replies), every handler attempt, and how each delivery was settled. Called on the
 * threads doing the work: {@link #process} on the worker thread right before the handler runs (so an
 * observer may make a trace context current there, and publishes from the handler become its
 * children), {@link #publish} on the publishing thread before the message is handed to the driver.
 *
 * <p>Implementations must be fast and thread-safe. An exception thrown by an observer is logged once
 * and ignored: it never fails a publish or a handler. Every method has a no-op default.
 */
public interface MessagingObserver {

    /** The instance connected; {@code client} tells the system and broker, and gives access to lag and health. */
    default void connected(ObservedClient client) {}

    /**
     * A message is about to be published. The returned observation may add extensions to it (e.g. W3C
     * {@code traceparent}) and is told the outcome exactly once.
     */
    default PublishObservation publish(PublishContext publish) { return PublishObservation.NOOP; }

    /**
     * A handler attempt is about to run on the current thread. The returned observation is told the
     * attempt's outcome, then closed on the same thread once the attempt is over.
     */
    default ProcessObservation process(ProcessContext process) { return ProcessObservation.NOOP; }

    /** A delivery was settled with the broker (or given back), with its final outcome. */
    default void settled(SettleContext settle) {}

    /** The instance closed. */
    default void closed(ObservedClient client) {}
}
