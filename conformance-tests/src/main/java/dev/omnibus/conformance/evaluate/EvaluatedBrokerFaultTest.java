package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/**
 * The fault group bound to the broker {@code ./omnibus evaluate --faults} started. Its verdict is the
 * DURABLE row of the report. Not run by Surefire. The frozen-connection test needs the short timeouts
 * only a driver's own fault test knows and is skipped here; the crash after an ack asks the driver's
 * lag for the broker's view of acks, so it runs wherever the driver has LAG.
 */
public class EvaluatedBrokerFaultTest extends MessagingFaultKit {
    @Override protected BrokerFixture createFixture() { return EvaluatedBroker.get(); }
}
