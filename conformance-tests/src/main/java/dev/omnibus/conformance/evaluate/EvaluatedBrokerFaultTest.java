package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/**
 * The fault group bound to the broker {@code ./omnibus evaluate --faults} started. Its verdict is the
 * DURABLE row of the report. Not run by Surefire. Tests that need what only a driver's own fault test
 * knows (short timeouts for the freeze, the broker's view of acks) are skipped here.
 */
public class EvaluatedBrokerFaultTest extends MessagingFaultKit {
    @Override protected BrokerFixture createFixture() { return EvaluatedBroker.get(); }
}
