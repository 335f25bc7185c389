package dev.omnibus.conformance;

/**
 * The conformance kit. A driver's test module extends it ONCE, in a class named
 * {@code <Driver>ConformanceTest}, and supplies the broker:
 *
 * <pre>{@code
 * class KafkaConformanceTest extends MessagingConformanceKit {
 *     @Override protected BrokerFixture createFixture() { return KafkaFixtures.choose(); }
 * }
 * }</pre>
 *
 * (Skeleton: the @Nested groups are being written.)
 */
public abstract class MessagingConformanceKit {
    /** The broker under test; called once per concrete test class, then started and shared. */
    protected abstract BrokerFixture createFixture();
}
