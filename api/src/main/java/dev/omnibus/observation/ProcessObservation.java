package dev.omnibus.observation;

/**
 * One observed handler attempt: told {@link #succeeded()} or {@link #failed}, then {@link #close()}d
 * on the thread that ran the handler.
 */
public interface ProcessObservation extends AutoCloseable {
    /** Observes nothing. */
    ProcessObservation NOOP = new ProcessObservation() {};

    /** The handler returned normally (or dropped the message on purpose). */
    default void succeeded() {}

    /**
     * The handler threw.
     *
     * @param error     what it threw
     * @param willRetry true when another attempt follows in process; false when the delivery is
     *                  dead-lettered or dropped next
     */
    default void failed(Throwable error, boolean willRetry) {}

    /** The attempt is over (ends what {@code process} started, e.g. a span and its scope). */
    @Override default void close() {}
}
